"""Lambda hook functions: real handlers, PutLifecycleEventHookExecutionStatus, the held
one-hour wait, hook-failure faults (§A.4.5)."""

from __future__ import annotations

import json
import time

import pytest
from botocore.exceptions import ClientError

from tests.offline.codedeploy import lambdas

#: A hook that logs its event and never reports.
SILENT = "import json\ndef handler(event, context):\n    print(json.dumps(event))\n    return 1\n"


def _events(aws, deployment_id: str) -> dict[str, dict]:
    body = lambdas.target(aws, deployment_id)["lambdaTarget"]
    return {e["lifecycleEventName"]: e for e in body["lifecycleEvents"]}


def test_passing_hooks_run_and_report(aws, role_arn):
    """Both hooks run their handler, report Succeeded; the deployment succeeds."""
    lambdas.function(aws)
    lambdas.group(aws, role_arn)
    pre, post = lambdas.hook(aws, "CodeDeployHook_pre"), lambdas.hook(aws, "CodeDeployHook_post")
    info = lambdas.deploy(aws, lambdas.appspec(hooks={"BeforeAllowTraffic": pre,
                                                      "AfterAllowTraffic": post}))
    assert info["status"] == "Succeeded", info.get("errorInformation")
    events = _events(aws, info["deploymentId"])
    assert events["BeforeAllowTraffic"]["status"] == "Succeeded"
    assert events["BeforeAllowTraffic"]["endTime"] > events["BeforeAllowTraffic"]["startTime"]
    assert events["AfterAllowTraffic"]["status"] == "Succeeded"


def test_hook_reporting_failed_fails_before_traffic(aws, role_arn):
    """BeforeAllowTraffic reports Failed: HOOK_EXECUTION_FAILURE, the alias is untouched."""
    lambdas.function(aws)
    lambdas.group(aws, role_arn)
    pre = lambdas.hook(aws, "CodeDeployHook_pre", status="Failed")
    info = lambdas.deploy(aws, lambdas.appspec(hooks={"BeforeAllowTraffic": pre}))
    assert info["status"] == "Failed"
    assert info["errorInformation"]["code"] == "HOOK_EXECUTION_FAILURE"
    events = _events(aws, info["deploymentId"])
    assert events["BeforeAllowTraffic"]["status"] == "Failed"
    assert events["AllowTraffic"]["status"] == "Skipped"
    assert aws("lambda").get_alias(FunctionName="api", Name="live")["FunctionVersion"] == "1"


def test_hook_that_raises_fails_with_its_error(aws, role_arn):
    """A handler that raises before reporting fails the hook with the handler's error."""
    lambdas.function(aws)
    lambdas.group(aws, role_arn)
    post = lambdas.hook(aws, "CodeDeployHook_post", source=lambdas.BROKEN)
    info = lambdas.deploy(aws, lambdas.appspec(hooks={"AfterAllowTraffic": post}))
    assert info["status"] == "Failed"
    assert "health check failed" in info["errorInformation"]["message"]
    # AfterAllowTraffic runs after the shift: the alias is already on the target version.
    assert aws("lambda").get_alias(FunctionName="api", Name="live")["FunctionVersion"] == "2"


def _execution_id(aws, function: str) -> str:
    logs = aws("logs").filter_log_events(logGroupName=f"/aws/lambda/{function}")["events"]
    for event in logs:
        text = event["message"].strip()
        if text.startswith("{"):
            return json.loads(text)["LifecycleEventHookExecutionId"]
    raise AssertionError(f"no event logged by {function}: {logs}")


