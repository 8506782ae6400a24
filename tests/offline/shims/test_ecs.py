"""Contract and fix of the ECS shim: awsvpc without securityGroups, containers without memory."""

from __future__ import annotations

import inspect
from types import SimpleNamespace

import pytest
from botocore.exceptions import ClientError
from moto.ec2.exceptions import InvalidSubnetIdError
from moto.ec2.models import ec2_backends
from moto.ecs.models import EC2ContainerServiceBackend, Service, Task

from helpers.offline.shims import ecs as shim

ACCOUNT = "123456789012"


@pytest.fixture
def net(aws):
    """A VPC with one subnet, a cluster, and an awsvpc task definition (container w/o memory)."""
    ec2, ecs = aws("ec2"), aws("ecs")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    default_group = ec2.describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]},
    ])["SecurityGroups"][0]["GroupId"]
    ecs.create_cluster(clusterName="lab")
    ecs.register_task_definition(
        family="web", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256",
        memory="512", containerDefinitions=[{"name": "app", "image": "nginx", "essential": True}])
    network = {"awsvpcConfiguration": {"subnets": [subnet], "assignPublicIp": "DISABLED"}}
    return SimpleNamespace(ec2=ec2, ecs=ecs, subnet=subnet, group=default_group, network=network)


def test_contract_moto_methods_keep_their_shape():
    """The three moto internals the shim wraps still take what the shim passes."""
    shim.install()
    validate = inspect.unwrap(Service._validate_network)
    assert list(inspect.signature(validate).parameters) == ["self", "nc"]
    params = inspect.signature(inspect.unwrap(Task.__init__)).parameters
    assert list(params)[:6] == ["self", "cluster", "task_definition", "container_instance_arn",
                                "resource_requirements", "backend"]
    assert "networking_configuration" in params
    calculate = inspect.unwrap(EC2ContainerServiceBackend._calculate_task_resource_requirements)
    assert isinstance(inspect.getattr_static(
        EC2ContainerServiceBackend, "_calculate_task_resource_requirements"), staticmethod)
    # moto reads nothing but container_definitions from the task definition
    needs = calculate(SimpleNamespace(container_definitions=[{"memory": 5, "cpu": 2}]))
    assert (needs["CPU"], needs["MEMORY"]) == (2, 5)


def test_contract_ec2_lookups():
    """get_subnet raises InvalidSubnetIdError; get_default_security_group finds "default"."""
    ec2 = ec2_backends[ACCOUNT]["us-east-1"]
    with pytest.raises(InvalidSubnetIdError):
        ec2.get_subnet("subnet-00000000")
    subnet = next(iter(ec2.get_default_subnets().values()))
    assert ec2.get_subnet(subnet.id) is subnet
    assert ec2.get_default_security_group(subnet.vpc_id).name == "default"


def test_install_is_idempotent():
    """Installing twice wraps each moto method once."""
    shim.install()
    before = (Service._validate_network, Task.__init__)
    shim.install()
    assert (Service._validate_network, Task.__init__) == before


def test_create_service_without_security_groups(net):
    """create_service succeeds and echoes the network configuration as sent."""
    service = net.ecs.create_service(cluster="lab", serviceName="web", taskDefinition="web",
                                     desiredCount=1, launchType="FARGATE",
                                     networkConfiguration=net.network)["service"]
    assert service["status"] == "ACTIVE"
    assert service["networkConfiguration"]["awsvpcConfiguration"]["subnets"] == [net.subnet]
    assert "securityGroups" not in service["networkConfiguration"]["awsvpcConfiguration"]


def test_run_task_uses_the_vpc_default_security_group(net):
    """run_task makes the task's network interface in the VPC's default security group."""
    task = net.ecs.run_task(cluster="lab", taskDefinition="web", launchType="FARGATE",
                            networkConfiguration=net.network)["tasks"][0]
    details = {d["name"]: d.get("value") for d in task["attachments"][0]["details"]}
    eni = net.ec2.describe_network_interfaces(
        NetworkInterfaceIds=[details["networkInterfaceId"]])["NetworkInterfaces"][0]
    assert [g["GroupId"] for g in eni["Groups"]] == [net.group]
    assert eni["SubnetId"] == net.subnet


def test_create_task_set_with_scale_runs_tasks(net):
    """create_task_set with a scale (which runs tasks) succeeds without securityGroups."""
    net.ecs.create_service(cluster="lab", serviceName="bg", taskDefinition="web", desiredCount=2,
                           deploymentController={"type": "EXTERNAL"})
    task_set = net.ecs.create_task_set(cluster="lab", service="bg", taskDefinition="web",
                                       launchType="FARGATE", networkConfiguration=net.network,
                                       scale={"value": 100, "unit": "PERCENT"})["taskSet"]
    assert task_set["status"] == "ACTIVE"
    assert len(net.ecs.list_tasks(cluster="lab")["taskArns"]) == 2


def test_given_security_groups_are_kept(net):
    """A security group the caller names is the one the task's interface gets."""
    group = net.ec2.create_security_group(GroupName="web", Description="web",
                                          VpcId=net.ec2.describe_subnets(
                                              SubnetIds=[net.subnet])["Subnets"][0]["VpcId"])
    network = {"awsvpcConfiguration": {"subnets": [net.subnet],
                                       "securityGroups": [group["GroupId"]]}}
    task = net.ecs.run_task(cluster="lab", taskDefinition="web", launchType="FARGATE",
                            networkConfiguration=network)["tasks"][0]
    details = {d["name"]: d.get("value") for d in task["attachments"][0]["details"]}
    eni = net.ec2.describe_network_interfaces(
        NetworkInterfaceIds=[details["networkInterfaceId"]])["NetworkInterfaces"][0]
    assert [g["GroupId"] for g in eni["Groups"]] == [group["GroupId"]]


def test_bad_subnet_is_still_reported(net):
    """An unknown subnet still answers moto's InvalidParameterException, not a 500."""
    network = {"awsvpcConfiguration": {"subnets": ["subnet-00000000"]}}
    with pytest.raises(ClientError) as info:
        net.ecs.create_service(cluster="lab", serviceName="web", taskDefinition="web",
                               desiredCount=1, launchType="FARGATE", networkConfiguration=network)
    assert info.value.response["Error"]["Code"] == "InvalidParameterException"
    assert "subnet-00000000" in info.value.response["Error"]["Message"]


def test_contract_network_interface_dns_name_is_optional():
    """moto sets private_dns_name only with DNS hostnames on; the shim gives the class a default."""
    from moto.ec2.models.elastic_network_interfaces import NetworkInterface

    shim.install()
    assert vars(NetworkInterface)["private_dns_name"] is None
    source = inspect.getsource(NetworkInterface.__init__)
    assert "enable_dns_hostnames" in source and "self.private_dns_name =" in source
