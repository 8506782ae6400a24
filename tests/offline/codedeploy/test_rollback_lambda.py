"""Lambda rollbacks: on a failed hook, an alarm and a stop, the alias goes back (§A.7)."""

from __future__ import annotations

from tests.offline.codedeploy import lambdas

ROLLBACK = {"enabled": True, "events": ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM",
                                        "DEPLOYMENT_STOP_ON_REQUEST"]}
LINEAR = "CodeDeployDefault.LambdaLinear10PercentEvery10Minutes"


def _alias(aws) -> tuple[str, dict]:
    alias = aws("lambda").get_alias(FunctionName="api", Name="live")
    return alias["FunctionVersion"], (alias.get("RoutingConfig") or {}).get(
        "AdditionalVersionWeights") or {}


def _good_then(aws, role_arn, config: str = LINEAR, **group) -> dict:
    """Versions 1-3; a successful 1→2 deployment (AllAtOnce); returns its info."""
    lambdas.function(aws, versions=3)
    lambdas.group(aws, role_arn, config=config, **group)
    good = lambdas.deploy(aws, lambdas.appspec("1", "2"),
                          deploymentConfigName="CodeDeployDefault.LambdaAllAtOnce")
    assert good["status"] == "Succeeded"
    return good


def _get(aws, deployment_id: str) -> dict:
    return aws("codedeploy").get_deployment(deploymentId=deployment_id)["deploymentInfo"]


def test_failed_hook_rolls_the_alias_back(aws, role_arn):
    """AfterAllowTraffic fails after the shift; the rollback moves the alias back to 2."""
    _good_then(aws, role_arn, autoRollbackConfiguration=ROLLBACK)
    post = lambdas.hook(aws, "CodeDeployHook_post", status="Failed")
    bad = lambdas.deploy(aws, lambdas.appspec("2", "3", hooks={"AfterAllowTraffic": post}))
    assert bad["status"] == "Failed"
    rollback = _get(aws, bad["rollbackInfo"]["rollbackDeploymentId"])
    assert rollback["creator"] == "codeDeployRollback"
    assert rollback["status"] == "Succeeded"
    assert rollback["rollbackInfo"]["rollbackTriggeringDeploymentId"] == bad["deploymentId"]
    bad = _get(aws, bad["deploymentId"])
    assert bad["rollbackInfo"]["rollbackMessage"] == (
        f"Rollback deployment {rollback['deploymentId']} succeeded.")
    assert "succeeded" in rollback["rollbackInfo"]["rollbackMessage"]
    assert _alias(aws) == ("2", {})
    # The rollback shifts at once and runs no hooks.
    assert (rollback["completeTime"] - rollback["startTime"]).total_seconds() < 60


