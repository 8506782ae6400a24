"""Blue/green deployments on EC2 (§A.4.1 blue/green sequence, §A.7)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.offline.codedeploy import fleet

GREEN = {"tagFilters": [{"Key": "fleet", "Value": "green", "Type": "KEY_AND_VALUE"}]}


def _setup(aws, role_arn, ready=None, terminate=None):
    blue = fleet.launch(aws, 2, {"role": "web"})
    green = fleet.launch(aws, 2, {"fleet": "green"})
    vpc = aws("ec2").describe_vpcs()["Vpcs"][0]["VpcId"]
    tg = aws("elbv2").create_target_group(Name="web-tg", Protocol="HTTP", Port=80, VpcId=vpc,
                                          TargetType="instance")["TargetGroups"][0][
        "TargetGroupArn"]
    aws("elbv2").register_targets(TargetGroupArn=tg, Targets=[{"Id": i} for i in blue])
    options = {"greenFleetProvisioningOption": {"action": "DISCOVER_EXISTING"},
               "deploymentReadyOption": ready or {"actionOnTimeout": "CONTINUE_DEPLOYMENT"},
               "terminateBlueInstancesOnDeploymentSuccess": terminate or {
                   "action": "TERMINATE", "terminationWaitTimeInMinutes": 5}}
    fleet.group(aws, role_arn,
                deploymentStyle={"deploymentType": "BLUE_GREEN",
                                 "deploymentOption": "WITH_TRAFFIC_CONTROL"},
                blueGreenDeploymentConfiguration=options,
                loadBalancerInfo={"targetGroupInfoList": [{"name": "web-tg"}]})
    return blue, green, tg


def _states(aws, ids):
    reservations = aws("ec2").describe_instances(InstanceIds=ids)["Reservations"]
    return {i["InstanceId"]: i["State"]["Name"] for r in reservations for i in r["Instances"]}


def test_blue_green_reroutes_and_terminates_originals(aws, role_arn):
    """Green runs install + allow events, Blue runs block events, originals are terminated."""
    blue, green, tg = _setup(aws, role_arn)
    info = fleet.deploy(aws, fleet.revision(aws), targetInstances=GREEN)
    assert info["status"] == "Succeeded", info.get("errorInformation")
    assert info["instanceTerminationWaitTimeStarted"] is True
    events = fleet.events(aws, info["deploymentId"])
    for instance in green:
        assert [n for n, _ in events[instance]] == [
            "ApplicationStop", "DownloadBundle", "BeforeInstall", "Install", "AfterInstall",
            "ApplicationStart", "ValidateService", "BeforeAllowTraffic", "AllowTraffic",
            "AfterAllowTraffic"]
    for instance in blue:
        assert events[instance] == [("BeforeBlockTraffic", "Succeeded"),
                                    ("BlockTraffic", "Succeeded"),
                                    ("AfterBlockTraffic", "Succeeded")]
    labels = aws("codedeploy").list_deployment_targets(
        deploymentId=info["deploymentId"],
        targetFilters={"ServerInstanceLabel": ["Green"]})["targetIds"]
    assert sorted(labels) == green
    health = aws("elbv2").describe_target_health(TargetGroupArn=tg)["TargetHealthDescriptions"]
    assert sorted(h["Target"]["Id"] for h in health) == green
    assert set(_states(aws, blue).values()) <= {"shutting-down", "terminated"}
    group = aws("codedeploy").get_deployment_group(
        applicationName="app", deploymentGroupName="web")["deploymentGroupInfo"]
    assert group["ec2TagFilters"] == GREEN["tagFilters"]


def test_manual_reroute_waits_in_ready_until_continued(aws, role_arn):
    """STOP_DEPLOYMENT: the deployment is Ready until continue_deployment(READY_WAIT)."""
    blue, green, _ = _setup(aws, role_arn,
                            ready={"actionOnTimeout": "STOP_DEPLOYMENT", "waitTimeInMinutes": 60},
                            terminate={"action": "KEEP_ALIVE"})
    info = fleet.deploy(aws, fleet.revision(aws), targetInstances=GREEN)
    assert info["status"] == "Ready"
    assert info["deploymentOverview"]["Ready"] == 2
    codedeploy = aws("codedeploy")
    codedeploy.continue_deployment(deploymentId=info["deploymentId"],
                                   deploymentWaitType="READY_WAIT")
    done = codedeploy.get_deployment(deploymentId=info["deploymentId"])["deploymentInfo"]
    assert done["status"] == "Succeeded"
    assert done["instanceTerminationWaitTimeStarted"] is False
    assert set(_states(aws, blue).values()) == {"running"}  # KEEP_ALIVE
    with pytest.raises(ClientError) as err:
        codedeploy.continue_deployment(deploymentId=info["deploymentId"])
    assert err.value.response["Error"]["Code"] == "DeploymentAlreadyCompletedException"


def test_ready_wait_expiry_stops_the_deployment(aws, role_arn, ep):
    """Nobody continues within waitTimeInMinutes: the deployment is Stopped."""
    _setup(aws, role_arn, ready={"actionOnTimeout": "STOP_DEPLOYMENT", "waitTimeInMinutes": 30})
    info = fleet.deploy(aws, fleet.revision(aws), targetInstances=GREEN)
    assert info["status"] == "Ready"
    ep.engine.advance(31 * 60)
    done = aws("codedeploy").get_deployment(deploymentId=info["deploymentId"])["deploymentInfo"]
    assert done["status"] == "Stopped"


def test_continue_on_a_deployment_that_is_not_ready(aws, role_arn):
    """continue_deployment(READY_WAIT) on an in-place deployment is refused."""
    fleet.launch(aws, 1)
    fleet.group(aws, role_arn)
    info = fleet.deploy(aws, fleet.revision(aws))
    with pytest.raises(ClientError) as err:
        aws("codedeploy").continue_deployment(deploymentId=info["deploymentId"])
    assert err.value.response["Error"]["Code"] == "DeploymentAlreadyCompletedException"


def test_discover_existing_needs_target_instances(aws, role_arn):
    """A DISCOVER_EXISTING blue/green deployment without targetInstances is invalid."""
    _setup(aws, role_arn)
    with pytest.raises(ClientError) as err:
        aws("codedeploy").create_deployment(applicationName="app", deploymentGroupName="web",
                                            revision=fleet.revision(aws))
    assert err.value.response["Error"]["Code"] == "InvalidTargetInstancesException"


def test_copy_auto_scaling_group(aws, role_arn):
    """COPY_AUTO_SCALING_GROUP deploys to a copy of the group's ASG and retires the original."""
    ec2, autoscaling = aws("ec2"), aws("autoscaling")
    template = ec2.create_launch_template(LaunchTemplateName="web", LaunchTemplateData={
        "ImageId": "ami-12c6146b", "InstanceType": "t3.micro"})["LaunchTemplate"]
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="web-asg", MinSize=2, MaxSize=2, DesiredCapacity=2,
        AvailabilityZones=["us-east-1a"],
        LaunchTemplate={"LaunchTemplateId": template["LaunchTemplateId"], "Version": "$Latest"})
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    aws("elbv2").create_target_group(Name="web-tg", Protocol="HTTP", Port=80, VpcId=vpc)
    fleet.group(aws, role_arn, ec2TagFilters=[], autoScalingGroups=["web-asg"],
                deploymentStyle={"deploymentType": "BLUE_GREEN",
                                 "deploymentOption": "WITH_TRAFFIC_CONTROL"},
                blueGreenDeploymentConfiguration={
                    "greenFleetProvisioningOption": {"action": "COPY_AUTO_SCALING_GROUP"},
                    "terminateBlueInstancesOnDeploymentSuccess": {"action": "TERMINATE"}},
                loadBalancerInfo={"targetGroupInfoList": [{"name": "web-tg"}]})
    info = fleet.deploy(aws, fleet.revision(aws))
    assert info["status"] == "Succeeded", info.get("errorInformation")
    copy = f"CodeDeploy_web_{info['deploymentId']}"
    names = [g["AutoScalingGroupName"] for g in
             autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"]]
    assert names == [copy]
    assert info["deploymentOverview"]["Succeeded"] == 4  # 2 Blue + 2 Green
    group = aws("codedeploy").get_deployment_group(
        applicationName="app", deploymentGroupName="web")["deploymentGroupInfo"]
    assert [a["name"] for a in group["autoScalingGroups"]] == [copy]


def test_termination_wait_is_a_world_timer(aws, role_arn):
    """Under time scale max the termination wait passes on its own; skipping it afterwards is
    refused because the deployment already completed."""
    blue, _, _ = _setup(aws, role_arn, terminate={"action": "TERMINATE",
                                                  "terminationWaitTimeInMinutes": 120})
    info = fleet.deploy(aws, fleet.revision(aws), targetInstances=GREEN)
    assert info["status"] == "Succeeded"
    assert (info["completeTime"] - info["createTime"]).total_seconds() >= 120 * 60
    assert set(_states(aws, blue).values()) <= {"shutting-down", "terminated"}
    with pytest.raises(ClientError) as err:
        aws("codedeploy").skip_wait_time_for_instance_termination(
            deploymentId=info["deploymentId"])
    assert err.value.response["Error"]["Code"] == "DeploymentAlreadyCompletedException"
