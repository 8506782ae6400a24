"""The EC2 blue/green strategy (§A.4.1 blue/green sequence, §A.7 blue/green options).

1. Replacement (Green) fleet: ``targetInstances`` of the deployment (DISCOVER_EXISTING) or a
   copy of the group's Auto Scaling group (COPY_AUTO_SCALING_GROUP). It runs ApplicationStop …
   ValidateService within the minimum healthy hosts, then waits ``Ready``.
2. ``deploymentReadyOption``: CONTINUE_DEPLOYMENT goes on at once; STOP_DEPLOYMENT makes the
   deployment ``Ready`` (a held wait) until ``continue_deployment(READY_WAIT)``; if nobody
   continues within ``waitTimeInMinutes`` the deployment is ``Stopped``.
3. Reroute: each replacement runs BeforeAllowTraffic, AllowTraffic, AfterAllowTraffic.
4. The original (Blue) fleet runs BeforeBlockTraffic, BlockTraffic, AfterBlockTraffic; any
   failure there fails the deployment.
5. Originals are terminated after ``terminationWaitTimeInMinutes`` (a world timer that
   ``continue_deployment(TERMINATION_WAIT)`` ends early) or kept (KEEP_ALIVE). The deployment
   group then targets the replacement fleet.
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from typing import Any

from helpers.offline.codedeploy import scheduler, targets, traffic
from helpers.offline.codedeploy.deployments import LifecycleEvent, Target
from helpers.offline.codedeploy.lifecycle import ALLOW, BLOCK, IN_PLACE
from helpers.offline.codedeploy.server import ServerInPlace
from helpers.offline.engine import HoldExpired

log = logging.getLogger(__name__)


class BlueGreen(ServerInPlace):
    """Deploy to a replacement fleet, reroute traffic, retire the original fleet."""

    def execute(self) -> Generator:
        """Run the five steps."""
        wf, d, env = self.wf, self.d, self.engine.env
        options = wf.group.get("blueGreenDeploymentConfiguration") or {}
        if not wf.group.get("loadBalancerInfo"):
            wf.finish("Failed", "MISSING_ELB_INFORMATION", "A blue/green deployment needs the "
                                                           "deployment group's loadBalancerInfo.")
            return
        found = yield from self._fleets(options)
        if found is None:
            return
        blue, green = found
        config = wf.backend.get_config(d.config_name)
        required = scheduler.required_healthy(len(green), config["minimumHealthyHosts"])
        for cand, label, names in [(c, "Blue", BLOCK) for c in blue] + \
                                  [(c, "Green", IN_PLACE + ALLOW) for c in green]:
            d.targets[cand.target_id] = Target(cand.target_id, cand.arn, cand.kind,
                                               [LifecycleEvent(n) for n in names],
                                               updated=self.engine.now(), label=label,
                                               agent_running=cand.agent_running)
        error = scheduler.start_error(len(green), required)
        if error:
            wf.finish("Failed", error, "The replacement fleet has no instances." if
                      error == scheduler.NO_INSTANCES else
                      f"The minimum healthy hosts ({required} of {len(green)}) cannot be met.")
            return
        self.lifecycle.lb = traffic.LoadBalancer(wf.endpoint, wf.group["loadBalancerInfo"])
        waves = [([c.target_id for c in green], 0, 0.0)]
        # 1. install on the replacement fleet
        counts = yield from self._window(
            waves, required, lambda t: self.lifecycle.run(t, IN_PLACE, final=False))
        if not self._ok(required, counts):
            return
        # 2. ready option
        ready = options.get("deploymentReadyOption") or {}
        if ready.get("actionOnTimeout") == "STOP_DEPLOYMENT":
            d.status = "Ready"
            wf.publish_deployment("READY")
            hold = self.engine.hold(f"codedeploy {d.deployment_id}: waiting for "
                                    "continue_deployment", timeout=60.0 * float(
                                        ready.get("waitTimeInMinutes") or 0))
            d.waits["ready"] = hold
            try:
                yield hold.event
            except HoldExpired:
                wf.finish("Stopped", "TIMEOUT", "Nobody continued the deployment within "
                                                f"{ready.get('waitTimeInMinutes')} minutes.")
                return
            finally:
                d.waits.pop("ready", None)
            d.status = "InProgress"
        # 3. reroute traffic to the replacement fleet
        ready_ids = [c.target_id for c in green if d.targets[c.target_id].status == "Ready"]
        counts = yield from self._window([(ready_ids, 0, 0.0)], min(required, len(ready_ids) - 1),
                                         lambda t: self.lifecycle.run(t, ALLOW))
        if not self._ok(required, counts):
            return
        # 4. block traffic on the original fleet (all at once)
        procs = [env.process(self.lifecycle.run(d.targets[c.target_id])) for c in blue]
        if procs:
            yield env.all_of(procs)
        if any(not p.value[0] for p in procs):
            wf.finish("Failed", "HEALTH_CONSTRAINTS", "An original instance failed to "
                                                      "deregister from the load balancer.")
            return
        # 5. terminate or keep the original fleet
        yield from self._retire(options, blue)
        self._retarget(green)
        wf.finish("Succeeded")

    def _ok(self, required: int, counts: tuple[int, int, int, int]) -> bool:
        total, succeeded, failed, agents = counts
        if self.d.stop_requested or not (succeeded + failed == total
                                         and scheduler.verdict(required, succeeded)):
            self._verdict(required, total, succeeded, failed, agents)
            return False
        return True

    def _fleets(self, options: dict[str, Any]) -> Generator:
        """``(blue, green)`` candidates, or None after failing the deployment."""
        wf, d = self.wf, self.d
        ep, group = wf.endpoint, wf.group
        action = (options.get("greenFleetProvisioningOption") or {}).get(
            "action", "DISCOVER_EXISTING")
        spec = d.extra.get("targetInstances") or {}

        def prepare() -> Any:
            problem = targets.role_problem(ep.client("iam"), group["serviceRoleArn"])
            if problem:
                return problem
            ec2, asg = ep.client("ec2"), ep.client("autoscaling")
            blue = targets.discover(ec2, asg, group, [], wf.region, wf.account)
            if action == "COPY_AUTO_SCALING_GROUP":
                try:
                    copy = copy_asg(asg, group, d.deployment_id)
                except Exception as err:  # noqa: BLE001 - any failure is the group's setup
                    return ("AUTO_SCALING_CONFIGURATION",
                            f"The Auto Scaling group could not be copied: {err}")
                green_group = {"autoScalingGroups": [{"name": copy}]}
            else:
                green_group = {"ec2TagFilters": spec.get("tagFilters") or [],
                               "ec2TagSet": spec.get("ec2TagSet") or {},
                               "autoScalingGroups": [{"name": n} for n in
                                                     spec.get("autoScalingGroups") or []]}
            green = targets.discover(ec2, asg, green_group, [], wf.region, wf.account)
            green_ids = {c.target_id for c in green}
            return [c for c in blue if c.target_id not in green_ids], green, green_group
        result = yield from self.engine.run_work(prepare, modelled=0)
        if isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], str):
            wf.finish("Failed", *result)
            return None
        blue, green, self.green_group = result
        return blue, green

    def _retire(self, options: dict[str, Any], blue: list[targets.Candidate]) -> Generator:
        wf, d, env = self.wf, self.d, self.engine.env
        term = options.get("terminateBlueInstancesOnDeploymentSuccess") or {}
        if term.get("action", "TERMINATE") != "TERMINATE":
            return
        d.extra["instanceTerminationWaitTimeStarted"] = True
        wait = float(term.get("terminationWaitTimeInMinutes") or 0) * 60
        skip = env.event()
        d.waits["termination"] = skip
        if wait:
            yield env.any_of([env.timeout(wait), skip])
        d.waits.pop("termination", None)
        ids = [c.target_id for c in blue if c.kind == "EC2"]
        names = [a["name"] for a in wf.group.get("autoScalingGroups") or []]
        copied = (options.get("greenFleetProvisioningOption") or {}).get(
            "action") == "COPY_AUTO_SCALING_GROUP"
        ep = wf.endpoint

        def terminate() -> None:
            if copied:
                for name in names:
                    ep.client("autoscaling").delete_auto_scaling_group(
                        AutoScalingGroupName=name, ForceDelete=True)
            if ids:
                ep.client("ec2").terminate_instances(InstanceIds=ids)
        yield from self.engine.run_work(terminate, modelled=60.0)

    def _retarget(self, green: list[targets.Candidate]) -> None:
        """After success the group's original environment is the replacement fleet."""
        group = self.wf.backend.groups.get((self.d.application, self.d.group_name))
        if group is None:
            return
        new = self.green_group
        if new.get("autoScalingGroups"):
            group["autoScalingGroups"] = [{"name": a["name"], "hook": ""}
                                          for a in new["autoScalingGroups"]]
        if new.get("ec2TagFilters") or (new.get("ec2TagSet") or {}).get("ec2TagSetList"):
            group["ec2TagFilters"] = new.get("ec2TagFilters") or []
            group["ec2TagSet"] = new.get("ec2TagSet") or {}


