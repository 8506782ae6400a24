"""Elastic Load Balancing v2 (notebook 06): load balancers, then target groups, by name prefix.

Both take tags, but their names are short and always carry the prefix (``wb.name("alb")``),
so the prefix finds them without a tag call per resource. A load balancer goes with its
listeners; a target group can go once no listener forwards to it, so it comes second.
"""

from __future__ import annotations

from typing import Any

from helpers.cleanup.base import ResourceType, Scope


def list_load_balancers(elbv2: Any, scope: Scope) -> list[str]:
    """ARNs of the load balancers whose names start with the prefix."""
    return [lb["LoadBalancerArn"]
            for page in elbv2.get_paginator("describe_load_balancers").paginate()
            for lb in page["LoadBalancers"] if scope.matches_name(lb["LoadBalancerName"])]


def delete_load_balancer(elbv2: Any, arn: str) -> None:
    """Delete a load balancer (its listeners go with it)."""
    elbv2.delete_load_balancer(LoadBalancerArn=arn)


def list_target_groups(elbv2: Any, scope: Scope) -> list[str]:
    """ARNs of the target groups whose names start with the prefix."""
    return [tg["TargetGroupArn"]
            for page in elbv2.get_paginator("describe_target_groups").paginate()
            for tg in page["TargetGroups"] if scope.matches_name(tg["TargetGroupName"])]


def delete_target_group(elbv2: Any, arn: str) -> None:
    """Delete a target group."""
    elbv2.delete_target_group(TargetGroupArn=arn)


RESOURCE_TYPES = [
    ResourceType("ELB load balancer", "elbv2", list_load_balancers, delete_load_balancer,
                 order=60),
    ResourceType("ELB target group", "elbv2", list_target_groups, delete_target_group,
                 order=70),
]
