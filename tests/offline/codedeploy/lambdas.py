"""Test helpers for Lambda deployments: a function with two versions, an alias, hook functions,
an application and deployment group, and an AppSpec."""

from __future__ import annotations

import json

from tests.offline import functions

#: A hook that reports the status named by its STATUS variable (default Succeeded).
HOOK = """
import os
import boto3

def handler(event, context):
    boto3.client("codedeploy").put_lifecycle_event_hook_execution_status(
        deploymentId=event["DeploymentId"],
        lifecycleEventHookExecutionId=event["LifecycleEventHookExecutionId"],
        status=os.environ.get("STATUS", "Succeeded"))
    return "reported"
"""
#: A hook that never reports.
SILENT = "def handler(event, context):\n    return 'forgot to report'\n"
#: A hook that raises before reporting.
BROKEN = "def handler(event, context):\n    raise ValueError('health check failed')\n"


def function(aws, name: str = "api", versions: int = 2) -> list[str]:
    """A function with ``versions`` published versions and alias ``live`` on version 1."""
    client = aws("lambda")
    out = []
    for n in range(versions):
        if n == 0:
            functions.create(aws, name, {"app.py": f"def handler(e, c):\n    return {n + 1}\n"})
        else:
            client.update_function_code(FunctionName=name, ZipFile=functions.package(
                {"app.py": f"def handler(e, c):\n    return {n + 1}\n"}))
        out.append(client.publish_version(FunctionName=name)["Version"])
    client.create_alias(FunctionName=name, Name="live", FunctionVersion=out[0])
    return out


def hook(aws, name: str, source: str = HOOK, status: str = "Succeeded") -> str:
    """A hook function; return its name."""
    functions.create(aws, name, {"app.py": source},
                     Environment={"Variables": {"STATUS": status}})
    return name


def group(aws, role_arn: str, config: str = "CodeDeployDefault.LambdaAllAtOnce",
          **extra) -> None:
    """Application ``fn-app`` (Lambda) with deployment group ``fn-group``."""
    codedeploy = aws("codedeploy")
    codedeploy.create_application(applicationName="fn-app", computePlatform="Lambda")
    codedeploy.create_deployment_group(
        applicationName="fn-app", deploymentGroupName="fn-group", serviceRoleArn=role_arn,
        deploymentConfigName=config,
        deploymentStyle={"deploymentType": "BLUE_GREEN",
                         "deploymentOption": "WITH_TRAFFIC_CONTROL"}, **extra)


def appspec(current: str = "1", target: str = "2", name: str = "api",
            hooks: dict[str, str] | None = None, as_json: bool = False) -> str:
    """A Lambda AppSpec moving alias ``live`` of ``name`` from ``current`` to ``target``."""
    props = {"Name": name, "Alias": "live", "CurrentVersion": current, "TargetVersion": target}
    if as_json:
        body = {"version": 0.0, "Resources": [{"fn": {"Type": "AWS::Lambda::Function",
                                                      "Properties": props}}]}
        if hooks:
            body["Hooks"] = [{k: v} for k, v in hooks.items()]
        return json.dumps(body)
    text = ("version: 0.0\nResources:\n  - fn:\n      Type: AWS::Lambda::Function\n"
            "      Properties:\n" + "".join(f"        {k}: \"{v}\"\n" for k, v in props.items()))
    if hooks:
        text += "Hooks:\n" + "".join(f"  - {k}: {v}\n" for k, v in hooks.items())
    return text


def revision(text: str) -> dict:
    """An AppSpecContent revision."""
    return {"revisionType": "AppSpecContent", "appSpecContent": {"content": text}}


def deploy(aws, text: str, **kwargs) -> dict:
    """Create a deployment of ``text``; return its DeploymentInfo once the endpoint settles."""
    codedeploy = aws("codedeploy")
    deployment_id = codedeploy.create_deployment(
        applicationName="fn-app", deploymentGroupName="fn-group", revision=revision(text),
        **kwargs)["deploymentId"]
    return codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]


def target(aws, deployment_id: str) -> dict:
    """The lambdaTarget of a deployment."""
    codedeploy = aws("codedeploy")
    ids = codedeploy.list_deployment_targets(deploymentId=deployment_id)["targetIds"]
    return codedeploy.get_deployment_target(deploymentId=deployment_id, targetId=ids[0])[
        "deploymentTarget"]