def copy_asg(autoscaling: Any, group: dict[str, Any], deployment_id: str) -> str:
    """Copy the group's (first) Auto Scaling group; return the copy's name."""
    names = [a["name"] for a in group.get("autoScalingGroups") or []]
    if not names:
        raise ValueError("COPY_AUTO_SCALING_GROUP needs an Auto Scaling group in the "
                         "deployment group")
    original = autoscaling.describe_auto_scaling_groups(
        AutoScalingGroupNames=names[:1])["AutoScalingGroups"][0]
    name = f"CodeDeploy_{group['deploymentGroupName']}_{deployment_id}"
    kwargs: dict[str, Any] = {
        "AutoScalingGroupName": name, "MinSize": original["MinSize"],
        "MaxSize": original["MaxSize"], "DesiredCapacity": original["DesiredCapacity"],
        "AvailabilityZones": original.get("AvailabilityZones") or []}
    if original.get("VPCZoneIdentifier"):
        kwargs["VPCZoneIdentifier"] = original["VPCZoneIdentifier"]
    if original.get("LaunchConfigurationName"):
        kwargs["LaunchConfigurationName"] = original["LaunchConfigurationName"]
    elif original.get("LaunchTemplate"):
        template = original["LaunchTemplate"]
        kwargs["LaunchTemplate"] = {k: template[k] for k in ("LaunchTemplateId", "Version")
                                    if k in template}
    autoscaling.create_auto_scaling_group(**kwargs)
    return name
