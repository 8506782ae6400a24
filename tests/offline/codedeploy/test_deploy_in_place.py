"""In-place deployments to emulated EC2 instances (§A.3, §A.4)."""

from __future__ import annotations

from tests.offline.codedeploy import fleet


def test_one_instance_deployment_succeeds_with_events_in_order(aws, role_arn):
    """A deployment runs every in-place event in order and succeeds."""
    ids = fleet.launch(aws, 1)
    fleet.group(aws, role_arn)
    info = fleet.deploy(aws, fleet.revision(aws))
    assert info["status"] == "Succeeded", info.get("errorInformation")
    assert info["deploymentOverview"]["Succeeded"] == 1
    events = fleet.events(aws, info["deploymentId"])
    assert events[ids[0]] == [(n, "Succeeded") for n in (
        "ApplicationStop", "DownloadBundle", "BeforeInstall", "Install", "AfterInstall",
        "ApplicationStart", "ValidateService")]


def _target(aws, deployment_id, target_id):
    return aws("codedeploy").get_deployment_target(
        deploymentId=deployment_id, targetId=target_id)["deploymentTarget"]["instanceTarget"]


def test_scripts_see_aws_environment_and_log_tail(aws, role_arn):
    """Hook scripts get LIFECYCLE_EVENT, DEPLOYMENT_* and BUNDLE_*; output lands in logTail."""
    ids = fleet.launch(aws, 1)
    fleet.group(aws, role_arn)
    script = ("#!/bin/bash\necho \"$LIFECYCLE_EVENT|$DEPLOYMENT_ID|$APPLICATION_NAME|"
              "$DEPLOYMENT_GROUP_NAME|$DEPLOYMENT_GROUP_ID|$BUNDLE_BUCKET|$BUNDLE_KEY\"\n")
    rev = fleet.revision(aws, {"appspec.yml": fleet.APPSPEC, "site/index.html": "x",
                               "scripts/before.sh": script, "scripts/validate.sh": script})
    info = fleet.deploy(aws, rev)
    group_id = aws("codedeploy").get_deployment_group(
        applicationName="app", deploymentGroupName="web")["deploymentGroupInfo"][
        "deploymentGroupId"]
    events = {e["lifecycleEventName"]: e for e in
              _target(aws, info["deploymentId"], ids[0])["lifecycleEvents"]}
    tail = events["ValidateService"]["diagnostics"]["logTail"]
    assert tail == (f"[stdout]ValidateService|{info['deploymentId']}|app|web|{group_id}|"
                    "bundles|web.zip\n")
    assert events["ValidateService"]["diagnostics"]["errorCode"] == "Success"


def test_failing_script_fails_instance_with_script_failed(aws, role_arn):
    """A non-zero exit gives ScriptFailed, later events Skipped, the deployment Failed."""
    ids = fleet.launch(aws, 1)
    fleet.group(aws, role_arn)
    bad = "#!/bin/bash\necho checking\necho broken >&2\nexit 3\n"
    rev = fleet.revision(aws, {"appspec.yml": fleet.APPSPEC, "site/index.html": "x",
                               "scripts/before.sh": bad, "scripts/validate.sh": bad})
    info = fleet.deploy(aws, rev)
    assert info["status"] == "Failed"
    assert info["errorInformation"]["code"] == "HEALTH_CONSTRAINTS"
    target = _target(aws, info["deploymentId"], ids[0])
    statuses = [(e["lifecycleEventName"], e["status"]) for e in target["lifecycleEvents"]]
    assert statuses[:3] == [("ApplicationStop", "Succeeded"), ("DownloadBundle", "Succeeded"),
                            ("BeforeInstall", "Failed")]
    assert {s for _, s in statuses[3:]} == {"Skipped"}
    diag = target["lifecycleEvents"][2]["diagnostics"]
    assert diag["errorCode"] == "ScriptFailed" and "exit code 3" in diag["message"]
    assert diag["logTail"] == "[stdout]checking\n[stderr]broken\n"


def test_missing_script_and_missing_appspec(aws, role_arn):
    """A missing script gives ScriptMissing; a bundle without appspec.yml fails DownloadBundle."""
    ids = fleet.launch(aws, 1)
    fleet.group(aws, role_arn)
    rev = fleet.revision(aws, {"appspec.yml": fleet.APPSPEC, "site/index.html": "x",
                               "scripts/before.sh": fleet.SCRIPT_OK})
    info = fleet.deploy(aws, rev)
    target = _target(aws, info["deploymentId"], ids[0])
    failed = [e for e in target["lifecycleEvents"] if e["status"] == "Failed"]
    assert [e["lifecycleEventName"] for e in failed] == ["ValidateService"]
    assert failed[0]["diagnostics"]["errorCode"] == "ScriptMissing"
    rev = fleet.revision(aws, {"index.html": "x"}, key="noappspec.zip")
    info = fleet.deploy(aws, rev)
    failed = [e for e in _target(aws, info["deploymentId"], ids[0])["lifecycleEvents"]
              if e["status"] == "Failed"]
    assert failed[0]["lifecycleEventName"] == "DownloadBundle"
    assert "appspec.yml" in failed[0]["diagnostics"]["message"]


