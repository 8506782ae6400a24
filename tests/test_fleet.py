"""helpers.fleet: tagged instances over zones with an instance profile; the agent switch."""

from __future__ import annotations

import json

import pytest

from helpers import fleet
from helpers.offline.codedeploy import targets
from tests.offline.codedeploy import fleet as cd

TAGS = {"cdw:participant": "me", "fleet": "web"}


def _group(aws) -> str:
    iam = aws("iam")
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "codedeploy.amazonaws.com"},
        "Action": "sts:AssumeRole"}]}
    arn = iam.create_role(RoleName="cd-role",
                          AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    codedeploy = aws("codedeploy")
    codedeploy.create_application(applicationName="app")
    codedeploy.create_deployment_group(
        applicationName="app", deploymentGroupName="web", serviceRoleArn=arn,
        ec2TagFilters=[{"Key": "fleet", "Value": "web", "Type": "KEY_AND_VALUE"}])
    return arn


def test_spread_is_round_robin():
    """5 over 3 zones: 2, 2, 1, in zone order."""
    assert fleet.spread(5, ["a", "b", "c"]) == {"a": 2, "b": 2, "c": 1}
    assert fleet.spread(2, ["a", "b", "c"]) == {"a": 1, "b": 1}
    with pytest.raises(fleet.FleetError, match="at least one"):
        fleet.spread(0, ["a"])


def test_launch_fleet_spreads_tags_and_profiles(aws):
    """Instances are tagged, in three zones, with the profile holding the CodeDeploy policy."""
    ec2, iam = aws("ec2"), aws("iam")
    made = fleet.launch_fleet(ec2, iam, "cdw-me-05-web", 5, TAGS)
    assert len(made) == 5 and list(made) == made.instance_ids
    assert {z: len(ids) for z, ids in made.by_zone().items()} == {
        "us-east-1a": 2, "us-east-1b": 2, "us-east-1c": 1}
    described = {i["InstanceId"]: i for r in ec2.describe_instances(
        InstanceIds=made.instance_ids)["Reservations"] for i in r["Instances"]}
    for instance_id, instance in described.items():
        tags = {t["Key"]: t["Value"] for t in instance["Tags"]}
        assert tags == {**TAGS, "Name": "cdw-me-05-web"}
        assert instance["Placement"]["AvailabilityZone"] == made.zones[instance_id]
    # moto leaves IamInstanceProfile out of describe_instances and associates the profile with
    # only the first instance of each run_instances call: one per zone here.
    associations = ec2.describe_iam_instance_profile_associations()[
        "IamInstanceProfileAssociations"]
    assert len(associations) == 3
    assert {a["InstanceId"] for a in associations} <= set(made.instance_ids)
    assert {a["IamInstanceProfile"]["Arn"].rsplit("/", 1)[-1] for a in associations} == {
        "cdw-me-05-web"}
    role = iam.get_instance_profile(InstanceProfileName="cdw-me-05-web")[
        "InstanceProfile"]["Roles"][0]["RoleName"]
    attached = [p["PolicyArn"] for p in iam.list_attached_role_policies(
        RoleName=role)["AttachedPolicies"]]
    assert fleet.INSTANCE_POLICY in attached
    assert fleet.fleet_instances(ec2, {"fleet": "web"}) == sorted(made.instance_ids)


def test_launch_fleet_named_zones_and_errors(aws):
    """Zones can be named; an unknown zone or mode is refused with the fix in the message."""
    ec2, iam = aws("ec2"), aws("iam")
    made = fleet.launch_fleet(ec2, iam, "f", 2, TAGS, azs=["us-east-1d"])
    assert set(made.zones.values()) == {"us-east-1d"}
    two = fleet.launch_fleet(ec2, iam, "two", 5, TAGS, azs=2)
    assert {z: len(ids) for z, ids in two.by_zone().items()} == {"us-east-1a": 3,
                                                                 "us-east-1b": 2}
    with pytest.raises(fleet.FleetError, match="choose among"):
        fleet.launch_fleet(ec2, iam, "g", 2, TAGS, azs=["mars-1a"])
    with pytest.raises(fleet.FleetError, match="wb.mode"):
        fleet.launch_fleet(ec2, iam, "g", 2, TAGS, mode="cloud")


def test_user_data_installs_the_agent_from_the_regional_bucket():
    """The sandbox user data fetches the installer from aws-codedeploy-<region>."""
    text = fleet.agent_user_data("eu-west-1")
    assert text.startswith("#!/bin/bash")
    assert "https://aws-codedeploy-eu-west-1.s3.eu-west-1.amazonaws.com/latest/install" in text
    assert "./install auto" in text


def test_terminate_fleet_removes_instances_profile_and_role(aws):
    """After terminate_fleet nothing of the fleet is left running or in IAM."""
    ec2, iam = aws("ec2"), aws("iam")
    made = fleet.launch_fleet(ec2, iam, "f", 3, TAGS)
    assert sorted(fleet.terminate_fleet(ec2, iam, made)) == sorted(made.instance_ids)
    assert fleet.fleet_instances(ec2, {"fleet": "web"}) == []
    assert iam.list_instance_profiles()["InstanceProfiles"] == []
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == []


def test_agent_tag_is_the_emulators():
    """fleet's tag is the one the emulator reads."""
    assert fleet.AGENT_TAG == targets.AGENT_TAG


def test_stop_agent_gives_agent_issue_and_start_agent_undoes_it(aws):
    """A fleet whose agents are stopped fails with AGENT_ISSUE; restarted, it succeeds."""
    ec2, iam, codedeploy = aws("ec2"), aws("iam"), aws("codedeploy")
    made = fleet.launch_fleet(ec2, iam, "f", 2, TAGS)
    _group(aws)
    rev = cd.revision(aws)
    fleet.stop_agent(ec2, made.instance_ids)
    info = cd.deploy(aws, rev)
    assert (info["status"], info["errorInformation"]["code"]) == ("Failed", "AGENT_ISSUE")
    fleet.start_agent(ec2, made.instance_ids)
    info = cd.deploy(aws, rev)
    assert info["status"] == "Succeeded"
    assert info["deploymentOverview"]["Succeeded"] == 2
    assert codedeploy.get_deployment(deploymentId=info["deploymentId"])
