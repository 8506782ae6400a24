"""Deployment targets: on-premises instances, agents not running, bundles, files, load
balancers, stops and events (§A.4, §A.8, §A.12)."""

from __future__ import annotations

import io
import json
import tarfile

from tests.offline.codedeploy import fleet

ACCOUNT, REGION = "123456789012", "us-east-1"


def _root(ep, instance_id):
    return ep.services["codedeploy"].backend_for(ACCOUNT, REGION).host_dir(instance_id) / "root"


def test_deploys_to_on_premises_instances_by_tag(aws, role_arn):
    """Registered, tagged on-premises instances are targets; their ARN is the instance ARN."""
    codedeploy = aws("codedeploy")
    codedeploy.register_on_premises_instance(
        instanceName="lab-1", iamSessionArn="arn:aws:sts::123456789012:assumed-role/R/lab-1")
    codedeploy.add_tags_to_on_premises_instances(instanceNames=["lab-1"],
                                                 tags=[{"Key": "site", "Value": "lab"}])
    fleet.group(aws, role_arn, ec2TagFilters=[], onPremisesInstanceTagFilters=[
        {"Key": "site", "Value": "lab", "Type": "KEY_AND_VALUE"}])
    info = fleet.deploy(aws, fleet.revision(aws))
    assert info["status"] == "Succeeded"
    target = codedeploy.get_deployment_target(deploymentId=info["deploymentId"],
                                              targetId="lab-1")["deploymentTarget"]
    assert target["instanceTarget"]["targetArn"] == \
        "arn:aws:codedeploy:us-east-1:123456789012:instance/lab-1"


def test_instance_without_agent_fails_with_agent_issue(aws, role_arn):
    """An instance tagged cdw:agent=stopped never starts its events: AGENT_ISSUE."""
    fleet.launch(aws, 1, {"role": "web", "cdw:agent": "stopped"})
    fleet.group(aws, role_arn)
    info = fleet.deploy(aws, fleet.revision(aws))
    assert info["status"] == "Failed"
    assert info["errorInformation"]["code"] == "AGENT_ISSUE"
    duration = (info["completeTime"] - info["createTime"]).total_seconds()
    assert duration >= 300  # the event was not started within 5 minutes


def test_tgz_bundle(aws, role_arn, ep):
    """A tgz bundle is unpacked and its files installed."""
    ids = fleet.launch(aws, 1)
    fleet.group(aws, role_arn)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as archive:
        for name, text in {"appspec.yml": "version: 0.0\nos: linux\nfiles:\n  - source: /app\n"
                                          "    destination: /opt/app\n",
                           "app/run.txt": "tgz!"}.items():
            info = tarfile.TarInfo(name)
            info.size = len(text)
            archive.addfile(info, io.BytesIO(text.encode()))
    aws("s3").create_bucket(Bucket="tgz")
    aws("s3").put_object(Bucket="tgz", Key="b.tgz", Body=buf.getvalue())
    info = fleet.deploy(aws, {"revisionType": "S3", "s3Location": {
        "bucket": "tgz", "key": "b.tgz", "bundleType": "tgz"}})
    assert info["status"] == "Succeeded", info.get("errorInformation")
    assert (_root(ep, ids[0]) / "opt/app/run.txt").read_text() == "tgz!"


def test_file_exists_behavior(aws, role_arn, ep):
    """A file already at the destination fails DISALLOW; OVERWRITE replaces it."""
    ids = fleet.launch(aws, 1)
    fleet.group(aws, role_arn)
    existing = _root(ep, ids[0]) / "var/www/html/index.html"
    existing.parent.mkdir(parents=True)
    existing.write_text("hand-made")
    info = fleet.deploy(aws, fleet.revision(aws))
    assert info["status"] == "Failed"
    events = fleet.events(aws, info["deploymentId"])[ids[0]]
    assert ("Install", "Failed") in events
    assert existing.read_text() == "hand-made"
    info = fleet.deploy(aws, fleet.revision(aws), fileExistsBehavior="OVERWRITE")
    assert info["status"] == "Succeeded"
    assert existing.read_text() == "<h1>v1</h1>"


def test_bundle_paths_cannot_escape(aws, role_arn, ep):
    """A zip member such as ../evil fails DownloadBundle and writes nothing outside."""
    ids = fleet.launch(aws, 1)
    fleet.group(aws, role_arn)
    rev = fleet.revision(aws, {"appspec.yml": fleet.APPSPEC, "../evil.txt": "x"}, key="evil.zip")
    info = fleet.deploy(aws, rev)
    events = fleet.events(aws, info["deploymentId"])[ids[0]]
    assert ("DownloadBundle", "Failed") in events
    host = _root(ep, ids[0]).parent
    assert not list(host.parent.rglob("evil.txt"))


def test_load_balancer_events_and_registration(aws, role_arn):
    """With a target group, the 13 events run in order and the instance ends registered."""
    ids = fleet.launch(aws, 1)
    vpc = aws("ec2").describe_vpcs()["Vpcs"][0]["VpcId"]
    elbv2 = aws("elbv2")
    tg = elbv2.create_target_group(Name="web-tg", Protocol="HTTP", Port=80, VpcId=vpc,
                                   TargetType="instance")["TargetGroups"][0]["TargetGroupArn"]
    fleet.group(aws, role_arn,
                deploymentStyle={"deploymentType": "IN_PLACE",
                                 "deploymentOption": "WITH_TRAFFIC_CONTROL"},
                loadBalancerInfo={"targetGroupInfoList": [{"name": "web-tg"}]})
    info = fleet.deploy(aws, fleet.revision(aws))
    assert info["status"] == "Succeeded", info.get("errorInformation")
    names = [n for n, _ in fleet.events(aws, info["deploymentId"])[ids[0]]]
    assert names == ["BeforeBlockTraffic", "BlockTraffic", "AfterBlockTraffic",
                     "ApplicationStop", "DownloadBundle", "BeforeInstall", "Install",
                     "AfterInstall", "ApplicationStart", "ValidateService",
                     "BeforeAllowTraffic", "AllowTraffic", "AfterAllowTraffic"]
    health = elbv2.describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]
    assert [h["Target"]["Id"] for h in health] == ids


