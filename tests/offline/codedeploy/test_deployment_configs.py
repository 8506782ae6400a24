"""Deployment configurations on the offline endpoint (aws-semantics.md §A.2)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

PREDEFINED = {
    "CodeDeployDefault.OneAtATime", "CodeDeployDefault.HalfAtATime", "CodeDeployDefault.AllAtOnce",
    "CodeDeployDefault.LambdaCanary10Percent5Minutes",
    "CodeDeployDefault.LambdaCanary10Percent10Minutes",
    "CodeDeployDefault.LambdaCanary10Percent15Minutes",
    "CodeDeployDefault.LambdaCanary10Percent30Minutes",
    "CodeDeployDefault.LambdaLinear10PercentEvery1Minute",
    "CodeDeployDefault.LambdaLinear10PercentEvery2Minutes",
    "CodeDeployDefault.LambdaLinear10PercentEvery3Minutes",
    "CodeDeployDefault.LambdaLinear10PercentEvery10Minutes",
    "CodeDeployDefault.LambdaAllAtOnce",
    "CodeDeployDefault.ECSLinear10PercentEvery1Minutes",
    "CodeDeployDefault.ECSLinear10PercentEvery3Minutes",
    "CodeDeployDefault.ECSCanary10Percent5Minutes",
    "CodeDeployDefault.ECSCanary10Percent15Minutes",
    "CodeDeployDefault.ECSAllAtOnce",
}

ONE = {"type": "HOST_COUNT", "value": 1}
PCT100 = {"type": "FLEET_PERCENT", "value": 100}


def _canary(percent, minutes):
    return {"type": "TimeBasedCanary",
            "timeBasedCanary": {"canaryPercentage": percent, "canaryInterval": minutes}}


def _linear(percent, minutes):
    return {"type": "TimeBasedLinear",
            "timeBasedLinear": {"linearPercentage": percent, "linearInterval": minutes}}


def _error(excinfo: pytest.ExceptionInfo) -> str:
    return excinfo.value.response["Error"]["Code"]


def _all_names(codedeploy) -> list[str]:
    names, kwargs = [], {}
    while True:
        page = codedeploy.list_deployment_configs(**kwargs)
        names += page["deploymentConfigsList"]
        if "nextToken" not in page:
            return names
        kwargs = {"nextToken": page["nextToken"]}


def test_lists_all_seventeen_predefined_configs(aws):
    """A fresh account lists exactly the 17 predefined configurations."""
    assert set(_all_names(aws("codedeploy"))) == PREDEFINED


@pytest.mark.parametrize("name, hosts", [
    ("CodeDeployDefault.OneAtATime", {"type": "MOST_CONCURRENCY", "value": 1}),
    ("CodeDeployDefault.HalfAtATime", {"type": "FLEET_PERCENT", "value": 50}),
    ("CodeDeployDefault.AllAtOnce", {"type": "FLEET_PERCENT", "value": 0}),
])
def test_server_predefined_minimum_healthy_hosts(aws, name, hosts):
    """Server configs report their minimum healthy hosts and the Server platform."""
    codedeploy = aws("codedeploy")
    info = codedeploy.get_deployment_config(deploymentConfigName=name)["deploymentConfigInfo"]
    assert info["minimumHealthyHosts"] == hosts
    assert info["computePlatform"] == "Server"
    assert info["deploymentConfigName"] == name
    assert info["deploymentConfigId"] and info["createTime"]
    assert "trafficRoutingConfig" not in info


@pytest.mark.parametrize("name, platform, routing", [
    ("CodeDeployDefault.LambdaCanary10Percent30Minutes", "Lambda",
     _canary(10, 30)),
    ("CodeDeployDefault.LambdaLinear10PercentEvery1Minute", "Lambda",
     _linear(10, 1)),
    ("CodeDeployDefault.LambdaAllAtOnce", "Lambda", {"type": "AllAtOnce"}),
    ("CodeDeployDefault.ECSLinear10PercentEvery3Minutes", "ECS",
     _linear(10, 3)),
    ("CodeDeployDefault.ECSCanary10Percent15Minutes", "ECS",
     _canary(10, 15)),
    ("CodeDeployDefault.ECSAllAtOnce", "ECS", {"type": "AllAtOnce"}),
])
def test_lambda_and_ecs_predefined_traffic_routing(aws, name, platform, routing):
    """Lambda and ECS configs report their traffic routing exactly."""
    codedeploy = aws("codedeploy")
    info = codedeploy.get_deployment_config(deploymentConfigName=name)["deploymentConfigInfo"]
    assert info["trafficRoutingConfig"] == routing
    assert info["computePlatform"] == platform


def test_create_get_delete_custom_server_config(aws):
    """A custom Server config can be created, read back, listed and deleted."""
    codedeploy = aws("codedeploy")
    created = codedeploy.create_deployment_config(
        deploymentConfigName="ThreeQuartersHealthy",
        minimumHealthyHosts={"type": "FLEET_PERCENT", "value": 75})
    info = codedeploy.get_deployment_config(
        deploymentConfigName="ThreeQuartersHealthy")["deploymentConfigInfo"]
    assert info["deploymentConfigId"] == created["deploymentConfigId"]
    assert info["minimumHealthyHosts"] == {"type": "FLEET_PERCENT", "value": 75}
    assert info["computePlatform"] == "Server"
    assert "ThreeQuartersHealthy" in _all_names(codedeploy)
    codedeploy.delete_deployment_config(deploymentConfigName="ThreeQuartersHealthy")
    with pytest.raises(ClientError) as err:
        codedeploy.get_deployment_config(deploymentConfigName="ThreeQuartersHealthy")
    assert _error(err) == "DeploymentConfigDoesNotExistException"


def test_custom_lambda_canary_and_zonal_server_configs(aws):
    """Lambda routing and a Server zonal config are kept as given."""
    codedeploy = aws("codedeploy")
    routing = {"type": "TimeBasedCanary",
               "timeBasedCanary": {"canaryPercentage": 25, "canaryInterval": 45}}
    codedeploy.create_deployment_config(deploymentConfigName="Canary25", computePlatform="Lambda",
                                        trafficRoutingConfig=routing)
    zonal = {"firstZoneMonitorDurationInSeconds": 600, "monitorDurationInSeconds": 300,
             "minimumHealthyHostsPerZone": {"type": "HOST_COUNT", "value": 1}}
    codedeploy.create_deployment_config(deploymentConfigName="Zonal",
                                        minimumHealthyHosts={"type": "HOST_COUNT", "value": 2},
                                        zonalConfig=zonal)
    get = codedeploy.get_deployment_config
    assert get(deploymentConfigName="Canary25")["deploymentConfigInfo"]["trafficRoutingConfig"] \
        == routing
    assert get(deploymentConfigName="Zonal")["deploymentConfigInfo"]["zonalConfig"] == zonal


@pytest.mark.parametrize("kwargs, code", [
    ({"deploymentConfigName": "CodeDeployDefault.Mine",
      "minimumHealthyHosts": ONE},
     "InvalidDeploymentConfigNameException"),
    ({"deploymentConfigName": "bad name!", "minimumHealthyHosts": ONE},
     "InvalidDeploymentConfigNameException"),
    ({"deploymentConfigName": "x" * 101, "minimumHealthyHosts": ONE},
     "InvalidDeploymentConfigNameException"),
    ({"deploymentConfigName": "p100", "minimumHealthyHosts": PCT100},
     "InvalidMinimumHealthyHostValueException"),
    ({"deploymentConfigName": "neg", "minimumHealthyHosts": {"type": "HOST_COUNT", "value": -1}},
     "InvalidMinimumHealthyHostValueException"),
    ({"deploymentConfigName": "nohosts"}, "InvalidMinimumHealthyHostValueException"),
    ({"deploymentConfigName": "lam100", "computePlatform": "Lambda",
      "trafficRoutingConfig": {"type": "TimeBasedLinear",
                               "timeBasedLinear": {"linearPercentage": 100, "linearInterval": 1}}},
     "InvalidTrafficRoutingConfigurationException"),
    ({"deploymentConfigName": "toolong", "computePlatform": "Lambda",
      "trafficRoutingConfig": {"type": "TimeBasedLinear",
                               "timeBasedLinear": {"linearPercentage": 10, "linearInterval": 321}}},
     "InvalidTrafficRoutingConfigurationException"),
    ({"deploymentConfigName": "canarylong", "computePlatform": "ECS",
      "trafficRoutingConfig": {"type": "TimeBasedCanary",
                               "timeBasedCanary": _canary(10, 2881)["timeBasedCanary"]}},
     "InvalidTrafficRoutingConfigurationException"),
    ({"deploymentConfigName": "zonal-lambda", "computePlatform": "Lambda",
      "trafficRoutingConfig": {"type": "AllAtOnce"},
      "zonalConfig": {"monitorDurationInSeconds": 60}},
     "InvalidZonalDeploymentConfigurationException"),
    ({"deploymentConfigName": "zonal-pct", "minimumHealthyHosts": ONE,
      "zonalConfig": {"minimumHealthyHostsPerZone": PCT100}},
     "InvalidZonalDeploymentConfigurationException"),
])
def test_create_rejects_invalid_input_with_aws_exception(aws, kwargs, code):
    """Bad input gets AWS's exception name."""
    with pytest.raises(ClientError) as err:
        aws("codedeploy").create_deployment_config(**kwargs)
    assert _error(err) == code


