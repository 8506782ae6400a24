"""Shared setup for the CodeDeploy helper tests: a fleet, a group, deployments."""

from __future__ import annotations

import json

from helpers import fleet
from tests.offline.codedeploy import fleet as cd

TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "codedeploy.amazonaws.com"},
    "Action": "sts:AssumeRole"}]}
FAILING_VALIDATE = "#!/bin/bash\necho checking\nexit 3\n"


def setup(aws, count: int = 3) -> tuple[fleet.Fleet, str]:
    """A fleet tagged fleet=web (as role=web for the test group) and the group; return both."""
    ec2, iam = aws("ec2"), aws("iam")
    made = fleet.launch_fleet(ec2, iam, "cdw-me-05-web", count,
                              {"cdw:participant": "me", "role": "web"})
    arn = iam.create_role(RoleName="cd-role",
                          AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    cd.group(aws, arn)
    return made, arn


def deploy(aws, config: str | None = None, failing: bool = False) -> dict:
    """Deploy the test revision (ValidateService failing when ``failing``) to group ``web``."""
    files = None
    if failing:
        files = {"appspec.yml": cd.APPSPEC, "site/index.html": "<h1>v2</h1>",
                 "scripts/before.sh": cd.SCRIPT_OK, "scripts/validate.sh": FAILING_VALIDATE}
    rev = cd.revision(aws, files, key="bad.zip" if failing else "web.zip")
    extra = {"deploymentConfigName": config} if config else {}
    return cd.deploy(aws, rev, **extra)
