"""Cleanup of load balancers and target groups by name prefix."""

from __future__ import annotations

from helpers.cleanup import elbv2 as cleanup
from helpers.cleanup.base import Scope


def test_cleanup_deletes_prefixed_load_balancer_and_target_group(aws):
    """The prefixed ALB (with its listener) and target group go; others stay."""
    ec2, elbv2 = aws("ec2"), aws("elbv2")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:2]
    tgs = {name: elbv2.create_target_group(Name=name, Protocol="HTTP", Port=80, VpcId=vpc)[
        "TargetGroups"][0]["TargetGroupArn"] for name in ("cdw-me-tg", "keep-tg")}
    alb = elbv2.create_load_balancer(Name="cdw-me-alb", Subnets=subnets)["LoadBalancers"][0]
    elbv2.create_listener(LoadBalancerArn=alb["LoadBalancerArn"], Protocol="HTTP", Port=80,
                          DefaultActions=[{"Type": "forward",
                                           "TargetGroupArn": tgs["cdw-me-tg"]}])
    scope = Scope(prefix="cdw-me-")
    for kind in sorted(cleanup.RESOURCE_TYPES, key=lambda t: t.order):
        for ident in kind.list_fn(elbv2, scope):
            kind.delete_fn(elbv2, ident)
    assert elbv2.describe_load_balancers()["LoadBalancers"] == []
    assert [t["TargetGroupName"] for t in elbv2.describe_target_groups()["TargetGroups"]] == [
        "keep-tg"]