def test_stop_deployment_fault_stops_between_instances(aws, role_arn, ep):
    """A stop 30 s in: the deployment is Stopped (MANUAL_STOP), later instances Skipped."""
    fleet.launch(aws, 3)
    fleet.group(aws, role_arn)
    ep.faults.add({"kind": "stop-deployment", "anchor": "deployment", "at_minute": 0.5})
    info = fleet.deploy(aws, fleet.revision(aws))
    assert info["status"] == "Stopped"
    assert info["errorInformation"]["code"] == "MANUAL_STOP"
    assert info["deploymentOverview"]["Skipped"] >= 1
    assert info["deploymentOverview"]["Succeeded"] >= 1


def test_state_change_events_reach_eventbridge(aws, role_arn):
    """Deployment and instance state-change events go to the default bus."""
    ids = fleet.launch(aws, 1)
    fleet.group(aws, role_arn)
    sqs, events = aws("sqs"), aws("events")
    queue = sqs.create_queue(QueueName="cd-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    events.put_rule(Name="cd", EventPattern=json.dumps({"source": ["aws.codedeploy"]}))
    events.put_targets(Rule="cd", Targets=[{"Id": "q", "Arn": queue_arn}])
    info = fleet.deploy(aws, fleet.revision(aws))
    seen = []
    while True:
        got = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
        if not got:
            break
        seen += [json.loads(m["Body"]) for m in got]
    states = [(e["detail-type"], e["detail"]["state"]) for e in seen]
    assert ("CodeDeploy Deployment State-change Notification", "START") in states
    assert ("CodeDeploy Deployment State-change Notification", "SUCCESS") in states
    assert ("CodeDeploy Instance State-change Notification", "SUCCESS") in states
    instance_event = next(e for e in seen if e["detail"].get("instanceId") == ids[0])
    assert instance_event["detail"]["deploymentId"] == info["deploymentId"]


def test_tag_set_is_or_within_groups_and_across(aws, role_arn):
    """ec2TagSet: an instance must match one tag of every group."""
    both = fleet.launch(aws, 1, {"env": "prod", "tier": "web"})
    also = fleet.launch(aws, 1, {"env": "stage", "tier": "web"})
    fleet.launch(aws, 1, {"env": "prod"})  # no tier: misses the second group
    fleet.launch(aws, 1, {"tier": "web"})  # no env: misses the first group
    fleet.group(aws, role_arn, ec2TagFilters=[], ec2TagSet={"ec2TagSetList": [
        [{"Key": "env", "Value": "prod", "Type": "KEY_AND_VALUE"},
         {"Key": "env", "Value": "stage", "Type": "KEY_AND_VALUE"}],
        [{"Key": "tier", "Type": "KEY_ONLY"}]]},
        deploymentConfigName="CodeDeployDefault.AllAtOnce")
    info = fleet.deploy(aws, fleet.revision(aws))
    assert sorted(fleet.events(aws, info["deploymentId"])) == sorted(both + also)


def test_unhealthy_instances_are_deployed_first(aws, role_arn, ep):
    """After a failure, the next deployment starts with the instance that failed."""
    ids = fleet.launch(aws, 3)
    fleet.group(aws, role_arn, deploymentConfigName="CodeDeployDefault.AllAtOnce")
    fleet.deploy(aws, fleet.revision(aws), fileExistsBehavior="OVERWRITE")
    ep.faults.add({"kind": "hook-failure", "hook": "ValidateService", "instance_id": ids[2]})
    fleet.deploy(aws, fleet.revision(aws), fileExistsBehavior="OVERWRITE")
    ep.faults.clear()
    codedeploy = aws("codedeploy")
    codedeploy.update_deployment_group(applicationName="app", currentDeploymentGroupName="web",
                                       deploymentConfigName="CodeDeployDefault.OneAtATime")
    info = fleet.deploy(aws, fleet.revision(aws), fileExistsBehavior="OVERWRITE")
    starts = {}
    for target_id in ids:
        target = codedeploy.get_deployment_target(deploymentId=info["deploymentId"],
                                                  targetId=target_id)["deploymentTarget"]
        starts[target_id] = target["instanceTarget"]["lifecycleEvents"][0]["startTime"]
    assert min(starts, key=starts.get) == ids[2]


def test_malformed_appspec_names_the_fix(aws, role_arn):
    """A hook entry without location fails DownloadBundle with the place and the fix."""
    ids = fleet.launch(aws, 1)
    fleet.group(aws, role_arn)
    spec = "version: 0.0\nos: linux\nhooks:\n  AfterInstall:\n    - timeout: 10\n"
    info = fleet.deploy(aws, fleet.revision(aws, {"appspec.yml": spec}, key="bad.zip"))
    assert info["status"] == "Failed"
    target = aws("codedeploy").get_deployment_target(
        deploymentId=info["deploymentId"], targetId=ids[0])["deploymentTarget"]["instanceTarget"]
    failed = [e for e in target["lifecycleEvents"] if e["status"] == "Failed"]
    assert failed[0]["lifecycleEventName"] == "DownloadBundle"
    assert failed[0]["diagnostics"]["message"] == (
        "appspec.yml: hooks.AfterInstall[0] has no 'location' — each script entry needs a path "
        "relative to the bundle root.")
