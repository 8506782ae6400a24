"""What an ECS deployment does to ECS and ELBv2, through the endpoint's own APIs (real work).

Every function here runs in the worker pool (``engine.run_work``): it calls the endpoint's ECS
and ELBv2 APIs (moto, shimmed), never moto internals. moto does not create the initial task set
of a ``CODE_DEPLOY`` service (AWS does); :func:`discover` creates it on the first deployment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from helpers.specs.appspec_compute import EcsSpec


class EcsProblem(Exception):
    """The deployment group or the AppSpec does not fit the ECS resources."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Layout:
    """The resources one ECS deployment works on."""

    cluster: str
    service: str
    service_arn: str
    target_groups: dict[str, str]  # ARN → name
    blue: str  # target group ARN serving production now
    green: str  # the other one: the replacement's
    prod: str
    test: str | None
    original: dict[str, Any]  # the original task set (ECS TaskSet)
    desired: int = 1
    network: dict[str, Any] | None = None
    launch_type: str = "FARGATE"
    extra: dict[str, Any] = field(default_factory=dict)


def weights(elb: Any, listener: str) -> dict[str, int]:
    """``{target group ARN: weight}`` of a listener's default forward action."""
    action = elb.describe_listeners(ListenerArns=[listener])["Listeners"][0]["DefaultActions"][0]
    forward = (action.get("ForwardConfig") or {}).get("TargetGroups")
    if forward:
        return {tg["TargetGroupArn"]: int(tg.get("Weight", 1)) for tg in forward}
    return {action["TargetGroupArn"]: 100} if action.get("TargetGroupArn") else {}


def _network(spec: EcsSpec, service: dict[str, Any]) -> dict[str, Any] | None:
    net = spec.network
    if isinstance(net, dict):
        vpc = {k.lower(): v for k, v in net.items()}.get("awsvpcconfiguration") or {}
        vpc = {k.lower(): v for k, v in vpc.items()}
        out = {"subnets": list(vpc.get("subnets") or [])}
        if vpc.get("securitygroups"):
            out["securityGroups"] = list(vpc["securitygroups"])
        if vpc.get("assignpublicip"):
            out["assignPublicIp"] = vpc["assignpublicip"]
        return {"awsvpcConfiguration": out}
    return service.get("networkConfiguration")


