"""Test helpers: a tagged EC2 fleet, a bundle in S3, an application with a deployment group."""

from __future__ import annotations

import io
import zipfile

SCRIPT_OK = "#!/bin/bash\necho \"$LIFECYCLE_EVENT $DEPLOYMENT_ID $APPLICATION_NAME\"\n"


def launch(aws, count: int, tags: dict[str, str] | None = None) -> list[str]:
    """Run ``count`` instances tagged ``tags`` (default role=web); return their ids."""
    tags = tags or {"role": "web"}
    ec2 = aws("ec2")
    out = ec2.run_instances(ImageId="ami-12c6146b", MinCount=count, MaxCount=count,
                            TagSpecifications=[{"ResourceType": "instance", "Tags": [
                                {"Key": k, "Value": v} for k, v in tags.items()]}])
    return sorted(i["InstanceId"] for i in out["Instances"])


def bundle(files: dict[str, str], executable: bool = True) -> bytes:
    """A zip bundle with Unix mode bits (scripts executable when ``executable``)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, text in files.items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            mode = 0o755 if executable and name.endswith(".sh") else 0o644
            info.external_attr = (0o100000 | mode) << 16
            archive.writestr(info, text)
    return buf.getvalue()


APPSPEC = """version: 0.0
os: linux
files:
  - source: site
    destination: /var/www/html
hooks:
  BeforeInstall:
    - location: scripts/before.sh
  ValidateService:
    - location: scripts/validate.sh
      timeout: 30
"""


def revision(aws, files: dict[str, str] | None = None, key: str = "web.zip",
             executable: bool = True) -> dict:
    """Upload a bundle to s3://bundles/<key>; return its RevisionLocation."""
    files = files or {"appspec.yml": APPSPEC, "site/index.html": "<h1>v1</h1>",
                      "scripts/before.sh": SCRIPT_OK, "scripts/validate.sh": SCRIPT_OK}
    s3 = aws("s3")
    if "bundles" not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        s3.create_bucket(Bucket="bundles")
    put = s3.put_object(Bucket="bundles", Key=key, Body=bundle(files, executable))
    return {"revisionType": "S3", "s3Location": {"bucket": "bundles", "key": key,
                                                 "bundleType": "zip", "eTag": put["ETag"]}}


def group(aws, role_arn: str, name: str = "web", **extra) -> None:
    """Application ``app`` with a group ``name`` targeting role=web instances."""
    codedeploy = aws("codedeploy")
    if "app" not in codedeploy.list_applications()["applications"]:
        codedeploy.create_application(applicationName="app")
    kwargs = {"ec2TagFilters": [{"Key": "role", "Value": "web", "Type": "KEY_AND_VALUE"}],
              **extra}
    codedeploy.create_deployment_group(applicationName="app", deploymentGroupName=name,
                                       serviceRoleArn=role_arn, **kwargs)


def deploy(aws, rev: dict, name: str = "web", **extra) -> dict:
    """Create a deployment; return its DeploymentInfo once settled."""
    codedeploy = aws("codedeploy")
    deployment_id = codedeploy.create_deployment(applicationName="app", deploymentGroupName=name,
                                                 revision=rev, **extra)["deploymentId"]
    return codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]


def events(aws, deployment_id: str) -> dict[str, list[tuple[str, str]]]:
    """target id → [(event name, status)]."""
    codedeploy = aws("codedeploy")
    ids = codedeploy.list_deployment_targets(deploymentId=deployment_id)["targetIds"]
    out = {}
    for target in codedeploy.batch_get_deployment_targets(
            deploymentId=deployment_id, targetIds=ids)["deploymentTargets"]:
        inst = target["instanceTarget"]
        out[inst["targetId"]] = [(e["lifecycleEventName"], e["status"])
                                 for e in inst["lifecycleEvents"]]
    return out
