"""CodeDeploy test helpers: a role, an application, a CLI runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "codedeploy.amazonaws.com"},
    "Action": "sts:AssumeRole"}]}


@pytest.fixture
def role_arn(aws) -> str:
    """A CodeDeploy service role with the managed policy attached."""
    iam = aws("iam")
    role = iam.create_role(RoleName="cdw-codedeploy", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.attach_role_policy(RoleName="cdw-codedeploy",
                           PolicyArn="arn:aws:iam::aws:policy/service-role/AWSCodeDeployRole")
    return role["Role"]["Arn"]


@pytest.fixture
def cli(ep):
    """Run ``aws <args>`` against the endpoint; return the completed process."""
    aws_exe = Path(sys.executable).with_name("aws")

    def run(*args: str, cwd: str | None = None, check: bool = True):
        env = {"PATH": os.environ.get("PATH", ""), "AWS_ENDPOINT_URL": ep.url,
               "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_DEFAULT_REGION": "us-east-1", "HOME": os.environ.get("HOME", "/tmp"),
               "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"}
        return subprocess.run([str(aws_exe), *args], env=env, capture_output=True, text=True,
                              check=check, cwd=cwd)
    return run
