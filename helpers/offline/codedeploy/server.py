"""The EC2/on-premises in-place strategy: targets, and the minimum-healthy-hosts window, one
Availability Zone at a time under a zonal configuration (§A.2.4, §A.3)."""

from __future__ import annotations

import logging
from collections.abc import Generator
from typing import Any

from helpers.offline.codedeploy import scheduler, targets, traffic
from helpers.offline.codedeploy.deployments import LifecycleEvent, Target
from helpers.offline.codedeploy.lifecycle import ALLOW, BLOCK, IN_PLACE, InstanceLifecycle
from helpers.offline.codedeploy.workflow import DeploymentWorkflow, strategy

log = logging.getLogger(__name__)


def event_names(group: dict[str, Any]) -> tuple[str, ...]:
    """The in-place events, with the traffic events when a load balancer is configured."""
    style = group.get("deploymentStyle") or {}
    if style.get("deploymentOption") == "WITH_TRAFFIC_CONTROL" and group.get("loadBalancerInfo"):
        return BLOCK + IN_PLACE + ALLOW
    return IN_PLACE


@strategy("Server")
def server_strategy(workflow: DeploymentWorkflow) -> Any:
    """In-place or blue/green, by the group's deployment style."""
    if (workflow.group.get("deploymentStyle") or {}).get("deploymentType") == "BLUE_GREEN":
        from helpers.offline.codedeploy.bluegreen import BlueGreen

        return BlueGreen(workflow)
    return ServerInPlace(workflow)


