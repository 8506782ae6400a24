"""CodeDeploy in-place deployments on the emulator.

Run: ``python benchmarks/bench_codedeploy.py [instances] [script_instances]``. Prints figures;
asserts nothing.

1. ``instances`` (default 1000) EC2 instances, OneAtATime, agent-only events (an AppSpec with no
   hooks), time scale ``max``: wall time from ``create_deployment`` until ``get_deployment``,
   ``list_deployment_targets`` and ``batch_get_deployment_targets`` all show the finished
   deployment. Launching the instances is outside the timed window.
2. ``script_instances`` (default 100) instances with three real hook scripts each (AllAtOnce),
   next to running the same 3 × N scripts directly with bash one after another. The ratio is the
   emulator's overhead.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import boto3

from helpers.offline.endpoint import Endpoint
from helpers.offline.engine import FIXED_EPOCH

SCRIPT = "#!/bin/bash\necho \"$LIFECYCLE_EVENT on $DEPLOYMENT_ID\"\n"
HOOKS = ("BeforeInstall", "AfterInstall", "ValidateService")


def _zip(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, text in files.items():
            info = zipfile.ZipInfo(name)
            info.create_system, info.external_attr = 3, (0o100755 << 16)
            archive.writestr(info, text)
    return buf.getvalue()


def _setup(endpoint: Endpoint, count: int, config: str, files: dict[str, str]) -> tuple:
    make = lambda s: boto3.client(s, endpoint_url=endpoint.url, region_name="us-east-1",  # noqa: E731
                                  aws_access_key_id="bench", aws_secret_access_key="bench")
    iam, ec2, s3, codedeploy = make("iam"), make("ec2"), make("s3"), make("codedeploy")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"Service":
                                                                   "codedeploy.amazonaws.com"}}]}
    role = iam.create_role(RoleName="cd", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    for start in range(0, count, 500):
        n = min(500, count - start)
        ec2.run_instances(ImageId="ami-12c6146b", MinCount=n, MaxCount=n, TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "role", "Value": "web"}]}])
    s3.create_bucket(Bucket="bundles")
    etag = s3.put_object(Bucket="bundles", Key="b.zip", Body=_zip(files))["ETag"]
    codedeploy.create_application(applicationName="app")
    codedeploy.create_deployment_group(
        applicationName="app", deploymentGroupName="g", serviceRoleArn=role["Arn"],
        deploymentConfigName=config,
        ec2TagFilters=[{"Key": "role", "Value": "web", "Type": "KEY_AND_VALUE"}])
    revision = {"revisionType": "S3", "s3Location": {"bucket": "bundles", "key": "b.zip",
                                                     "bundleType": "zip", "eTag": etag}}
    return codedeploy, revision


def _deploy(codedeploy, revision) -> tuple[float, dict]:
    started = time.perf_counter()
    deployment_id = codedeploy.create_deployment(applicationName="app", deploymentGroupName="g",
                                                 revision=revision)["deploymentId"]
    info = codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]
    print(f"  finished deployment visible after {time.perf_counter() - started:.2f} s")
    ids, kwargs = [], {}
    while True:
        page = codedeploy.list_deployment_targets(deploymentId=deployment_id, **kwargs)
        ids += page["targetIds"]
        if "nextToken" not in page:
            break
        kwargs = {"nextToken": page["nextToken"]}
    for start in range(0, len(ids), 25):
        codedeploy.batch_get_deployment_targets(deploymentId=deployment_id,
                                                targetIds=ids[start:start + 25])
    return time.perf_counter() - started, info


def main() -> None:
    """Run both measurements and print them."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    scripted = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    endpoint = Endpoint(port=0, epoch=FIXED_EPOCH, seed=42).start()
    try:
        codedeploy, revision = _setup(endpoint, count, "CodeDeployDefault.OneAtATime",
                                      {"appspec.yml": "version: 0.0\nos: linux\n"})
        wall, info = _deploy(codedeploy, revision)
        virtual = (info["completeTime"] - info["createTime"]).total_seconds()
        print(f"{count} instances, OneAtATime, agent-only: {info['status']} "
              f"{info['deploymentOverview']['Succeeded']} succeeded; wall {wall:.2f} s, "
              f"virtual {virtual / 3600:.1f} h")
        endpoint.reset(scale="max", epoch=FIXED_EPOCH, seed=42)
        spec = "version: 0.0\nos: linux\nhooks:\n" + "".join(
            f"  {h}:\n    - location: s{i}.sh\n" for i, h in enumerate(HOOKS))
        files = {"appspec.yml": spec, **{f"s{i}.sh": SCRIPT for i in range(3)}}
        codedeploy, revision = _setup(endpoint, scripted, "CodeDeployDefault.AllAtOnce", files)
        wall, info = _deploy(codedeploy, revision)
        with tempfile.TemporaryDirectory() as tmp:
            script = Path(tmp) / "s.sh"
            script.write_text(SCRIPT)
            started = time.perf_counter()
            for _ in range(3 * scripted):
                subprocess.run(["bash", str(script)], capture_output=True, check=True,
                               env={"LIFECYCLE_EVENT": "x", "DEPLOYMENT_ID": "d"})
            bash = time.perf_counter() - started
        print(f"{scripted} instances x 3 scripts, AllAtOnce: {info['status']}; emulator wall "
              f"{wall:.2f} s; the same {3 * scripted} scripts in bash {bash:.2f} s; "
              f"ratio {wall / bash:.1f}")
    finally:
        endpoint.stop()


if __name__ == "__main__":
    main()