def test_linear_at_the_2880_minute_limit_is_allowed(aws):
    """10% every 320 minutes shifts over 9 x 320 = 2880 minutes: exactly the limit."""
    aws("codedeploy").create_deployment_config(
        deploymentConfigName="edge", computePlatform="Lambda",
        trafficRoutingConfig={"type": "TimeBasedLinear",
                              "timeBasedLinear": {"linearPercentage": 10, "linearInterval": 320}})


def test_duplicate_name_is_rejected(aws):
    """Creating a config twice raises DeploymentConfigAlreadyExistsException."""
    codedeploy = aws("codedeploy")
    hosts = {"type": "HOST_COUNT", "value": 1}
    codedeploy.create_deployment_config(deploymentConfigName="dup", minimumHealthyHosts=hosts)
    with pytest.raises(ClientError) as err:
        codedeploy.create_deployment_config(deploymentConfigName="dup", minimumHealthyHosts=hosts)
    assert _error(err) == "DeploymentConfigAlreadyExistsException"


def test_limit_of_200_custom_configs_and_pagination(aws):
    """The 201st custom config is refused; the list pages through all 217 names."""
    codedeploy = aws("codedeploy")
    hosts = {"type": "HOST_COUNT", "value": 0}
    for i in range(200):
        codedeploy.create_deployment_config(deploymentConfigName=f"c{i:03d}",
                                            minimumHealthyHosts=hosts)
    with pytest.raises(ClientError) as err:
        codedeploy.create_deployment_config(deploymentConfigName="one-too-many",
                                            minimumHealthyHosts=hosts)
    assert _error(err) == "DeploymentConfigLimitExceededException"
    first = codedeploy.list_deployment_configs()
    assert "nextToken" in first and len(first["deploymentConfigsList"]) < 217
    names = _all_names(codedeploy)
    assert len(names) == len(set(names)) == 217