def test_script_timeout(aws, role_arn):
    """A script running past its timeout gives ScriptTimedOut."""
    ids = fleet.launch(aws, 1)
    fleet.group(aws, role_arn)
    spec = fleet.APPSPEC.replace("timeout: 30", "timeout: 1")
    rev = fleet.revision(aws, {"appspec.yml": spec, "site/index.html": "x",
                               "scripts/before.sh": fleet.SCRIPT_OK,
                               "scripts/validate.sh": "#!/bin/bash\nsleep 5\n"})
    info = fleet.deploy(aws, rev)
    event = _target(aws, info["deploymentId"], ids[0])["lifecycleEvents"][-1]
    assert event["status"] == "Failed"
    assert event["diagnostics"]["errorCode"] == "ScriptTimedOut"


def test_one_at_a_time_last_instance_may_fail(aws, role_arn, ep):
    """OneAtATime: a failure on the last instance still gives Succeeded (§A.3)."""
    ids = fleet.launch(aws, 3)
    fleet.group(aws, role_arn)
    ep.faults.add({"kind": "hook-failure", "hook": "ValidateService", "instance_id": ids[-1]})
    info = fleet.deploy(aws, fleet.revision(aws))
    assert info["status"] == "Succeeded"
    assert info["deploymentOverview"]["Succeeded"] == 2
    assert info["deploymentOverview"]["Failed"] == 1


def test_one_at_a_time_early_failure_skips_the_rest(aws, role_arn, ep):
    """OneAtATime: a failure on the first instance fails the deployment; others Skipped."""
    ids = fleet.launch(aws, 3)
    fleet.group(aws, role_arn)
    ep.faults.add({"kind": "hook-failure", "hook": "ValidateService", "instance_id": ids[0]})
    info = fleet.deploy(aws, fleet.revision(aws))
    assert info["status"] == "Failed"
    assert info["errorInformation"]["code"] == "HEALTH_CONSTRAINTS"
    assert info["deploymentOverview"]["Failed"] == 1
    assert info["deploymentOverview"]["Skipped"] == 2


def test_half_at_a_time_on_one_instance_is_invalid(aws, role_arn):
    """HalfAtATime on one instance fails before any instance is touched."""
    fleet.launch(aws, 1)
    fleet.group(aws, role_arn, deploymentConfigName="CodeDeployDefault.HalfAtATime")
    info = fleet.deploy(aws, fleet.revision(aws))
    assert info["errorInformation"]["code"] == "HEALTH_CONSTRAINTS_INVALID"
    assert info["deploymentOverview"]["Skipped"] == 1


def test_all_at_once_runs_instances_together(aws, role_arn):
    """AllAtOnce starts every instance at the same virtual time."""
    ids = fleet.launch(aws, 4)
    fleet.group(aws, role_arn, deploymentConfigName="CodeDeployDefault.AllAtOnce")
    info = fleet.deploy(aws, fleet.revision(aws))
    starts = {_target(aws, info["deploymentId"], i)["lifecycleEvents"][0]["startTime"]
              for i in ids}
    assert len(starts) == 1 and info["status"] == "Succeeded"


def test_no_instances_and_missing_role(aws, role_arn):
    """A group matching nothing fails NO_INSTANCES; a missing role fails IAM_ROLE_MISSING."""
    fleet.group(aws, role_arn)
    info = fleet.deploy(aws, fleet.revision(aws))
    assert info["errorInformation"]["code"] == "NO_INSTANCES"
    fleet.launch(aws, 1)
    fleet.group(aws, "arn:aws:iam::123456789012:role/nope", name="norole")
    info = fleet.deploy(aws, fleet.revision(aws), name="norole")
    assert info["errorInformation"]["code"] == "IAM_ROLE_MISSING"


