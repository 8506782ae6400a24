#!/bin/bash
# BeforeInstall: prepare the instance; CodeDeploy tells the script where it is.
mkdir -p "${CDW_INSTANCE_ROOT:-}/var/www/cdw-web"
echo "$LIFECYCLE_EVENT of $APPLICATION_NAME / $DEPLOYMENT_GROUP_NAME in $DEPLOYMENT_ID"
