"""Lambda functions for the CodeDeploy notebooks: versions, aliases, hook functions, AppSpecs.

Introduced in notebook 07 (and used by 08 and 09). Everything goes through the public API
(boto3 clients passed in), so it works offline and in a sandbox account alike.
"""

from __future__ import annotations

import io
import json
import time
import zipfile
from typing import Any

#: A hook function: reads the event, reports the status in its STATUS variable to CodeDeploy.
HOOK_SOURCE = '''import json
import os

import boto3


def handler(event, context):
    """Validate the new version, then tell CodeDeploy (a real hook would call it first)."""
    print(json.dumps(event))
    status = os.environ.get("STATUS", "Succeeded")
    boto3.client("codedeploy").put_lifecycle_event_hook_execution_status(
        deploymentId=event["DeploymentId"],
        lifecycleEventHookExecutionId=event["LifecycleEventHookExecutionId"],
        status=status)
    return status
'''
#: A hook function that forgets to report: CodeDeploy waits up to one hour for it.
SILENT_HOOK_SOURCE = '''import json


def handler(event, context):
    print(json.dumps(event))
    return "forgot to report"
'''
LAMBDA_TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
    "Action": "sts:AssumeRole"}]}


def zip_source(source: str, module: str = "app") -> bytes:
    """A deployment package holding one module ``<module>.py``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr(f"{module}.py", source)
    return buf.getvalue()


def create_execution_role(iam: Any, name: str, tags: list[dict[str, str]]) -> str:
    """An execution role for functions that call CodeDeploy and write logs; return its ARN."""
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST),
                           Tags=tags)["Role"]
    for policy in ("service-role/AWSLambdaBasicExecutionRole", "AWSCodeDeployFullAccess"):
        iam.attach_role_policy(RoleName=name, PolicyArn=f"arn:aws:iam::aws:policy/{policy}")
    return role["Arn"]


def create_function(awslambda: Any, name: str, source: str, role_arn: str,
                    tags: dict[str, str], variables: dict[str, str] | None = None) -> str:
    """Create a Python function from ``source`` (handler ``app.handler``); return its ARN.

    In a sandbox a new role may take a few seconds to be usable; the call is retried meanwhile.
    """
    for attempt in range(10):
        try:
            fn = awslambda.create_function(
                FunctionName=name, Runtime="python3.12", Role=role_arn, Handler="app.handler",
                Code={"ZipFile": zip_source(source)}, Tags=tags, Timeout=30,
                Environment={"Variables": variables or {}})
            awslambda.get_waiter("function_active_v2").wait(FunctionName=name)
            return fn["FunctionArn"]
        except awslambda.exceptions.InvalidParameterValueException:
            if attempt == 9:
                raise
            time.sleep(3)  # IAM's eventual consistency (sandbox only)
    raise AssertionError("unreachable")


def publish(awslambda: Any, name: str, source: str | None = None) -> str:
    """Publish a version (after replacing the code with ``source``, if given); return it."""
    if source is not None:
        awslambda.update_function_code(FunctionName=name, ZipFile=zip_source(source))
        awslambda.get_waiter("function_updated_v2").wait(FunctionName=name)
    return awslambda.publish_version(FunctionName=name)["Version"]


def alias_weights(awslambda: Any, name: str, alias: str) -> dict[str, float]:
    """``{version: share}`` of an alias: its version gets what the extra weights leave."""
    found = awslambda.get_alias(FunctionName=name, Name=alias)
    extra = (found.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
    return {found["FunctionVersion"]: round(1 - sum(extra.values()), 4), **extra}


def lambda_appspec(function: str, alias: str, current: str, target: str,
                   hooks: dict[str, str] | None = None) -> str:
    """A Lambda AppSpec (YAML) moving ``alias`` from version ``current`` to ``target``."""
    lines = ["version: 0.0", "Resources:", "  - app:", "      Type: AWS::Lambda::Function",
             "      Properties:", f"        Name: {function}", f"        Alias: {alias}",
             f"        CurrentVersion: \"{current}\"", f"        TargetVersion: \"{target}\""]
    if hooks:
        lines += ["Hooks:", *(f"  - {event}: {fn}" for event, fn in hooks.items())]
    return "\n".join(lines) + "\n"


def appspec_revision(text: str) -> dict[str, Any]:
    """A RevisionLocation carrying an AppSpec inline (``AppSpecContent``)."""
    return {"revisionType": "AppSpecContent", "appSpecContent": {"content": text}}


def watch_alias(awslambda: Any, codedeploy: Any, deployment_id: str, function: str, alias: str,
                target_version: str, now: Any, poll: float = 1.0,
                timeout: float = 3600) -> list[tuple[Any, float]]:
    """Watch a deployment live; return ``[(time, percent on the target version)]`` samples.

    For :func:`helpers.frames.traffic_frame`'s ``observed`` argument, at a finite time scale
    (under ``max`` a deployment is over before the first sample). ``now()`` gives the time of a
    sample: ``wb.clock.now`` offline (virtual time), ``datetime.now(UTC)`` in a sandbox.
    """
    samples: list[tuple[Any, float]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]["status"]
        share = alias_weights(awslambda, function, alias).get(target_version, 0.0)
        samples.append((now(), round(share * 100, 2)))
        if status in ("Succeeded", "Failed", "Stopped"):
            break
        time.sleep(poll)
    return samples