def test_files_copied_and_application_stop_uses_previous_revision(aws, role_arn, ep):
    """Install copies files into the instance root; the next ApplicationStop runs old scripts."""
    ids = fleet.launch(aws, 1)
    fleet.group(aws, role_arn)
    spec = fleet.APPSPEC + "  ApplicationStop:\n    - location: scripts/stop.sh\n"
    stop_v1 = "#!/bin/bash\necho stop-from-v1\n"
    rev1 = fleet.revision(aws, {"appspec.yml": spec, "site/index.html": "v1",
                                "scripts/before.sh": fleet.SCRIPT_OK,
                                "scripts/validate.sh": fleet.SCRIPT_OK,
                                "scripts/stop.sh": stop_v1}, key="v1.zip")
    first = fleet.deploy(aws, rev1)
    stop_event = _target(aws, first["deploymentId"], ids[0])["lifecycleEvents"][0]
    assert stop_event["diagnostics"]["logTail"] == ""  # not run on the first deployment
    rev2 = fleet.revision(aws, {"appspec.yml": spec, "site/index.html": "v2",
                                "scripts/before.sh": fleet.SCRIPT_OK,
                                "scripts/validate.sh": fleet.SCRIPT_OK,
                                "scripts/stop.sh": "#!/bin/bash\necho stop-from-v2\n"},
                          key="v2.zip")
    second = fleet.deploy(aws, rev2)
    assert second["status"] == "Succeeded"
    stop_event = _target(aws, second["deploymentId"], ids[0])["lifecycleEvents"][0]
    assert stop_event["diagnostics"]["logTail"] == "[stdout]stop-from-v1\n"
    backend_root = ep.services["codedeploy"].backend_for("123456789012", "us-east-1") \
        .host_dir(ids[0]) / "root"
    assert (backend_root / "var/www/html/index.html").read_text() == "v2"


def test_waiter_and_list_filters(aws, role_arn):
    """The deployment_successful waiter returns; list_deployments filters by status."""
    fleet.launch(aws, 1)
    fleet.group(aws, role_arn)
    codedeploy = aws("codedeploy")
    deployment_id = codedeploy.create_deployment(
        applicationName="app", deploymentGroupName="web",
        revision=fleet.revision(aws))["deploymentId"]
    codedeploy.get_waiter("deployment_successful").wait(deploymentId=deployment_id)
    listed = codedeploy.list_deployments(applicationName="app", deploymentGroupName="web",
                                         includeOnlyStatuses=["Succeeded"])["deployments"]
    assert listed == [deployment_id]
    assert codedeploy.list_deployments(includeOnlyStatuses=["Failed"])["deployments"] == []
    group = codedeploy.get_deployment_group(applicationName="app",
                                            deploymentGroupName="web")["deploymentGroupInfo"]
    assert group["lastSuccessfulDeployment"]["deploymentId"] == deployment_id
    assert group["targetRevision"]["s3Location"]["key"] == "web.zip"


def test_cli_waiter(aws, role_arn, cli):
    """`aws deploy wait deployment-successful` returns once the deployment succeeded."""
    fleet.launch(aws, 1)
    fleet.group(aws, role_arn)
    deployment_id = aws("codedeploy").create_deployment(
        applicationName="app", deploymentGroupName="web",
        revision=fleet.revision(aws))["deploymentId"]
    done = cli("deploy", "wait", "deployment-successful", "--deployment-id", deployment_id)
    assert done.returncode == 0


def _stop_spec(stop_script):
    spec = fleet.APPSPEC + "  ApplicationStop:\n    - location: scripts/stop.sh\n"
    return {"appspec.yml": spec, "site/index.html": "x", "scripts/before.sh": fleet.SCRIPT_OK,
            "scripts/validate.sh": fleet.SCRIPT_OK, "scripts/stop.sh": stop_script}


def test_ignore_application_stop_failures(aws, role_arn):
    """A broken old stop script fails the next deployment unless failures are ignored."""
    ids = fleet.launch(aws, 1)
    fleet.group(aws, role_arn)
    fleet.deploy(aws, fleet.revision(aws, _stop_spec("#!/bin/bash\nexit 1\n"), key="v1.zip"),
                 fileExistsBehavior="OVERWRITE")
    rev2 = fleet.revision(aws, _stop_spec("#!/bin/bash\nexit 0\n"), key="v2.zip")
    failed = fleet.deploy(aws, rev2, fileExistsBehavior="OVERWRITE")
    assert failed["status"] == "Failed"
    assert fleet.events(aws, failed["deploymentId"])[ids[0]][0] == ("ApplicationStop", "Failed")
    ignored = fleet.deploy(aws, rev2, fileExistsBehavior="OVERWRITE",
                           ignoreApplicationStopFailures=True)
    assert ignored["status"] == "Succeeded"
    stop = _target(aws, ignored["deploymentId"], ids[0])["lifecycleEvents"][0]
    assert stop["diagnostics"]["message"].startswith("Ignored")


