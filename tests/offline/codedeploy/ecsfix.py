"""Test helpers for ECS deployments: a VPC's subnets, an ALB with prod and test listeners, two
target groups, a cluster, a CODE_DEPLOY service, task definitions, a deployment group."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Stack:
    """ARNs of what :func:`stack` made."""

    prod: str
    test: str
    blue: str
    green: str
    subnets: list[str]


def task_definition(aws, image: str = "nginx:1") -> str:
    """Register a revision of the ``web`` family; return its ARN."""
    return aws("ecs").register_task_definition(
        family="web", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256",
        memory="512", containerDefinitions=[{"name": "web", "image": image,
                                             "portMappings": [{"containerPort": 80}]}])[
        "taskDefinition"]["taskDefinitionArn"]


def stack(aws) -> Stack:
    """ALB ``web`` (prod :80 → tg-blue, test :8080 → tg-blue), cluster ``c``, service ``s``."""
    ec2, elb, ecs = aws("ec2"), aws("elbv2"), aws("ecs")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]][:2]
    lb = elb.create_load_balancer(Name="web", Subnets=subnets)["LoadBalancers"][0][
        "LoadBalancerArn"]
    blue, green = (elb.create_target_group(Name=n, Protocol="HTTP", Port=80, VpcId=vpc,
                                           TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
                   for n in ("tg-blue", "tg-green"))
    prod, test = (elb.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=port,
                                      DefaultActions=[{"Type": "forward",
                                                       "TargetGroupArn": blue}])["Listeners"][0][
        "ListenerArn"] for port in (80, 8080))
    ecs.create_cluster(clusterName="c")
    ecs.create_service(cluster="c", serviceName="s", taskDefinition=task_definition(aws),
                       desiredCount=2, launchType="FARGATE",
                       deploymentController={"type": "CODE_DEPLOY"},
                       loadBalancers=[{"targetGroupArn": blue, "containerName": "web",
                                       "containerPort": 80}],
                       networkConfiguration={"awsvpcConfiguration": {"subnets": subnets}})
    return Stack(prod, test, blue, green, subnets)


def group(aws, role_arn: str, st: Stack, config: str = "CodeDeployDefault.ECSAllAtOnce",
          test: bool = True, wait: int = 5, **extra) -> None:
    """Application ``svc-app`` (ECS) with group ``svc-group``."""
    codedeploy = aws("codedeploy")
    codedeploy.create_application(applicationName="svc-app", computePlatform="ECS")
    pair = {"targetGroups": [{"name": "tg-blue"}, {"name": "tg-green"}],
            "prodTrafficRoute": {"listenerArns": [st.prod]}}
    if test:
        pair["testTrafficRoute"] = {"listenerArns": [st.test]}
    codedeploy.create_deployment_group(
        applicationName="svc-app", deploymentGroupName="svc-group", serviceRoleArn=role_arn,
        deploymentConfigName=config,
        deploymentStyle={"deploymentType": "BLUE_GREEN",
                         "deploymentOption": "WITH_TRAFFIC_CONTROL"},
        blueGreenDeploymentConfiguration={
            "deploymentReadyOption": {"actionOnTimeout": "CONTINUE_DEPLOYMENT"},
            "terminateBlueInstancesOnDeploymentSuccess": {
                "action": "TERMINATE", "terminationWaitTimeInMinutes": wait}},
        ecsServices=[{"serviceName": "s", "clusterName": "c"}],
        loadBalancerInfo={"targetGroupPairInfoList": [pair]}, **extra)


def appspec(task_definition: str, hooks: dict[str, str] | None = None) -> str:
    """An ECS AppSpec deploying ``task_definition`` (container web:80)."""
    text = ("version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n"
            f"      Properties:\n        TaskDefinition: \"{task_definition}\"\n"
            "        LoadBalancerInfo:\n          ContainerName: \"web\"\n"
            "          ContainerPort: 80\n")
    if hooks:
        text += "Hooks:\n" + "".join(f"  - {k}: {v}\n" for k, v in hooks.items())
    return text


def deploy(aws, text: str, **kwargs) -> dict:
    """Deploy an AppSpecContent revision; return its DeploymentInfo after the endpoint settles."""
    codedeploy = aws("codedeploy")
    deployment_id = codedeploy.create_deployment(
        applicationName="svc-app", deploymentGroupName="svc-group",
        revision={"revisionType": "AppSpecContent", "appSpecContent": {"content": text}},
        **kwargs)["deploymentId"]
    return codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]


def weights(aws, listener: str) -> dict[str, int]:
    """``{target group ARN: weight}`` of a listener."""
    action = aws("elbv2").describe_listeners(ListenerArns=[listener])["Listeners"][0][
        "DefaultActions"][0]
    forward = (action.get("ForwardConfig") or {}).get("TargetGroups")
    if forward:
        return {tg["TargetGroupArn"]: tg["Weight"] for tg in forward if tg["Weight"]}
    return {action["TargetGroupArn"]: 100}


def target(aws, deployment_id: str) -> dict:
    """The ecsTarget of a deployment."""
    return aws("codedeploy").get_deployment_target(deploymentId=deployment_id,
                                                   targetId="c:s")["deploymentTarget"]