def test_alarm_stops_the_shift_and_rolls_back(aws, role_arn, ep):
    """An alarm set to ALARM 25 minutes in stops the linear shift (ALARM_ACTIVE); rollback."""
    aws("cloudwatch").put_metric_alarm(
        AlarmName="errors", MetricName="Errors", Namespace="App", Statistic="Sum", Period=60,
        EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold")
    _good_then(aws, role_arn, autoRollbackConfiguration=ROLLBACK,
               alarmConfiguration={"enabled": True, "alarms": [{"name": "errors"}]})
    ep.faults.add({"kind": "alarm", "alarm_name": "errors", "at_minute": 25,
                   "anchor": "deployment", "match": {"deploymentGroupName": "fn-group"}})
    bad = lambdas.deploy(aws, lambdas.appspec("2", "3"))
    assert bad["status"] == "Stopped"
    assert bad["errorInformation"]["code"] == "ALARM_ACTIVE"
    took = (bad["completeTime"] - bad["startTime"]).total_seconds()
    assert 25 * 60 <= took <= 27 * 60
    target = lambdas.target(aws, bad["deploymentId"])["lambdaTarget"]
    assert target["lambdaFunctionInfo"]["targetVersionWeight"] == 0.3
    rollback = _get(aws, bad["rollbackInfo"]["rollbackDeploymentId"])
    assert rollback["status"] == "Succeeded"
    assert _alias(aws) == ("2", {})


def test_alarm_ignored_when_disabled_by_override(aws, role_arn, ep):
    """overrideAlarmConfiguration enabled=false: the same alarm does not stop it."""
    aws("cloudwatch").put_metric_alarm(
        AlarmName="errors", MetricName="Errors", Namespace="App", Statistic="Sum", Period=60,
        EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold")
    _good_then(aws, role_arn, alarmConfiguration={"enabled": True, "alarms": [{"name": "errors"}]})
    aws("cloudwatch").set_alarm_state(AlarmName="errors", StateValue="ALARM", StateReason="x")
    info = lambdas.deploy(aws, lambdas.appspec("2", "3"),
                          overrideAlarmConfiguration={"enabled": False, "alarms": []})
    assert info["status"] == "Succeeded"
    assert _alias(aws) == ("3", {})


def test_stop_on_request_with_and_without_rollback(aws, role_arn, ep):
    """A stop at minute 15: with autoRollbackEnabled the alias goes back; without, it stays."""
    _good_then(aws, role_arn)
    ep.faults.add({"kind": "stop-deployment", "at_minute": 15, "anchor": "deployment",
                   "auto_rollback": False})
    kept = lambdas.deploy(aws, lambdas.appspec("2", "3"))
    assert kept["status"] == "Stopped"
    assert kept["errorInformation"]["code"] == "MANUAL_STOP"
    assert "rollbackInfo" not in kept
    assert _alias(aws) == ("2", {"3": 0.2})
    ep.faults.clear()
    lambdas.deploy(aws, lambdas.appspec("2", "2"),
                   deploymentConfigName="CodeDeployDefault.LambdaAllAtOnce")
    ep.faults.add({"kind": "stop-deployment", "at_minute": 15, "anchor": "deployment",
                   "auto_rollback": True})
    stopped = lambdas.deploy(aws, lambdas.appspec("2", "3"))
    assert stopped["status"] == "Stopped"
    rollback = _get(aws, stopped["rollbackInfo"]["rollbackDeploymentId"])
    assert rollback["status"] == "Succeeded"
    assert _alias(aws) == ("2", {})


def test_first_deployment_cannot_roll_back(aws, role_arn):
    """No previous successful deployment: no rollback, and the message says so."""
    lambdas.function(aws)
    lambdas.group(aws, role_arn, autoRollbackConfiguration=ROLLBACK)
    pre = lambdas.hook(aws, "CodeDeployHook_pre", status="Failed")
    bad = lambdas.deploy(aws, lambdas.appspec(hooks={"BeforeAllowTraffic": pre}))
    assert bad["status"] == "Failed"
    assert "no previous successful deployment" in bad["rollbackInfo"]["rollbackMessage"]
    assert len(aws("codedeploy").list_deployments()["deployments"]) == 1


def test_alarms_do_not_spin_the_clock_while_a_hook_waits(aws, role_arn, ep):
    """Under max, a deployment with alarms and an unreported hook is idle until the report."""
    aws("cloudwatch").put_metric_alarm(
        AlarmName="errors", MetricName="Errors", Namespace="App", Statistic="Sum", Period=60,
        EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold")
    lambdas.function(aws)
    lambdas.group(aws, role_arn, alarmConfiguration={"enabled": True,
                                                     "alarms": [{"name": "errors"}]})
    silent = lambdas.hook(aws, "CodeDeployHook_pre", source=lambdas.SILENT)
    info = lambdas.deploy(aws, lambdas.appspec(hooks={"BeforeAllowTraffic": silent}))
    assert info["status"] == "InProgress"
    status = ep.engine.status()
    assert status["idle"] is True
    assert status["seconds"] <= 2 * 60  # one poll interval at most, then it waits


def test_stop_by_request_at_a_finite_scale(aws, role_arn, ep):
    """At a finite scale, stop_deployment mid-shift (autoRollbackEnabled) rolls the alias back."""
    import time

    _good_then(aws, role_arn, config="CodeDeployDefault.LambdaLinear10PercentEvery1Minute")
    ep.engine.set_scale(60)  # a virtual minute per wall second
    codedeploy = aws("codedeploy")
    deployment_id = codedeploy.create_deployment(
        applicationName="fn-app", deploymentGroupName="fn-group",
        revision=lambdas.revision(lambdas.appspec("2", "3")))["deploymentId"]
    for _ in range(600):  # until some traffic moved; a bounded poll, no time limit asserted
        if _alias(aws)[1].get("3", 0) >= 0.2:
            break
        time.sleep(0.05)
    answer = codedeploy.stop_deployment(deploymentId=deployment_id, autoRollbackEnabled=True)
    assert answer["status"] in ("Pending", "Succeeded")
    info = _get(aws, deployment_id)
    for _ in range(600):
        if "rollbackDeploymentId" in info.get("rollbackInfo", {}):
            rollback = _get(aws, info["rollbackInfo"]["rollbackDeploymentId"])
            if rollback["status"] == "Succeeded":
                break
        time.sleep(0.05)
        info = _get(aws, deployment_id)
    assert info["status"] == "Stopped"
    assert info["errorInformation"]["code"] == "MANUAL_STOP"
    assert rollback["status"] == "Succeeded"
    assert _alias(aws) == ("2", {})