def test_role_without_codedeploy_trust(aws):
    """A role CodeDeploy may not assume fails the deployment with IAM_ROLE_PERMISSIONS."""
    import json

    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
        "Action": "sts:AssumeRole"}]}
    arn = aws("iam").create_role(RoleName="ec2-only",
                                 AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    fleet.launch(aws, 1)
    fleet.group(aws, arn)
    info = fleet.deploy(aws, fleet.revision(aws))
    assert info["errorInformation"]["code"] == "IAM_ROLE_PERMISSIONS"


def test_non_executable_script_is_made_executable(aws, role_arn):
    """A zip without execute bits still runs its scripts, as the agent chmods them."""
    ids = fleet.launch(aws, 1)
    fleet.group(aws, role_arn)
    info = fleet.deploy(aws, fleet.revision(aws, executable=False))
    assert info["status"] == "Succeeded"
    tail = _target(aws, info["deploymentId"], ids[0])["lifecycleEvents"][-1]["diagnostics"][
        "logTail"]
    assert "is not executable. Trying to make it executable." in tail


def test_sns_trigger_is_published(aws, role_arn):
    """A DeploymentSuccess trigger publishes AWS's JSON message to the topic."""
    import json

    sns, sqs = aws("sns"), aws("sqs")
    topic = sns.create_topic(Name="deploys")["TopicArn"]
    queue = sqs.create_queue(QueueName="deploys")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                  Attributes={"RawMessageDelivery": "true"})
    fleet.launch(aws, 1)
    fleet.group(aws, role_arn, triggerConfigurations=[{
        "triggerName": "t", "triggerTargetArn": topic, "triggerEvents": ["DeploymentSuccess"]}])
    info = fleet.deploy(aws, fleet.revision(aws))
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
    bodies = [json.loads(m["Body"]) for m in messages]
    assert [(b["deploymentId"], b["status"], b["eventTriggerName"]) for b in bodies] == [
        (info["deploymentId"], "SUCCEEDED", "t")]


def test_zonal_config_deploys_one_zone_at_a_time_with_bake(aws, role_arn):
    """A zonal config finishes each Availability Zone, bakes, then starts the next."""
    codedeploy, ec2 = aws("codedeploy"), aws("ec2")
    ids = {}
    for zone in ("us-east-1a", "us-east-1b"):
        out = ec2.run_instances(ImageId="ami-12c6146b", MinCount=2, MaxCount=2,
                                Placement={"AvailabilityZone": zone},
                                TagSpecifications=[{"ResourceType": "instance", "Tags": [
                                    {"Key": "role", "Value": "web"}]}])
        ids[zone] = [i["InstanceId"] for i in out["Instances"]]
    codedeploy.create_deployment_config(
        deploymentConfigName="zonal", minimumHealthyHosts={"type": "HOST_COUNT", "value": 0},
        zonalConfig={"firstZoneMonitorDurationInSeconds": 600, "monitorDurationInSeconds": 60})
    fleet.group(aws, role_arn, deploymentConfigName="zonal")
    info = fleet.deploy(aws, fleet.revision(aws))
    assert info["status"] == "Succeeded"

    def span(instance_id):
        events = _target(aws, info["deploymentId"], instance_id)["lifecycleEvents"]
        return events[0]["startTime"], events[-1]["endTime"]
    a = [span(i) for i in ids["us-east-1a"]]
    b = [span(i) for i in ids["us-east-1b"]]
    assert len({start for start, _ in a}) == 1  # a zone's instances start together
    gap = (min(start for start, _ in b) - max(end for _, end in a)).total_seconds()
    assert gap >= 600


def test_deployment_instances_and_batch_get(aws, role_arn):
    """The older instance APIs and batch_get_deployments describe the same deployment."""
    ids = fleet.launch(aws, 2)
    fleet.group(aws, role_arn, deploymentConfigName="CodeDeployDefault.AllAtOnce")
    info = fleet.deploy(aws, fleet.revision(aws))
    codedeploy = aws("codedeploy")
    listed = codedeploy.list_deployment_instances(deploymentId=info["deploymentId"],
                                                  instanceStatusFilter=["Succeeded"])
    assert sorted(listed["instancesList"]) == ids
    summaries = codedeploy.batch_get_deployment_instances(
        deploymentId=info["deploymentId"], instanceIds=ids + ["i-nope"])
    assert sorted(s["instanceId"].rsplit("/", 1)[-1] for s in summaries["instancesSummary"]) == ids
    assert "i-nope" in summaries["errorMessage"]
    batch = codedeploy.batch_get_deployments(deploymentIds=[info["deploymentId"], "d-NOPE12345"])
    assert [d["deploymentId"] for d in batch["deploymentsInfo"]] == [info["deploymentId"]]
    revisions = codedeploy.list_application_revisions(applicationName="app", deployed="include")
    assert len(revisions["revisions"]) == 1