def test_invalid_next_token(aws):
    """A made-up nextToken raises InvalidNextTokenException."""
    with pytest.raises(ClientError) as err:
        aws("codedeploy").list_deployment_configs(nextToken="not-a-token")
    assert _error(err) == "InvalidNextTokenException"


def test_deleting_a_predefined_config_is_invalid(aws):
    """Predefined configs cannot be deleted."""
    with pytest.raises(ClientError) as err:
        aws("codedeploy").delete_deployment_config(deploymentConfigName="CodeDeployDefault.AllAtOnce")
    assert _error(err) == "InvalidOperationException"


def test_get_unknown_config(aws):
    """An unknown name raises DeploymentConfigDoesNotExistException."""
    with pytest.raises(ClientError) as err:
        aws("codedeploy").get_deployment_config(deploymentConfigName="nope")
    assert _error(err) == "DeploymentConfigDoesNotExistException"


def test_cli_lists_deployment_configs(cli):
    """`aws deploy list-deployment-configs` works against the endpoint."""
    out = cli("deploy", "list-deployment-configs", "--output", "json")
    assert set(json.loads(out.stdout)["deploymentConfigsList"]) == PREDEFINED


def test_config_used_by_a_group_cannot_be_deleted(aws, role_arn):
    """A config named by a deployment group raises DeploymentConfigInUseException."""
    codedeploy = aws("codedeploy")
    codedeploy.create_deployment_config(deploymentConfigName="mine",
                                        minimumHealthyHosts={"type": "HOST_COUNT", "value": 0})
    codedeploy.create_application(applicationName="app")
    codedeploy.create_deployment_group(applicationName="app", deploymentGroupName="dg",
                                       deploymentConfigName="mine", serviceRoleArn=role_arn)
    with pytest.raises(ClientError) as err:
        codedeploy.delete_deployment_config(deploymentConfigName="mine")
    assert _error(err) == "DeploymentConfigInUseException"
    codedeploy.delete_deployment_group(applicationName="app", deploymentGroupName="dg")
    codedeploy.delete_deployment_config(deploymentConfigName="mine")
    assert "mine" not in _all_names(codedeploy)