class ServerInPlace:
    """Deploy a revision to every targeted instance, as many at once as the minimum allows."""

    def __init__(self, workflow: DeploymentWorkflow) -> None:
        self.wf = workflow
        self.engine = workflow.engine
        self.d = workflow.deployment
        self.lifecycle = InstanceLifecycle(workflow)

    def execute(self) -> Generator:
        """Prepare, check the start conditions, then run the instance window."""
        wf, d = self.wf, self.d
        ep, group = wf.endpoint, wf.group
        onprem = [dict(i) for i in wf.backend.onprem.values()]
        config = wf.backend.get_config(d.config_name)
        zonal = bool(config.get("zonalConfig"))

        def prepare() -> tuple[Any, list[targets.Candidate]]:
            problem = targets.role_problem(ep.client("iam"), group["serviceRoleArn"])
            if problem:
                return problem, []
            found = targets.discover(ep.client("ec2"), ep.client("autoscaling"), group, onprem,
                                     wf.region, wf.account, zones=zonal)
            return None, found
        problem, found = yield from self.engine.run_work(prepare, modelled=0)
        if problem:
            wf.finish("Failed", *problem)
            return
        required = scheduler.required_healthy(len(found), config["minimumHealthyHosts"])
        error = scheduler.start_error(len(found), required)
        if error == scheduler.NO_INSTANCES:
            wf.finish("Failed", error, "The deployment group matches no instances: check its tag "
                                       "filters, tag sets and Auto Scaling groups.")
            return
        ordered = self._order(found)
        names = event_names(group)
        for cand in ordered:
            d.targets[cand.target_id] = Target(cand.target_id, cand.arn, cand.kind,
                                               [LifecycleEvent(n) for n in names],
                                               updated=self.engine.now(),
                                               agent_running=cand.agent_running)
        if error:
            wf.finish("Failed", error, f"The deployment can't start because the minimum number "
                                       f"of healthy instances ({required} of {len(found)}) "
                                       "would not be available.")
            return
        if "BlockTraffic" in names:
            self.lifecycle.lb = traffic.LoadBalancer(ep, group.get("loadBalancerInfo") or {})
        counts = yield from self._window(self._waves(ordered, config), required)
        self._verdict(required, *counts)

    def _order(self, found: list[targets.Candidate]) -> list[targets.Candidate]:
        hosts = self.wf.backend.hosts
        items = []
        for cand in sorted(found, key=lambda c: c.target_id):
            last = hosts.get(cand.target_id, {}).get(self.d.group_id)
            healthy = bool(last and last.get("healthy"))
            revision = "Unknown" if not last else (
                "Current" if last.get("revision") == self.d.revision else "Old")
            items.append({"cand": cand, "healthy": healthy, "revision": revision})
        return [i["cand"] for i in scheduler.order_targets(items)]

    def _waves(self, ordered: list[targets.Candidate],
               config: dict[str, Any]) -> list[tuple[list[str], int, float]]:
        """``[(target ids, zone minimum, bake after)]``: one wave, or one per Availability Zone
        (sorted by name) under a zonal configuration."""
        zonal = config.get("zonalConfig")
        ids = [c.target_id for c in ordered]
        if not zonal:
            return [(ids, 0, 0.0)]
        zones: dict[str, list[str]] = {}
        for cand in ordered:
            zones.setdefault(cand.zone, []).append(cand.target_id)
        per_zone = zonal.get("minimumHealthyHostsPerZone") or {"type": "FLEET_PERCENT",
                                                               "value": 0}
        monitor = float(zonal.get("monitorDurationInSeconds") or 0)
        first = float(zonal.get("firstZoneMonitorDurationInSeconds", monitor) or 0)
        waves = []
        for n, zone in enumerate(sorted(zones)):
            members = zones[zone]
            bake = first if n == 0 else monitor
            waves.append((members, scheduler.required_healthy(len(members), per_zone), bake))
        waves[-1] = (waves[-1][0], waves[-1][1], 0.0)  # no bake after the last zone (inferred)
        return waves

    def _window(self, waves: list[tuple[list[str], int, float]], required: int,
                runner: Any = None) -> Generator:
        """A sliding window per wave: start instances while both the deployment's and the
        zone's minimum allow; stop when they cannot; bake between zones. Returns
        ``(total, succeeded, failed, agent_failures)``; ``runner(target)`` runs one instance
        (default: all its events)."""
        runner = runner or self.lifecycle.run
        env = self.engine.env
        total = sum(len(w[0]) for w in waves)
        failed = succeeded = agent_failures = 0
        stopped_early = False
        for members, zone_required, bake in waves:
            pending, running = list(members), {}
            zone_failed = 0
            while pending or running:
                if self.d.stop_requested:
                    pending = []
                blocked = (scheduler.blocked(total, required, failed, len(pending))
                           or scheduler.blocked(len(members), zone_required, zone_failed,
                                                len(pending)))
                if blocked:
                    stopped_early, pending = True, []
                count = min(scheduler.launchable(total, required, failed, len(running),
                                                 len(pending)),
                            scheduler.launchable(len(members), zone_required, zone_failed,
                                                 len(running), len(pending)))
                for _ in range(count):
                    target_id = pending.pop(0)
                    running[target_id] = env.process(runner(self.d.targets[target_id]))
                if not running:
                    break
                yield env.any_of(list(running.values()))
                for target_id, proc in list(running.items()):
                    if proc.triggered:
                        running.pop(target_id)
                        ok, agent_issue = proc.value
                        succeeded += ok
                        failed += not ok
                        zone_failed += not ok
                        agent_failures += agent_issue
            if stopped_early or self.d.stop_requested:
                break
            if bake:
                yield env.timeout(bake)
        return total, succeeded, failed, agent_failures

    def _verdict(self, required: int, total: int, succeeded: int, failed: int,
                 agent_failures: int) -> None:
        if self.d.stop_requested:
            self.wf.finish("Stopped", *(self.d.stop_reason or (
                "MANUAL_STOP", "The deployment was stopped by a user.")))
        elif succeeded + failed == total and scheduler.verdict(required, succeeded):
            self.wf.finish("Succeeded")
        elif failed and agent_failures == failed:
            self.wf.finish("Failed", "AGENT_ISSUE", "The deployment failed because the "
                                                    "CodeDeploy agent is not running on "
                                                    f"{failed} instance(s).")
        else:
            self.wf.finish("Failed", scheduler.HEALTH_CONSTRAINTS,
                           f"The overall deployment failed because too many individual "
                           f"instances failed deployment ({failed} failed, {succeeded} "
                           f"succeeded, at least {max(1, required)} had to succeed).")
