"""Alarms stop deployments; automatic rollbacks redeploy the last good revision (§A.7)."""

from __future__ import annotations

from tests.offline.codedeploy import fleet

BAD = "#!/bin/bash\necho broken\nexit 1\n"


def _files(page: str, validate: str = fleet.SCRIPT_OK) -> dict[str, str]:
    return {"appspec.yml": fleet.APPSPEC, "site/index.html": page,
            "scripts/before.sh": fleet.SCRIPT_OK, "scripts/validate.sh": validate}


def _alarm(aws, name: str = "high-errors") -> None:
    aws("cloudwatch").put_metric_alarm(
        AlarmName=name, MetricName="Errors", Namespace="App", Statistic="Sum", Period=60,
        EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold")


def test_failure_rolls_back_to_last_good_revision(aws, role_arn):
    """DEPLOYMENT_FAILURE: a new deployment (codeDeployRollback) redeploys the good revision."""
    fleet.launch(aws, 1)
    fleet.group(aws, role_arn, autoRollbackConfiguration={"enabled": True,
                                                          "events": ["DEPLOYMENT_FAILURE"]})
    good = fleet.deploy(aws, fleet.revision(aws, _files("v1"), key="v1.zip"),
                        fileExistsBehavior="OVERWRITE")
    assert good["status"] == "Succeeded"
    bad = fleet.deploy(aws, fleet.revision(aws, _files("v2", BAD), key="v2.zip"),
                       fileExistsBehavior="OVERWRITE")
    codedeploy = aws("codedeploy")
    bad = codedeploy.get_deployment(deploymentId=bad["deploymentId"])["deploymentInfo"]
    assert bad["status"] == "Failed"
    rollback_id = bad["rollbackInfo"]["rollbackDeploymentId"]
    rollback = codedeploy.get_deployment(deploymentId=rollback_id)["deploymentInfo"]
    assert rollback["creator"] == "codeDeployRollback"
    assert rollback["status"] == "Succeeded"
    assert rollback["revision"]["s3Location"]["key"] == "v1.zip"
    assert rollback["rollbackInfo"]["rollbackTriggeringDeploymentId"] == bad["deploymentId"]
    group = codedeploy.get_deployment_group(applicationName="app",
                                            deploymentGroupName="web")["deploymentGroupInfo"]
    assert group["lastSuccessfulDeployment"]["deploymentId"] == rollback_id


def test_no_previous_revision_means_no_rollback(aws, role_arn):
    """A first deployment that fails cannot be rolled back; rollbackMessage says why."""
    fleet.launch(aws, 1)
    fleet.group(aws, role_arn, autoRollbackConfiguration={"enabled": True,
                                                          "events": ["DEPLOYMENT_FAILURE"]})
    bad = fleet.deploy(aws, fleet.revision(aws, _files("v1", BAD)))
    assert bad["status"] == "Failed"
    assert "no previous successful deployment" in bad["rollbackInfo"]["rollbackMessage"]
    assert len(aws("codedeploy").list_deployments()["deployments"]) == 1


def test_alarm_stops_the_deployment_and_rolls_back(aws, role_arn, ep):
    """An alarm entering ALARM mid-deployment stops it (ALARM_ACTIVE) and rolls back."""
    fleet.launch(aws, 5)
    _alarm(aws)
    fleet.group(aws, role_arn,
                alarmConfiguration={"enabled": True, "alarms": [{"name": "high-errors"}]},
                autoRollbackConfiguration={"enabled": True,
                                           "events": ["DEPLOYMENT_STOP_ON_ALARM"]})
    good = fleet.deploy(aws, fleet.revision(aws, _files("v1"), key="v1.zip"),
                        fileExistsBehavior="OVERWRITE")
    assert good["status"] == "Succeeded"
    ep.faults.add({"kind": "alarm", "alarm_name": "high-errors", "anchor": "deployment",
                   "at_minute": 0.5})
    codedeploy = aws("codedeploy")
    deployment_id = codedeploy.create_deployment(
        applicationName="app", deploymentGroupName="web", fileExistsBehavior="OVERWRITE",
        revision=fleet.revision(aws, _files("v2"), key="v2.zip"))["deploymentId"]
    info = codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]
    assert info["status"] == "Stopped"
    assert info["errorInformation"]["code"] == "ALARM_ACTIVE"
    assert info["deploymentOverview"]["Skipped"] >= 1
    rollback = codedeploy.get_deployment(
        deploymentId=info["rollbackInfo"]["rollbackDeploymentId"])["deploymentInfo"]
    assert rollback["creator"] == "codeDeployRollback"
    assert rollback["revision"]["s3Location"]["key"] == "v1.zip"


def test_unreadable_alarm_stops_unless_ignored(aws, role_arn):
    """An alarm that does not exist stops the deployment unless ignorePollAlarmFailure."""
    fleet.launch(aws, 1)
    fleet.group(aws, role_arn,
                alarmConfiguration={"enabled": True, "alarms": [{"name": "missing"}]})
    info = fleet.deploy(aws, fleet.revision(aws))
    assert info["status"] == "Stopped"
    assert "could not be read" in info["errorInformation"]["message"]
    info = fleet.deploy(aws, fleet.revision(aws), overrideAlarmConfiguration={
        "enabled": True, "ignorePollAlarmFailure": True, "alarms": [{"name": "missing"}]})
    assert info["status"] == "Succeeded"
