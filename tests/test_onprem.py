"""helpers.onprem: register by session or user ARN, tag, deploy, deregister."""

from __future__ import annotations

import json

import pytest

from helpers import onprem
from tests.codedeploy_setup import TRUST
from tests.offline.codedeploy import fleet as cd


def test_register_by_session_arn_and_tags(aws):
    """A role is made, the session ARN registered, the tags put on the instance."""
    codedeploy, iam = aws("codedeploy"), aws("iam")
    arn = onprem.register_on_premises(codedeploy, iam, "cdw-me-10-rack1", {"site": "lab"})
    assert arn == "arn:aws:sts::123456789012:assumed-role/cdw-me-10-rack1/cdw-me-10-rack1"
    info = codedeploy.get_on_premises_instance(instanceName="cdw-me-10-rack1")["instanceInfo"]
    assert info["iamSessionArn"] == arn and "iamUserArn" not in info
    assert info["tags"] == [{"Key": "site", "Value": "lab"}]
    assert iam.get_role(RoleName="cdw-me-10-rack1")["Role"]["RoleName"] == "cdw-me-10-rack1"


def test_register_by_user_arn_then_deregister_removes_the_user(aws):
    """The user ARN variant makes an IAM user; deregistering deletes it."""
    codedeploy, iam = aws("codedeploy"), aws("iam")
    arn = onprem.register_on_premises(codedeploy, iam, "rack2", {}, identity="user")
    assert arn.endswith(":user/rack2")
    iam.create_access_key(UserName="rack2")
    onprem.deregister_on_premises(codedeploy, iam, "rack2")
    assert codedeploy.list_on_premises_instances(
        registrationStatus="Registered")["instanceNames"] == []
    assert iam.list_users()["Users"] == []


def test_unknown_identity_is_refused(aws):
    """Only 'session' or 'user'."""
    with pytest.raises(onprem.FleetError, match="'session'"):
        onprem.register_on_premises(aws("codedeploy"), aws("iam"), "x", {}, identity="key")


def test_deploying_to_registered_instances(aws):
    """A group with on-premises tag filters deploys to the registered, tagged instances."""
    codedeploy, iam = aws("codedeploy"), aws("iam")
    for name in ("rack1", "rack2"):
        onprem.register_on_premises(codedeploy, iam, name, {"site": "lab"})
    role = iam.create_role(RoleName="cd", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]
    codedeploy.create_application(applicationName="app")
    codedeploy.create_deployment_group(
        applicationName="app", deploymentGroupName="web", serviceRoleArn=role["Arn"],
        onPremisesInstanceTagFilters=[{"Key": "site", "Value": "lab", "Type": "KEY_AND_VALUE"}])
    info = cd.deploy(aws, cd.revision(aws))
    assert info["status"] == "Succeeded"
    assert sorted(codedeploy.list_deployment_targets(
        deploymentId=info["deploymentId"])["targetIds"]) == ["rack1", "rack2"]
