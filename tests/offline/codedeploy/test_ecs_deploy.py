"""ECS blue/green deployments: task sets, listeners, hooks, the termination wait (§A.4.4)."""

from __future__ import annotations

from tests.offline.codedeploy import ecsfix, lambdas


def _task_sets(aws) -> list[dict]:
    return aws("ecs").describe_task_sets(cluster="c", service="s")["taskSets"]


def test_all_at_once_replaces_the_task_set(aws, role_arn):
    """The replacement takes prod and test traffic on tg-green; the original task set goes."""
    st = ecsfix.stack(aws)
    ecsfix.group(aws, role_arn, st)
    v2 = ecsfix.task_definition(aws, "nginx:2")
    info = ecsfix.deploy(aws, ecsfix.appspec(v2))
    assert info["status"] == "Succeeded", info.get("errorInformation")
    assert info["instanceTerminationWaitTimeStarted"] is True
    assert (info["completeTime"] - info["startTime"]).total_seconds() >= 5 * 60
    assert ecsfix.weights(aws, st.prod) == {st.green: 100}
    assert ecsfix.weights(aws, st.test) == {st.green: 100}
    sets = _task_sets(aws)
    assert [(s["taskDefinition"], s["status"]) for s in sets] == [(v2, "PRIMARY")]
    target = ecsfix.target(aws, info["deploymentId"])
    assert target["deploymentTargetType"] == "ECSTarget"
    body = target["ecsTarget"]
    assert [e["lifecycleEventName"] for e in body["lifecycleEvents"]] == [
        "BeforeInstall", "Install", "AfterInstall", "AllowTestTraffic", "AfterAllowTestTraffic",
        "BeforeAllowTraffic", "AllowTraffic", "AfterAllowTraffic"]
    assert [(t["taskSetLabel"], t["trafficWeight"], t["targetGroup"]["name"])
            for t in body["taskSetsInfo"]] == [("Green", 100.0, "tg-green")]


def test_each_deployment_flips_the_target_groups(aws, role_arn):
    """The second deployment puts its replacement behind tg-blue again."""
    st = ecsfix.stack(aws)
    ecsfix.group(aws, role_arn, st, wait=0)
    ecsfix.deploy(aws, ecsfix.appspec(ecsfix.task_definition(aws, "nginx:2")))
    v3 = ecsfix.task_definition(aws, "nginx:3")
    info = ecsfix.deploy(aws, ecsfix.appspec(v3))
    assert info["status"] == "Succeeded", info.get("errorInformation")
    assert ecsfix.weights(aws, st.prod) == {st.blue: 100}
    assert [s["taskDefinition"] for s in _task_sets(aws)] == [v3]


def test_canary_weights_and_five_hooks(aws, role_arn):
    """ECSCanary10Percent5Minutes with the five hooks passing; 5 minutes of AllowTraffic."""
    st = ecsfix.stack(aws)
    ecsfix.group(aws, role_arn, st, config="CodeDeployDefault.ECSCanary10Percent5Minutes",
                 wait=0)
    names = ("BeforeInstall", "AfterInstall", "AfterAllowTestTraffic", "BeforeAllowTraffic",
             "AfterAllowTraffic")
    hooks = {n: lambdas.hook(aws, f"CodeDeployHook_{n}") for n in names}
    info = ecsfix.deploy(aws, ecsfix.appspec(ecsfix.task_definition(aws, "nginx:2"), hooks))
    assert info["status"] == "Succeeded", info.get("errorInformation")
    events = {e["lifecycleEventName"]: e for e in
              ecsfix.target(aws, info["deploymentId"])["ecsTarget"]["lifecycleEvents"]}
    assert all(e["status"] == "Succeeded" for e in events.values())
    shift = events["AllowTraffic"]
    assert (shift["endTime"] - shift["startTime"]).total_seconds() == 300


def test_failed_hook_after_test_traffic_leaves_prod_alone(aws, role_arn):
    """AfterAllowTestTraffic fails: prod still on the original; the replacement stays."""
    st = ecsfix.stack(aws)
    ecsfix.group(aws, role_arn, st)
    bad = lambdas.hook(aws, "CodeDeployHook_test", status="Failed")
    info = ecsfix.deploy(aws, ecsfix.appspec(ecsfix.task_definition(aws, "nginx:2"),
                                             {"AfterAllowTestTraffic": bad}))
    assert info["status"] == "Failed"
    assert info["errorInformation"]["code"] == "HOOK_EXECUTION_FAILURE"
    assert ecsfix.weights(aws, st.prod) == {st.blue: 100}
    assert ecsfix.weights(aws, st.test) == {st.green: 100}
    assert len(_task_sets(aws)) == 2


