"""BlockTraffic / AllowTraffic: deregister and register an instance in the group's ELBv2 target
groups, with the deregistration delay and health checks as modelled durations."""

from __future__ import annotations

import logging
from collections.abc import Generator
from typing import Any

from helpers.offline.codedeploy.agent import AgentError
from helpers.offline.codedeploy.workflow import Timing

log = logging.getLogger(__name__)


class LoadBalancer:
    """The target groups of one deployment group (``loadBalancerInfo.targetGroupInfoList``)."""

    def __init__(self, endpoint: Any, info: dict[str, Any]) -> None:
        self.endpoint = endpoint
        self.names = [t["name"] for t in info.get("targetGroupInfoList") or []]
        self.classic = [e["name"] for e in info.get("elbInfoList") or []]

    def step(self, engine: Any, event: str, target: Any) -> Generator:
        """Deregister (BlockTraffic) or register (AllowTraffic) the instance."""
        if target.kind != "EC2":
            yield engine.env.timeout(Timing.EVENT)
            return
        modelled = Timing.DEREGISTRATION_DELAY if event == "BlockTraffic" else Timing.HEALTH_CHECK
        yield from engine.run_work(lambda: self._apply(event, target.target_id), modelled=modelled)

    def _apply(self, event: str, instance_id: str) -> None:
        elbv2 = self.endpoint.client("elbv2")
        for name in self.names:
            try:
                arn = elbv2.describe_target_groups(Names=[name])["TargetGroups"][0][
                    "TargetGroupArn"]
            except Exception:  # noqa: BLE001 - any lookup failure is the same learner error
                raise AgentError("UnknownError", f"The target group {name!r} of the deployment "
                                                 "group's loadBalancerInfo does not exist.") \
                    from None
            if event == "BlockTraffic":
                registered = [h["Target"]["Id"] for h in elbv2.describe_target_health(
                    TargetGroupArn=arn)["TargetHealthDescriptions"]]
                # Nothing to block on an instance that was never registered.
                if instance_id in registered:
                    elbv2.deregister_targets(TargetGroupArn=arn, Targets=[{"Id": instance_id}])
            else:
                elbv2.register_targets(TargetGroupArn=arn, Targets=[{"Id": instance_id}])
        if self.classic:
            elb = self.endpoint.client("elb")
            for name in self.classic:
                call = (elb.deregister_instances_from_load_balancer if event == "BlockTraffic"
                        else elb.register_instances_with_load_balancer)
                call(LoadBalancerName=name, Instances=[{"InstanceId": instance_id}])
