"""ECS rollbacks: traffic goes back to the original task set (§A.7, §A.11)."""

from __future__ import annotations

from tests.offline.codedeploy import ecsfix, lambdas

ROLLBACK = {"enabled": True, "events": ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"]}


def _sets(aws) -> list[tuple[str, str]]:
    return [(s["taskDefinition"].rsplit(":", 1)[1], s["status"]) for s in
            aws("ecs").describe_task_sets(cluster="c", service="s")["taskSets"]]


def test_failed_hook_reroutes_to_the_original_task_set(aws, role_arn):
    """AfterAllowTraffic fails after the shift; the rollback puts prod and test back."""
    st = ecsfix.stack(aws)
    ecsfix.group(aws, role_arn, st, wait=0, autoRollbackConfiguration=ROLLBACK)
    good = ecsfix.deploy(aws, ecsfix.appspec(ecsfix.task_definition(aws, "nginx:2")))
    assert good["status"] == "Succeeded"
    assert ecsfix.weights(aws, st.prod) == {st.green: 100}
    bad_hook = lambdas.hook(aws, "CodeDeployHook_post", status="Failed")
    bad = ecsfix.deploy(aws, ecsfix.appspec(ecsfix.task_definition(aws, "nginx:3"),
                                            {"AfterAllowTraffic": bad_hook}))
    assert bad["status"] == "Failed"
    rollback = aws("codedeploy").get_deployment(
        deploymentId=bad["rollbackInfo"]["rollbackDeploymentId"])["deploymentInfo"]
    assert rollback["creator"] == "codeDeployRollback"
    assert rollback["status"] == "Succeeded", rollback.get("errorInformation")
    # The v2 task set (behind tg-green) serves again; v3's task set is gone.
    assert ecsfix.weights(aws, st.prod) == {st.green: 100}
    assert ecsfix.weights(aws, st.test) == {st.green: 100}
    assert _sets(aws) == [("2", "PRIMARY")]


def test_alarm_mid_shift_stops_and_reroutes(aws, role_arn, ep):
    """An alarm during a linear shift stops it at its weight; the rollback reroutes."""
    aws("cloudwatch").put_metric_alarm(
        AlarmName="5xx", MetricName="HTTPCode_Target_5XX_Count", Namespace="AWS/ApplicationELB",
        Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=1,
        ComparisonOperator="GreaterThanThreshold")
    st = ecsfix.stack(aws)
    ecsfix.group(aws, role_arn, st, config="CodeDeployDefault.ECSLinear10PercentEvery3Minutes",
                 wait=0, autoRollbackConfiguration=ROLLBACK,
                 alarmConfiguration={"enabled": True, "alarms": [{"name": "5xx"}]})
    good = ecsfix.deploy(aws, ecsfix.appspec(ecsfix.task_definition(aws, "nginx:2")),
                         deploymentConfigName="CodeDeployDefault.ECSAllAtOnce")
    assert good["status"] == "Succeeded"
    ep.faults.add({"kind": "alarm", "alarm_name": "5xx", "at_minute": 8,
                   "anchor": "deployment", "match": {"deploymentGroupName": "svc-group"}})
    bad = ecsfix.deploy(aws, ecsfix.appspec(ecsfix.task_definition(aws, "nginx:3")))
    assert bad["status"] == "Stopped"
    assert bad["errorInformation"]["code"] == "ALARM_ACTIVE"
    info = ecsfix.target(aws, bad["deploymentId"])["ecsTarget"]["taskSetsInfo"]
    green = [t for t in info if t["taskSetLabel"] == "Green"][0]
    assert 0 < green["trafficWeight"] < 100
    rollback = aws("codedeploy").get_deployment(
        deploymentId=bad["rollbackInfo"]["rollbackDeploymentId"])["deploymentInfo"]
    assert rollback["status"] == "Succeeded"
    assert ecsfix.weights(aws, st.prod) == {st.green: 100}
    assert _sets(aws) == [("2", "PRIMARY")]


def test_stop_without_rollback_leaves_both_task_sets(aws, role_arn):
    """stop_deployment while a hook waits, without autoRollbackEnabled: it stops at once and
    the components stay as they are."""
    st = ecsfix.stack(aws)
    ecsfix.group(aws, role_arn, st, config="CodeDeployDefault.ECSLinear10PercentEvery1Minutes")
    codedeploy = aws("codedeploy")
    silent = lambdas.hook(aws, "CodeDeployHook_wait", source=lambdas.SILENT)
    info = ecsfix.deploy(aws, ecsfix.appspec(ecsfix.task_definition(aws, "nginx:2"),
                                             {"AfterAllowTestTraffic": silent}))
    assert info["status"] == "InProgress"
    answer = codedeploy.stop_deployment(deploymentId=info["deploymentId"],
                                        autoRollbackEnabled=False)
    assert answer["status"] in ("Pending", "Succeeded")
    info = codedeploy.get_deployment(deploymentId=info["deploymentId"])["deploymentInfo"]
    assert info["status"] == "Stopped"
    assert info["errorInformation"]["code"] == "MANUAL_STOP"
    assert "rollbackInfo" not in info
    assert ecsfix.weights(aws, st.prod) == {st.blue: 100}
    assert len(_sets(aws)) == 2
