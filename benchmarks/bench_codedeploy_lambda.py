"""A Lambda deployment with CodeDeployDefault.LambdaLinear10PercentEvery10Minutes, no hooks.

Run: ``python benchmarks/bench_codedeploy_lambda.py [repeats]``. Prints figures; asserts
nothing. At time scale ``max``: the wall time from ``create_deployment`` until
``get_deployment`` shows it Succeeded (the alias at 100 % on the new version), its virtual
duration, and the ratio of wall time to the 90 minutes the same deployment takes on AWS
(10 % at once, then +10 % every 10 minutes: the last shift comes after 9 intervals).
Creating the function, versions and alias is outside the timed window.
"""

from __future__ import annotations

import io
import json
import sys
import time
import zipfile

import boto3

from helpers.offline.endpoint import Endpoint
from helpers.offline.engine import FIXED_EPOCH

AWS_MINUTES = 90.0
APPSPEC = """version: 0.0
Resources:
  - fn:
      Type: AWS::Lambda::Function
      Properties: {Name: api, Alias: live, CurrentVersion: "1", TargetVersion: "2"}
"""


def _zip(text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("app.py", text)
    return buf.getvalue()


def run_once(endpoint: Endpoint) -> tuple[float, float, str]:
    """One deployment; returns (wall seconds, virtual minutes, final alias version)."""
    endpoint.reset(scale="max", epoch=FIXED_EPOCH, seed=1)
    make = lambda s: boto3.client(s, endpoint_url=endpoint.url, region_name="us-east-1",  # noqa: E731
                                  aws_access_key_id="bench", aws_secret_access_key="bench")
    iam, fn, codedeploy = make("iam"), make("lambda"), make("codedeploy")
    principal = {"Service": "lambda.amazonaws.com"}
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": principal}]}
    role = iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    fn.create_function(FunctionName="api", Runtime="python3.12", Role=role, Handler="app.h",
                       Code={"ZipFile": _zip("def h(e, c):\n    return 1\n")})
    fn.publish_version(FunctionName="api")
    fn.update_function_code(FunctionName="api", ZipFile=_zip("def h(e, c):\n    return 2\n"))
    fn.publish_version(FunctionName="api")
    fn.create_alias(FunctionName="api", Name="live", FunctionVersion="1")
    codedeploy.create_application(applicationName="a", computePlatform="Lambda")
    codedeploy.create_deployment_group(
        applicationName="a", deploymentGroupName="g", serviceRoleArn=role,
        deploymentConfigName="CodeDeployDefault.LambdaLinear10PercentEvery10Minutes")
    started = time.perf_counter()
    deployment_id = codedeploy.create_deployment(
        applicationName="a", deploymentGroupName="g",
        revision={"revisionType": "AppSpecContent",
                  "appSpecContent": {"content": APPSPEC}})["deploymentId"]
    info = codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]
    wall = time.perf_counter() - started
    if info["status"] != "Succeeded":
        raise SystemExit(f"deployment ended {info['status']}: {info.get('errorInformation')}")
    virtual = (info["completeTime"] - info["startTime"]).total_seconds() / 60
    return wall, virtual, fn.get_alias(FunctionName="api", Name="live")["FunctionVersion"]


def main() -> None:
    """Print the wall time of each run and the ratio to AWS's 90 minutes."""
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    endpoint = Endpoint(port=0, epoch=FIXED_EPOCH, seed=1).start()
    try:
        for n in range(repeats):
            wall, virtual, version = run_once(endpoint)
            print(f"run {n + 1}: LambdaLinear10PercentEvery10Minutes, no hooks, scale max: "
                  f"{wall:.3f} s wall for {virtual:.1f} virtual minutes (alias on version "
                  f"{version}); ratio to {AWS_MINUTES:.0f} min on AWS: "
                  f"{wall / (AWS_MINUTES * 60):.2e}")
    finally:
        endpoint.stop()


if __name__ == "__main__":
    main()
