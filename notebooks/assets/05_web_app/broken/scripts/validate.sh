#!/bin/bash
# ValidateService of a broken release: the health check fails.
echo "GET /health -> 500 Internal Server Error"
echo "health check failed" >&2
exit 1
