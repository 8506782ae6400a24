"""Applications, deployment groups, revisions, on-premises instances and tags (§A.8, §A.9)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError


def _error(excinfo: pytest.ExceptionInfo) -> str:
    return excinfo.value.response["Error"]["Code"]


FULL_GROUP = {
    "deploymentConfigName": "CodeDeployDefault.HalfAtATime",
    "ec2TagSet": {"ec2TagSetList": [
        [{"Key": "env", "Value": "prod", "Type": "KEY_AND_VALUE"},
         {"Key": "env", "Value": "stage", "Type": "KEY_AND_VALUE"}],
        [{"Key": "role", "Type": "KEY_ONLY"}]]},
    "onPremisesInstanceTagFilters": [{"Key": "site", "Value": "lab", "Type": "KEY_AND_VALUE"}],
    "triggerConfigurations": [{"triggerName": "t", "triggerTargetArn":
                               "arn:aws:sns:us-east-1:123456789012:topic",
                               "triggerEvents": ["DeploymentFailure", "InstanceFailure"]}],
    "alarmConfiguration": {"enabled": True, "ignorePollAlarmFailure": False,
                           "alarms": [{"name": "high-5xx"}]},
    "autoRollbackConfiguration": {"enabled": True, "events": ["DEPLOYMENT_FAILURE"]},
    "deploymentStyle": {"deploymentType": "IN_PLACE", "deploymentOption": "WITH_TRAFFIC_CONTROL"},
    "loadBalancerInfo": {"targetGroupInfoList": [{"name": "web-tg"}]},
    "outdatedInstancesStrategy": "IGNORE",
}


def test_application_lifecycle(aws):
    """Create, get, batch-get, list, rename and delete an application."""
    codedeploy = aws("codedeploy")
    app_id = codedeploy.create_application(applicationName="web")["applicationId"]
    app = codedeploy.get_application(applicationName="web")["application"]
    assert app["applicationId"] == app_id and app["computePlatform"] == "Server"
    assert codedeploy.list_applications()["applications"] == ["web"]
    with pytest.raises(ClientError) as err:
        codedeploy.create_application(applicationName="web")
    assert _error(err) == "ApplicationAlreadyExistsException"
    codedeploy.update_application(applicationName="web", newApplicationName="site")
    infos = codedeploy.batch_get_applications(applicationNames=["site"])["applicationsInfo"]
    assert [i["applicationId"] for i in infos] == [app_id]
    codedeploy.delete_application(applicationName="site")
    with pytest.raises(ClientError) as err:
        codedeploy.get_application(applicationName="site")
    assert _error(err) == "ApplicationDoesNotExistException"


def test_deployment_group_is_kept_and_returned_whole(aws, role_arn):
    """Every field given to create_deployment_group comes back from get_deployment_group."""
    codedeploy = aws("codedeploy")
    codedeploy.create_application(applicationName="web")
    group_id = codedeploy.create_deployment_group(
        applicationName="web", deploymentGroupName="prod", serviceRoleArn=role_arn,
        autoScalingGroups=["web-asg"], **FULL_GROUP)["deploymentGroupId"]
    info = codedeploy.get_deployment_group(applicationName="web",
                                           deploymentGroupName="prod")["deploymentGroupInfo"]
    assert info["deploymentGroupId"] == group_id
    assert info["serviceRoleArn"] == role_arn
    for key, value in FULL_GROUP.items():
        assert info[key] == value, key
    assert [a["name"] for a in info["autoScalingGroups"]] == ["web-asg"]
    assert info["computePlatform"] == "Server"


def test_deployment_group_defaults(aws, role_arn):
    """A minimal group reports OneAtATime, IN_PLACE without traffic control."""
    codedeploy = aws("codedeploy")
    codedeploy.create_application(applicationName="web")
    codedeploy.create_deployment_group(applicationName="web", deploymentGroupName="g",
                                       serviceRoleArn=role_arn)
    info = codedeploy.get_deployment_group(applicationName="web",
                                           deploymentGroupName="g")["deploymentGroupInfo"]
    assert info["deploymentConfigName"] == "CodeDeployDefault.OneAtATime"
    assert info["deploymentStyle"] == {"deploymentType": "IN_PLACE",
                                       "deploymentOption": "WITHOUT_TRAFFIC_CONTROL"}


def test_update_deployment_group_changes_only_given_fields_and_renames(aws, role_arn):
    """update_deployment_group keeps what it is not given, and can rename the group."""
    codedeploy = aws("codedeploy")
    codedeploy.create_application(applicationName="web")
    codedeploy.create_deployment_group(applicationName="web", deploymentGroupName="prod",
                                       serviceRoleArn=role_arn, **FULL_GROUP)
    codedeploy.update_deployment_group(applicationName="web", currentDeploymentGroupName="prod",
                                       newDeploymentGroupName="live",
                                       deploymentConfigName="CodeDeployDefault.AllAtOnce")
    info = codedeploy.get_deployment_group(applicationName="web",
                                           deploymentGroupName="live")["deploymentGroupInfo"]
    assert info["deploymentConfigName"] == "CodeDeployDefault.AllAtOnce"
    assert info["ec2TagSet"] == FULL_GROUP["ec2TagSet"]
    assert codedeploy.list_deployment_groups(applicationName="web")["deploymentGroups"] == ["live"]


@pytest.mark.parametrize("extra, code", [
    ({"ec2TagFilters": [{"Key": "a", "Value": "b", "Type": "KEY_AND_VALUE"}],
      "ec2TagSet": {"ec2TagSetList": [[{"Key": "a", "Type": "KEY_ONLY"}]]}},
     "InvalidEC2TagCombinationException"),
    ({"ec2TagSet": {"ec2TagSetList": [[{"Key": "a", "Type": "KEY_ONLY"}]] * 4}},
     "TagSetListLimitExceededException"),
    ({"deploymentConfigName": "nope"}, "DeploymentConfigDoesNotExistException"),
    ({"deploymentConfigName": "CodeDeployDefault.LambdaAllAtOnce"},
     "InvalidDeploymentConfigNameException"),
    ({"serviceRoleArn": "not-a-role"}, "InvalidRoleException"),
    ({"alarmConfiguration": {"enabled": True, "alarms": [{"name": f"a{i}"} for i in range(11)]}},
     "AlarmsLimitExceededException"),
])
def test_create_deployment_group_validation(aws, role_arn, extra, code):
    """Invalid groups get AWS's exception names."""
    codedeploy = aws("codedeploy")
    codedeploy.create_application(applicationName="web")
    kwargs = {"applicationName": "web", "deploymentGroupName": "g", "serviceRoleArn": role_arn,
              **extra}
    with pytest.raises(ClientError) as err:
        codedeploy.create_deployment_group(**kwargs)
    assert _error(err) == code