def discover(endpoint: Any, group: dict[str, Any], spec: EcsSpec) -> Layout:
    """Check the group's service, target groups, listeners and the AppSpec; find which target
    group serves production (blue) and the original task set."""
    ecs, elb = endpoint.client("ecs"), endpoint.client("elbv2")
    services = group.get("ecsServices") or []
    if not services:
        raise EcsProblem("INVALID_ECS_SERVICE", "The deployment group names no ECS service "
                                                "(ecsServices: [{serviceName, clusterName}]).")
    cluster, name = services[0]["clusterName"], services[0]["serviceName"]
    found = ecs.describe_services(cluster=cluster, services=[name])["services"]
    if not found or found[0].get("status") != "ACTIVE":
        raise EcsProblem("INVALID_ECS_SERVICE", f"ECS service {name} in cluster {cluster} does "
                                                "not exist.")
    service = found[0]
    if (service.get("deploymentController") or {}).get("type") != "CODE_DEPLOY":
        raise EcsProblem("INVALID_ECS_SERVICE", f"ECS service {name} does not use the CODE_DEPLOY "
                                                "deployment controller; create it with "
                                                "deploymentController={'type': 'CODE_DEPLOY'}.")
    try:
        task_def = ecs.describe_task_definition(taskDefinition=spec.task_definition)
    except ecs.exceptions.ClientException:
        raise EcsProblem("INVALID_REVISION", f"Task definition {spec.task_definition} does not "
                                             "exist: register it first.") from None
    containers = [c["name"] for c in task_def["taskDefinition"]["containerDefinitions"]]
    if spec.container_name not in containers:
        raise EcsProblem("INVALID_REVISION", f"The AppSpec's LoadBalancerInfo.ContainerName "
                                             f"{spec.container_name!r} is not a container of "
                                             f"{spec.task_definition} ({', '.join(containers)}).")
    pairs = (group.get("loadBalancerInfo") or {}).get("targetGroupPairInfoList") or []
    if not pairs or len(pairs[0].get("targetGroups") or []) != 2 or \
            not (pairs[0].get("prodTrafficRoute") or {}).get("listenerArns"):
        raise EcsProblem("MISSING_ELB_INFORMATION", "The deployment group needs "
                                                    "loadBalancerInfo.targetGroupPairInfoList with "
                                                    "two targetGroups and a prodTrafficRoute.")
    pair = pairs[0]
    names = [tg["name"] for tg in pair["targetGroups"]]
    try:
        tgs = elb.describe_target_groups(Names=names)["TargetGroups"]
    except elb.exceptions.TargetGroupNotFoundException:
        raise EcsProblem("ELASTIC_LOAD_BALANCING_INVALID", f"Target groups {names} do not all "
                                                           "exist.") from None
    arns = {tg["TargetGroupArn"]: tg["TargetGroupName"] for tg in tgs}
    prod = pair["prodTrafficRoute"]["listenerArns"][0]
    test = ((pair.get("testTrafficRoute") or {}).get("listenerArns") or [None])[0]
    live = weights(elb, prod)
    ordered = sorted(arns, key=lambda arn: (-live.get(arn, 0), names.index(arns[arn])))
    blue, green = ordered[0], ordered[1]
    network = _network(spec, service)
    layout = Layout(cluster, name, service["serviceArn"], arns, blue, green, prod, test, {},
                    desired=int(service.get("desiredCount") or 1), network=network,
                    launch_type=service.get("launchType") or "FARGATE")
    sets = [s for s in service.get("taskSets") or [] if s.get("status") in ("PRIMARY", "ACTIVE")]
    primary = next((s for s in sets if s["status"] == "PRIMARY"), sets[0] if sets else None)
    if primary is None:
        lb = (service.get("loadBalancers") or [{}])[0]
        primary = create_task_set(endpoint, layout, service["taskDefinition"], blue,
                                  lb.get("containerName") or spec.container_name,
                                  int(lb.get("containerPort") or spec.container_port))
        ecs.update_service_primary_task_set(cluster=cluster, service=name,
                                            primaryTaskSet=primary["taskSetArn"])
    layout.original = primary
    return layout


def create_task_set(endpoint: Any, layout: Layout, task_definition: str, target_group: str,
                    container: str, port: int) -> dict[str, Any]:
    """A task set at 100 % scale behind ``target_group``."""
    args: dict[str, Any] = {
        "cluster": layout.cluster, "service": layout.service, "taskDefinition": task_definition,
        "launchType": layout.launch_type if layout.launch_type == "FARGATE" else "FARGATE",
        "loadBalancers": [{"targetGroupArn": target_group, "containerName": container,
                           "containerPort": port}],
        "scale": {"value": 100, "unit": "PERCENT"}}
    if layout.network:
        args["networkConfiguration"] = layout.network
    return endpoint.client("ecs").create_task_set(**args)["taskSet"]


def route(endpoint: Any, listener: str, blue: str, green: str, green_percent: int) -> None:
    """Point a listener at both target groups with ``green_percent`` on green."""
    endpoint.client("elbv2").modify_listener(ListenerArn=listener, DefaultActions=[{
        "Type": "forward", "ForwardConfig": {"TargetGroups": [
            {"TargetGroupArn": blue, "Weight": 100 - green_percent},
            {"TargetGroupArn": green, "Weight": green_percent}]}}])


def make_primary(endpoint: Any, layout: Layout, task_set: dict[str, Any]) -> None:
    """The task set becomes the service's primary."""
    endpoint.client("ecs").update_service_primary_task_set(
        cluster=layout.cluster, service=layout.service, primaryTaskSet=task_set["taskSetArn"])


def delete_task_set(endpoint: Any, layout: Layout, task_set: dict[str, Any]) -> None:
    """Delete a task set (its tasks stop)."""
    endpoint.client("ecs").delete_task_set(cluster=layout.cluster, service=layout.service,
                                           taskSet=task_set["taskSetArn"], force=True)