def test_service_without_code_deploy_controller(aws, role_arn):
    """An ECS-controlled service is refused: INVALID_ECS_SERVICE."""
    st = ecsfix.stack(aws)
    aws("ecs").create_service(cluster="c", serviceName="plain",
                              taskDefinition=ecsfix.task_definition(aws), desiredCount=1,
                              launchType="FARGATE",
                              networkConfiguration={"awsvpcConfiguration": {
                                  "subnets": st.subnets}})
    ecsfix.group(aws, role_arn, st)
    aws("codedeploy").update_deployment_group(
        applicationName="svc-app", currentDeploymentGroupName="svc-group",
        ecsServices=[{"serviceName": "plain", "clusterName": "c"}])
    info = ecsfix.deploy(aws, ecsfix.appspec(ecsfix.task_definition(aws, "nginx:2")))
    assert info["status"] == "Failed"
    assert info["errorInformation"]["code"] == "INVALID_ECS_SERVICE"


def test_ready_wait_before_production_traffic(aws, role_arn, ep):
    """STOP_DEPLOYMENT: Ready after the test traffic; continue_deployment shifts production."""
    st = ecsfix.stack(aws)
    ecsfix.group(aws, role_arn, st, wait=0)
    codedeploy = aws("codedeploy")
    codedeploy.update_deployment_group(
        applicationName="svc-app", currentDeploymentGroupName="svc-group",
        blueGreenDeploymentConfiguration={
            "deploymentReadyOption": {"actionOnTimeout": "STOP_DEPLOYMENT",
                                      "waitTimeInMinutes": 30},
            "terminateBlueInstancesOnDeploymentSuccess": {"action": "TERMINATE",
                                                          "terminationWaitTimeInMinutes": 0}})
    info = ecsfix.deploy(aws, ecsfix.appspec(ecsfix.task_definition(aws, "nginx:2")))
    assert info["status"] == "Ready"
    assert ecsfix.weights(aws, st.test) == {st.green: 100}
    assert ecsfix.weights(aws, st.prod) == {st.blue: 100}
    codedeploy.continue_deployment(deploymentId=info["deploymentId"],
                                   deploymentWaitType="READY_WAIT")
    info = codedeploy.get_deployment(deploymentId=info["deploymentId"])["deploymentInfo"]
    assert info["status"] == "Succeeded"
    assert ecsfix.weights(aws, st.prod) == {st.green: 100}
    # Nobody continues the next one: after 30 minutes it is Stopped.
    again = ecsfix.deploy(aws, ecsfix.appspec(ecsfix.task_definition(aws, "nginx:3")))
    assert again["status"] == "Ready"
    ep.engine.advance(30 * 60)
    again = codedeploy.get_deployment(deploymentId=again["deploymentId"])["deploymentInfo"]
    assert again["status"] == "Stopped"
    assert again["errorInformation"]["code"] == "TIMEOUT"


def test_stop_while_ready(aws, role_arn):
    """stop_deployment on a Ready ECS deployment stops it at once; production is untouched."""
    st = ecsfix.stack(aws)
    ecsfix.group(aws, role_arn, st, wait=0)
    codedeploy = aws("codedeploy")
    codedeploy.update_deployment_group(
        applicationName="svc-app", currentDeploymentGroupName="svc-group",
        blueGreenDeploymentConfiguration={
            "deploymentReadyOption": {"actionOnTimeout": "STOP_DEPLOYMENT",
                                      "waitTimeInMinutes": 30}})
    info = ecsfix.deploy(aws, ecsfix.appspec(ecsfix.task_definition(aws, "nginx:2")))
    assert info["status"] == "Ready"
    codedeploy.stop_deployment(deploymentId=info["deploymentId"])
    info = codedeploy.get_deployment(deploymentId=info["deploymentId"])["deploymentInfo"]
    assert info["status"] == "Stopped"
    assert info["errorInformation"]["code"] == "MANUAL_STOP"
    assert ecsfix.weights(aws, st.prod) == {st.blue: 100}
    events = {e["lifecycleEventName"]: e["status"] for e in
              ecsfix.target(aws, info["deploymentId"])["ecsTarget"]["lifecycleEvents"]}
    assert events["AfterAllowTestTraffic"] == "Succeeded"
    assert events["BeforeAllowTraffic"] == "Skipped"


def test_hook_failure_fault_on_an_ecs_hook(aws, role_arn, ep):
    """A hook-failure fault on AfterInstall for target c:s fails the deployment there."""
    st = ecsfix.stack(aws)
    ecsfix.group(aws, role_arn, st)
    ok = lambdas.hook(aws, "CodeDeployHook_after_install")
    ep.faults.add({"kind": "hook-failure", "hook": "AfterInstall", "target_id": "c:s"})
    info = ecsfix.deploy(aws, ecsfix.appspec(ecsfix.task_definition(aws, "nginx:2"),
                                             {"AfterInstall": ok}))
    assert info["status"] == "Failed"
    assert "hook-failure fault" in info["errorInformation"]["message"]
    events = {e["lifecycleEventName"]: e["status"] for e in
              ecsfix.target(aws, info["deploymentId"])["ecsTarget"]["lifecycleEvents"]}
    assert events["Install"] == "Succeeded"
    assert events["AfterInstall"] == "Failed"
    assert events["AllowTestTraffic"] == "Skipped"
    assert ecsfix.weights(aws, st.test) == {st.blue: 100}
