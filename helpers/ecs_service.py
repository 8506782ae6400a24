"""An ECS service behind an Application Load Balancer, ready for CodeDeploy blue/green.

Introduced in notebook 08. Everything goes through the public API (boto3 clients passed in):
a load balancer in the default VPC with a production listener (port 80) and a test listener
(port 8080), two target groups, a Fargate task definition, a cluster and a service with the
``CODE_DEPLOY`` deployment controller.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class EcsStack:
    """What :func:`create_ecs_stack` made (names and ARNs)."""

    cluster: str
    service: str
    load_balancer: str
    prod_listener: str
    test_listener: str
    target_groups: dict[str, str]  # name → ARN
    subnets: list[str]
    task_definition: str


def register_web_task_definition(ecs: Any, family: str, image: str,
                                 tags: list[dict[str, str]]) -> str:
    """A Fargate task definition with one container ``web`` on port 80; return its ARN."""
    return ecs.register_task_definition(
        family=family, requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256",
        memory="512", tags=[{"key": t["Key"], "value": t["Value"]} for t in tags],
        containerDefinitions=[{"name": "web", "image": image, "essential": True,
                               "portMappings": [{"containerPort": 80}]}])[
        "taskDefinition"]["taskDefinitionArn"]


def create_ecs_stack(ec2: Any, elbv2: Any, ecs: Any, name: str,
                     tags: list[dict[str, str]], image: str = "public.ecr.aws/nginx/nginx:1.27",
                     desired: int = 2) -> EcsStack:
    """Load balancer, two target groups (``<name>-blue`` serving, ``<name>-green``), prod and
    test listeners, cluster and CODE_DEPLOY service, all named ``name…``."""
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(
        Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]][:2]
    lb = elbv2.create_load_balancer(Name=name, Subnets=subnets, Tags=tags)["LoadBalancers"][0]
    groups = {}
    for colour in ("blue", "green"):
        groups[f"{name}-{colour}"] = elbv2.create_target_group(
            Name=f"{name}-{colour}", Protocol="HTTP", Port=80, VpcId=vpc["VpcId"],
            TargetType="ip", Tags=tags)["TargetGroups"][0]["TargetGroupArn"]
    blue = groups[f"{name}-blue"]
    prod, test = (elbv2.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=port,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": blue}])["Listeners"][0][
        "ListenerArn"] for port in (80, 8080))
    ecs.create_cluster(clusterName=name, tags=[{"key": t["Key"], "value": t["Value"]}
                                               for t in tags])
    task_definition = register_web_task_definition(ecs, name, image, tags)
    ecs.create_service(cluster=name, serviceName=name, taskDefinition=task_definition,
                       desiredCount=desired, launchType="FARGATE",
                       deploymentController={"type": "CODE_DEPLOY"},
                       loadBalancers=[{"targetGroupArn": blue, "containerName": "web",
                                       "containerPort": 80}],
                       networkConfiguration={"awsvpcConfiguration": {
                           "subnets": subnets, "assignPublicIp": "ENABLED"}})
    return EcsStack(name, name, lb["LoadBalancerArn"], prod, test, groups, subnets,
                    task_definition)


def listener_weights(elbv2: Any, listener_arn: str) -> dict[str, int]:
    """``{target group name: weight}`` of a listener's forward action (0-weight ones left out)."""
    action = elbv2.describe_listeners(ListenerArns=[listener_arn])["Listeners"][0][
        "DefaultActions"][0]
    forward = (action.get("ForwardConfig") or {}).get("TargetGroups") or [
        {"TargetGroupArn": action["TargetGroupArn"], "Weight": 100}]
    names = {tg["TargetGroupArn"]: tg["TargetGroupName"] for tg in elbv2.describe_target_groups(
        TargetGroupArns=[f["TargetGroupArn"] for f in forward])["TargetGroups"]}
    return {names[f["TargetGroupArn"]]: f["Weight"] for f in forward if f.get("Weight")}


def ecs_appspec(task_definition: str, container: str = "web", port: int = 80,
                hooks: dict[str, str] | None = None) -> str:
    """An ECS AppSpec (YAML) deploying ``task_definition`` behind the load balancer."""
    lines = ["version: 0.0", "Resources:", "  - TargetService:", "      Type: AWS::ECS::Service",
             "      Properties:", f"        TaskDefinition: \"{task_definition}\"",
             "        LoadBalancerInfo:", f"          ContainerName: \"{container}\"",
             f"          ContainerPort: {port}"]
    if hooks:
        lines += ["Hooks:", *(f"  - {event}: {fn}" for event, fn in hooks.items())]
    return "\n".join(lines) + "\n"
