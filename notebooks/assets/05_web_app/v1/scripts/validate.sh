#!/bin/bash
# ValidateService: exit 0 when the new version is healthy, anything else fails the instance.
ROOT="${CDW_INSTANCE_ROOT:-}"
test -f "$ROOT/var/run/cdw-web.running" || { echo "web app is not running"; exit 1; }
echo "healthy: serving $(cat "$ROOT/var/www/cdw-web/index.html")"
