"""Elastic Load Balancing v2: load balancers (their listeners go with them), then target groups,
by name prefix. Runs after ECS services, which use the target groups."""

from __future__ import annotations

from typing import Any

from helpers.cleanup.base import ResourceType, Scope


def list_load_balancers(client: Any, scope: Scope) -> list[str]:
    """ARNs of load balancers named with the prefix."""
    return [lb["LoadBalancerArn"] for page in client.get_paginator(
        "describe_load_balancers").paginate() for lb in page["LoadBalancers"]
        if scope.matches_name(lb["LoadBalancerName"])]


def delete_load_balancer(client: Any, arn: str) -> None:
    """Delete a load balancer and its listeners."""
    for listener in client.describe_listeners(LoadBalancerArn=arn)["Listeners"]:
        client.delete_listener(ListenerArn=listener["ListenerArn"])
    client.delete_load_balancer(LoadBalancerArn=arn)


def list_target_groups(client: Any, scope: Scope) -> list[str]:
    """ARNs of target groups named with the prefix."""
    return [tg["TargetGroupArn"] for page in client.get_paginator(
        "describe_target_groups").paginate() for tg in page["TargetGroups"]
        if scope.matches_name(tg["TargetGroupName"])]


def delete_target_group(client: Any, arn: str) -> None:
    """Delete a target group (no listener may still use it)."""
    client.delete_target_group(TargetGroupArn=arn)


RESOURCE_TYPES = [
    ResourceType("ELB load balancer", "elbv2", list_load_balancers, delete_load_balancer,
                 order=50),
    ResourceType("ELB target group", "elbv2", list_target_groups, delete_target_group, order=55),
]