def test_resource_tags(aws, role_arn):
    """Tags on applications and deployment groups, by ARN."""
    codedeploy = aws("codedeploy")
    codedeploy.create_application(applicationName="web", tags=[{"Key": "team", "Value": "a"}])
    codedeploy.create_deployment_group(applicationName="web", deploymentGroupName="g",
                                       serviceRoleArn=role_arn)
    app_arn = "arn:aws:codedeploy:us-east-1:123456789012:application:web"
    group_arn = "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:web/g"
    assert codedeploy.list_tags_for_resource(ResourceArn=app_arn)["Tags"] == [
        {"Key": "team", "Value": "a"}]
    codedeploy.tag_resource(ResourceArn=group_arn, Tags=[{"Key": "x", "Value": "1"},
                                                         {"Key": "y", "Value": "2"}])
    codedeploy.untag_resource(ResourceArn=group_arn, TagKeys=["x"])
    assert codedeploy.list_tags_for_resource(ResourceArn=group_arn)["Tags"] == [
        {"Key": "y", "Value": "2"}]
    with pytest.raises(ClientError) as err:
        codedeploy.tag_resource(ResourceArn="arn:aws:s3:::bucket", Tags=[{"Key": "a",
                                                                        "Value": "b"}])
    assert _error(err) == "ArnNotSupportedException"


def _s3_revision(key: str, etag: str = "e1") -> dict:
    return {"revisionType": "S3", "s3Location": {"bucket": "bundles", "key": key,
                                                 "bundleType": "zip", "eTag": etag}}


def test_register_list_get_revisions(aws):
    """Registered revisions are listed (with filters) and described."""
    codedeploy = aws("codedeploy")
    codedeploy.create_application(applicationName="web")
    codedeploy.register_application_revision(applicationName="web", revision=_s3_revision("a.zip"),
                                             description="first")
    codedeploy.register_application_revision(applicationName="web",
                                             revision=_s3_revision("b/b.zip", "e2"))
    listed = codedeploy.list_application_revisions(applicationName="web", s3Bucket="bundles",
                                                   s3KeyPrefix="b/")["revisions"]
    assert [r["s3Location"]["key"] for r in listed] == ["b/b.zip"]
    got = codedeploy.get_application_revision(applicationName="web",
                                              revision=_s3_revision("a.zip"))
    assert got["revisionInfo"]["description"] == "first"
    assert got["revision"]["s3Location"]["eTag"] == "e1"
    with pytest.raises(ClientError) as err:
        codedeploy.get_application_revision(applicationName="web",
                                            revision=_s3_revision("c.zip"))
    assert _error(err) == "RevisionDoesNotExistException"
    with pytest.raises(ClientError) as err:
        codedeploy.register_application_revision(
            applicationName="web", revision={"revisionType": "S3", "s3Location": {
                "bucket": "bundles", "key": "x", "bundleType": "rar"}})
    assert _error(err) == "InvalidRevisionException"


