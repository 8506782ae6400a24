#!/bin/bash
# ApplicationStop: stop what the previous revision started.
# (Offline, CDW_INSTANCE_ROOT is the emulated instance's folder; on EC2 it is unset, so "/".)
ROOT="${CDW_INSTANCE_ROOT:-}"
rm -f "$ROOT/var/run/cdw-web.running"
echo "v1 stop script: web app stopped"
