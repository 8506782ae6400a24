"""Cleanup of what notebooks 07–09 create: Lambda functions, alarms, ECS, ELBv2."""

from __future__ import annotations

from helpers.cleanup import run
from helpers.cleanup.base import Scope
from helpers.cleanup.registry import resource_types
from tests.offline import functions

SERVICES = ("lambda", "cloudwatch", "ecs", "elbv2")


def test_cleanup_removes_functions_alarms_ecs_and_load_balancers(aws):
    """Everything named with the prefix goes; a function outside it stays."""
    functions.create(aws, "cdw-me-07-api", {"app.py": "def handler(e, c):\n    return 1\n"})
    functions.create(aws, "CodeDeployHook_cdw-me-07-pre", {"app.py": "def handler(e, c): 0\n"})
    functions.create(aws, "someone-else", {"app.py": "def handler(e, c): 0\n"})
    aws("cloudwatch").put_metric_alarm(
        AlarmName="cdw-me-09-errors", MetricName="Errors", Namespace="App", Statistic="Sum",
        Period=60, EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold")
    ec2, elb, ecs = aws("ec2"), aws("elbv2"), aws("ecs")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]][:2]
    lb = elb.create_load_balancer(Name="cdw-me-08-web", Subnets=subnets)["LoadBalancers"][0]
    tg = elb.create_target_group(Name="cdw-me-08-blue", Protocol="HTTP", Port=80, VpcId=vpc,
                                 TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    elb.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
                        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    ecs.create_cluster(clusterName="cdw-me-08")
    td = ecs.register_task_definition(
        family="cdw-me-08-web", requiresCompatibilities=["FARGATE"], networkMode="awsvpc",
        cpu="256", memory="512", containerDefinitions=[{"name": "web", "image": "nginx"}])[
        "taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(cluster="cdw-me-08", serviceName="web", taskDefinition=td, desiredCount=0,
                       launchType="FARGATE", deploymentController={"type": "CODE_DEPLOY"},
                       networkConfiguration={"awsvpcConfiguration": {"subnets": subnets}})
    report = run(aws, Scope(prefix="cdw-me-"),
                 [t for t in resource_types() if t.service in SERVICES])
    assert report.ok, report
    names = [f["FunctionName"] for f in aws("lambda").list_functions()["Functions"]]
    assert names == ["someone-else"]
    assert aws("cloudwatch").describe_alarms()["MetricAlarms"] == []
    assert elb.describe_load_balancers()["LoadBalancers"] == []
    assert elb.describe_target_groups()["TargetGroups"] == []
    clusters = ecs.describe_clusters(clusters=["cdw-me-08"])["clusters"]
    assert [c["status"] for c in clusters] in ([], ["INACTIVE"])
    assert ecs.list_task_definitions(status="ACTIVE")["taskDefinitionArns"] == []
