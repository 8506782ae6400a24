#!/bin/bash
# ApplicationStart: start the new version.
ROOT="${CDW_INSTANCE_ROOT:-}"
mkdir -p "$ROOT/var/run"
echo "v1" > "$ROOT/var/run/cdw-web.running"
echo "web app v1 started"