def test_unreported_hook_is_a_held_wait_until_someone_reports(aws, role_arn, ep):
    """Under max a hook that has not reported waits; a report from outside lets it go on."""
    lambdas.function(aws)
    lambdas.group(aws, role_arn)
    pre = lambdas.hook(aws, "CodeDeployHook_pre", source=SILENT)
    info = lambdas.deploy(aws, lambdas.appspec(hooks={"BeforeAllowTraffic": pre}))
    assert info["status"] == "InProgress"
    assert any("BeforeAllowTraffic" in h["name"] for h in ep.engine.status()["holds"])
    codedeploy = aws("codedeploy")
    execution_id = _execution_id(aws, pre)
    with pytest.raises(ClientError) as err:
        codedeploy.put_lifecycle_event_hook_execution_status(
            deploymentId=info["deploymentId"], lifecycleEventHookExecutionId=execution_id,
            status="Maybe")
    code = err.value.response["Error"]["Code"]
    assert code == "InvalidLifecycleEventHookExecutionStatusException"
    with pytest.raises(ClientError) as err:
        codedeploy.put_lifecycle_event_hook_execution_status(
            deploymentId=info["deploymentId"], lifecycleEventHookExecutionId="nope",
            status="Succeeded")
    assert err.value.response["Error"]["Code"] == "InvalidLifecycleEventHookExecutionIdException"
    answer = codedeploy.put_lifecycle_event_hook_execution_status(
        deploymentId=info["deploymentId"], lifecycleEventHookExecutionId=execution_id,
        status="Succeeded")
    assert answer["lifecycleEventHookExecutionId"] == execution_id
    info = codedeploy.get_deployment(deploymentId=info["deploymentId"])["deploymentInfo"]
    assert info["status"] == "Succeeded"
    with pytest.raises(ClientError) as err:
        codedeploy.put_lifecycle_event_hook_execution_status(
            deploymentId=info["deploymentId"], lifecycleEventHookExecutionId=execution_id,
            status="Succeeded")
    assert err.value.response["Error"]["Code"] == "LifecycleEventAlreadyCompletedException"


def test_unreported_hook_fails_after_one_hour(aws, role_arn, ep):
    """Advancing the clock past the hour fails the deployment."""
    lambdas.function(aws)
    lambdas.group(aws, role_arn)
    pre = lambdas.hook(aws, "CodeDeployHook_pre", source=SILENT)
    info = lambdas.deploy(aws, lambdas.appspec(hooks={"BeforeAllowTraffic": pre}))
    assert info["status"] == "InProgress"
    ep.engine.advance(3600)
    codedeploy = aws("codedeploy")
    info = codedeploy.get_deployment(deploymentId=info["deploymentId"])["deploymentInfo"]
    assert info["status"] == "Failed"
    assert "within one hour" in info["errorInformation"]["message"]
    assert (info["completeTime"] - info["startTime"]).total_seconds() >= 3600


def test_hook_failure_fault(aws, role_arn, ep):
    """A hook-failure fault on AfterAllowTraffic fails that hook (its handler would pass)."""
    lambdas.function(aws)
    lambdas.group(aws, role_arn)
    post = lambdas.hook(aws, "CodeDeployHook_post")
    ep.faults.add({"kind": "hook-failure", "hook": "AfterAllowTraffic",
                   "anchor": "deployment", "target_id": "api:live"})
    info = lambdas.deploy(aws, lambdas.appspec(hooks={"AfterAllowTraffic": post}))
    assert info["status"] == "Failed"
    assert "hook-failure fault" in info["errorInformation"]["message"]


def test_server_deployments_take_no_hook_reports(aws, role_arn):
    """PutLifecycleEventHookExecutionStatus on an unknown deployment is refused."""
    with pytest.raises(ClientError) as err:
        aws("codedeploy").put_lifecycle_event_hook_execution_status(
            deploymentId="d-AAAAAAAAA", lifecycleEventHookExecutionId="x", status="Succeeded")
    assert err.value.response["Error"]["Code"] == "DeploymentDoesNotExistException"


def test_unreported_hook_fails_by_itself_at_a_finite_scale(aws, role_arn, ep):
    """At a finite scale the one-hour limit runs on the clock: the deployment fails alone."""
    lambdas.function(aws)
    lambdas.group(aws, role_arn)
    pre = lambdas.hook(aws, "CodeDeployHook_pre", source=SILENT)
    ep.engine.set_scale(7200)  # two virtual hours per wall second
    codedeploy = aws("codedeploy")
    deployment_id = codedeploy.create_deployment(
        applicationName="fn-app", deploymentGroupName="fn-group",
        revision=lambdas.revision(lambdas.appspec(hooks={"BeforeAllowTraffic": pre})))[
        "deploymentId"]
    info = codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]
    for _ in range(600):  # the hour passes in about half a wall second; poll, no time limit
        if info["status"] != "InProgress" and info["status"] != "Created":
            break
        time.sleep(0.05)
        info = codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]
    assert info["status"] == "Failed"
    assert "within one hour" in info["errorInformation"]["message"]
