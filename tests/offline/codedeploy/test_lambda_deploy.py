"""Lambda deployments: the AppSpec, AllowTraffic on the alias, the lambdaTarget (§A.4.3, §A.5)."""

from __future__ import annotations

from tests.offline.codedeploy import lambdas


def test_all_at_once_moves_the_alias(aws, role_arn):
    """AllAtOnce: the alias ends on the target version with no extra weights."""
    lambdas.function(aws)
    lambdas.group(aws, role_arn)
    info = lambdas.deploy(aws, lambdas.appspec())
    assert info["status"] == "Succeeded", info.get("errorInformation")
    assert info["computePlatform"] == "Lambda"
    assert info["deploymentStyle"]["deploymentType"] == "BLUE_GREEN"
    alias = aws("lambda").get_alias(FunctionName="api", Name="live")
    assert alias["FunctionVersion"] == "2"
    assert not (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights")


def test_lambda_target_lists_the_five_events(aws, role_arn):
    """deploymentTargetType LambdaTarget, with lambdaFunctionInfo and the five events."""
    lambdas.function(aws)
    lambdas.group(aws, role_arn)
    info = lambdas.deploy(aws, lambdas.appspec())
    target = lambdas.target(aws, info["deploymentId"])
    assert target["deploymentTargetType"] == "LambdaTarget"
    body = target["lambdaTarget"]
    assert body["targetId"] == "api:live"
    assert body["status"] == "Succeeded"
    assert [e["lifecycleEventName"] for e in body["lifecycleEvents"]] == [
        "Start", "BeforeAllowTraffic", "AllowTraffic", "AfterAllowTraffic", "End"]
    assert all(e["status"] == "Succeeded" for e in body["lifecycleEvents"])
    assert body["lambdaFunctionInfo"] == {"functionName": "api", "functionAlias": "live",
                                          "currentVersion": "1", "targetVersion": "2",
                                          "targetVersionWeight": 1.0}
    batch = aws("codedeploy").batch_get_deployment_targets(
        deploymentId=info["deploymentId"], targetIds=["api:live"])["deploymentTargets"]
    assert batch[0]["lambdaTarget"]["targetId"] == "api:live"


def test_json_appspec_with_lower_case_keys(aws, role_arn):
    """JSON, and the lower-case keys of the structure page, are accepted."""
    lambdas.function(aws)
    lambdas.group(aws, role_arn)
    text = ('{"version": 0.0, "resources": [{"fn": {"type": "AWS::Lambda::Function", '
            '"properties": {"name": "api", "alias": "live", "currentversion": 1, '
            '"targetversion": 2}}}]}')
    assert lambdas.deploy(aws, text)["status"] == "Succeeded"
    assert aws("lambda").get_alias(FunctionName="api", Name="live")["FunctionVersion"] == "2"


def test_appspec_from_s3_yaml_object(aws, role_arn):
    """An S3 revision with bundleType YAML is the AppSpec itself."""
    lambdas.function(aws)
    lambdas.group(aws, role_arn)
    aws("s3").create_bucket(Bucket="specs")
    aws("s3").put_object(Bucket="specs", Key="appspec.yaml", Body=lambdas.appspec().encode())
    codedeploy = aws("codedeploy")
    deployment_id = codedeploy.create_deployment(
        applicationName="fn-app", deploymentGroupName="fn-group",
        revision={"revisionType": "S3", "s3Location": {"bucket": "specs", "key": "appspec.yaml",
                                                       "bundleType": "YAML"}})["deploymentId"]
    info = codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]
    assert info["status"] == "Succeeded", info.get("errorInformation")


def test_bad_appspec_fails_with_invalid_revision(aws, role_arn):
    """A version that is not a number fails the deployment with a message naming the key."""
    lambdas.function(aws)
    lambdas.group(aws, role_arn)
    info = lambdas.deploy(aws, lambdas.appspec(target="$LATEST"))
    assert info["status"] == "Failed"
    assert info["errorInformation"]["code"] == "INVALID_REVISION"
    assert "TargetVersion" in info["errorInformation"]["message"]


def test_missing_version_fails(aws, role_arn):
    """A target version that was never published: INVALID_LAMBDA_CONFIGURATION."""
    lambdas.function(aws)
    lambdas.group(aws, role_arn)
    info = lambdas.deploy(aws, lambdas.appspec(target="7"))
    assert info["status"] == "Failed"
    assert info["errorInformation"]["code"] == "INVALID_LAMBDA_CONFIGURATION"
    assert aws("lambda").get_alias(FunctionName="api", Name="live")["FunctionVersion"] == "1"


def test_appspec_in_a_zip_in_s3(aws, role_arn):
    """An S3 zip revision with appspec.yaml at its root; a zip without one fails clearly."""
    import io
    import zipfile

    lambdas.function(aws)
    lambdas.group(aws, role_arn)
    s3, codedeploy = aws("s3"), aws("codedeploy")
    s3.create_bucket(Bucket="specs")
    for key, name in (("good.zip", "appspec.yaml"), ("bad.zip", "other.yaml")):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as archive:
            archive.writestr(name, lambdas.appspec())
        s3.put_object(Bucket="specs", Key=key, Body=buf.getvalue())
    infos = {}
    for key in ("good.zip", "bad.zip"):
        deployment_id = codedeploy.create_deployment(
            applicationName="fn-app", deploymentGroupName="fn-group",
            revision={"revisionType": "S3", "s3Location": {"bucket": "specs", "key": key,
                                                           "bundleType": "zip"}})["deploymentId"]
        infos[key] = codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]
    assert infos["good.zip"]["status"] == "Succeeded"
    assert infos["bad.zip"]["status"] == "Failed"
    assert "no appspec.yaml at its root" in infos["bad.zip"]["errorInformation"]["message"]


def test_lambda_group_defaults_to_blue_green(aws, role_arn):
    """A Lambda group created without deploymentStyle reports BLUE_GREEN with traffic control."""
    codedeploy = aws("codedeploy")
    codedeploy.create_application(applicationName="plain", computePlatform="Lambda")
    codedeploy.create_deployment_group(applicationName="plain", deploymentGroupName="g",
                                       serviceRoleArn=role_arn)
    group = codedeploy.get_deployment_group(applicationName="plain",
                                            deploymentGroupName="g")["deploymentGroupInfo"]
    assert group["deploymentStyle"] == {"deploymentType": "BLUE_GREEN",
                                        "deploymentOption": "WITH_TRAFFIC_CONTROL"}
    assert group["deploymentConfigName"] == "CodeDeployDefault.LambdaAllAtOnce"