def test_aws_deploy_push_zips_uploads_and_registers(aws, cli, tmp_path):
    """`aws deploy push` uploads a zip and registers it as a revision."""
    aws("s3").create_bucket(Bucket="bundles")
    aws("codedeploy").create_application(applicationName="web")
    (tmp_path / "appspec.yml").write_text("version: 0.0\nos: linux\n")
    (tmp_path / "index.html").write_text("hello")
    cli("deploy", "push", "--application-name", "web", "--s3-location", "s3://bundles/web.zip",
        "--source", str(tmp_path))
    revisions = aws("codedeploy").list_application_revisions(applicationName="web")["revisions"]
    assert len(revisions) == 1
    location = revisions[0]["s3Location"]
    assert (location["bucket"], location["key"], location["bundleType"]) == \
        ("bundles", "web.zip", "zip")
    head = aws("s3").head_object(Bucket="bundles", Key="web.zip")
    assert head["ETag"].strip('"') == location["eTag"].strip('"')


def test_on_premises_registration_rules(aws):
    """Exactly one of an IAM user ARN and an IAM session ARN is accepted."""
    codedeploy = aws("codedeploy")
    user = "arn:aws:iam::123456789012:user/onprem"
    session = "arn:aws:sts::123456789012:assumed-role/OnPrem/host1"
    with pytest.raises(ClientError) as err:
        codedeploy.register_on_premises_instance(instanceName="h1", iamUserArn=user,
                                                 iamSessionArn=session)
    assert _error(err) == "MultipleIamArnsProvidedException"
    with pytest.raises(ClientError) as err:
        codedeploy.register_on_premises_instance(instanceName="h1")
    assert _error(err) == "IamArnRequiredException"
    codedeploy.register_on_premises_instance(instanceName="h1", iamSessionArn=session)
    codedeploy.register_on_premises_instance(instanceName="h2", iamUserArn=user)
    with pytest.raises(ClientError) as err:
        codedeploy.register_on_premises_instance(instanceName="h3", iamSessionArn=session)
    assert _error(err) == "IamSessionArnAlreadyRegisteredException"
    info = codedeploy.get_on_premises_instance(instanceName="h1")["instanceInfo"]
    assert info["iamSessionArn"] == session and "iamUserArn" not in info


def test_on_premises_tags_list_and_deregister(aws):
    """Tags filter the list; deregistered instances are listed by status."""
    codedeploy = aws("codedeploy")
    for i in (1, 2):
        codedeploy.register_on_premises_instance(
            instanceName=f"h{i}", iamSessionArn=f"arn:aws:sts::123456789012:assumed-role/R/h{i}")
    codedeploy.add_tags_to_on_premises_instances(instanceNames=["h1"],
                                                 tags=[{"Key": "site", "Value": "lab"}])
    tagged = codedeploy.list_on_premises_instances(
        tagFilters=[{"Key": "site", "Value": "lab", "Type": "KEY_AND_VALUE"}])
    assert tagged["instanceNames"] == ["h1"]
    codedeploy.deregister_on_premises_instance(instanceName="h2")
    assert codedeploy.list_on_premises_instances(
        registrationStatus="Registered")["instanceNames"] == ["h1"]
    assert codedeploy.list_on_premises_instances(
        registrationStatus="Deregistered")["instanceNames"] == ["h2"]
    infos = codedeploy.batch_get_on_premises_instances(instanceNames=["h1", "h2"])["instanceInfos"]
    assert {i["instanceName"]: "deregisterTime" in i for i in infos} == {"h1": False, "h2": True}
    with pytest.raises(ClientError) as err:
        codedeploy.add_tags_to_on_premises_instances(instanceNames=["h2"],
                                                     tags=[{"Key": "a", "Value": "b"}])
    assert _error(err) == "InstanceNotRegisteredException"
    codedeploy.remove_tags_from_on_premises_instances(instanceNames=["h1"],
                                                      tags=[{"Key": "site", "Value": "lab"}])
    assert codedeploy.get_on_premises_instance(instanceName="h1")["instanceInfo"]["tags"] == []


def test_cli_on_premises_and_json_output(cli, aws):
    """The CLI registers an on-premises instance through the endpoint."""
    cli("deploy", "register-on-premises-instance", "--instance-name", "h9", "--iam-session-arn",
        "arn:aws:sts::123456789012:assumed-role/R/h9")
    out = cli("deploy", "list-on-premises-instances", "--output", "json")
    assert json.loads(out.stdout)["instanceNames"] == ["h9"]
