"""The ECS strategy: a replacement task set, the test listener, production traffic shifted per
the configuration, five hook functions, the original task set deleted after the termination
wait (§A.4.4). Each deployment flips the target groups: the replacement goes behind the one
that does not serve production now.

A rollback deployment (creator ``codeDeployRollback``) reroutes both listeners to the original
task set of the deployment that triggered it and deletes that deployment's replacement task set
(§A.7: "for ECS: traffic is rerouted back to the original task set"); it runs no hooks.
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

from helpers.offline.codedeploy import ecs_resources as res
from helpers.offline.codedeploy import shifting
from helpers.offline.codedeploy.compute_events import (
    BLUE_GREEN,
    hook_step,
    load_spec,
    run_events,
    wait_or_stop,
)
from helpers.offline.codedeploy.deployments import LifecycleEvent, Target
from helpers.offline.codedeploy.workflow import DeploymentWorkflow, strategy
from helpers.offline.engine import HoldExpired
from helpers.specs import appspec_compute
from helpers.specs.appspec import AppSpecError

log = logging.getLogger(__name__)

EVENTS = ("BeforeInstall", "Install", "AfterInstall", "AllowTestTraffic",
          "AfterAllowTestTraffic", "BeforeAllowTraffic", "AllowTraffic", "AfterAllowTraffic")
#: Virtual seconds to create the replacement task set and see its tasks running (max scale).
INSTALL = 60.0


@dataclass
class EcsTarget(Target):
    """The one target of an ECS deployment: a service, with its two task sets."""

    task_sets: list[dict[str, Any]] = field(default_factory=list)

    def view(self, deployment_id: str) -> dict[str, Any]:
        """The API's DeploymentTarget (an ecsTarget)."""
        return {"deploymentTargetType": "ECSTarget", "ecsTarget": {
            "deploymentId": deployment_id, "targetId": self.target_id, "targetArn": self.arn,
            "status": self.status, "lastUpdatedAt": self.updated,
            "lifecycleEvents": [e.view() for e in self.events],
            "taskSetsInfo": [dict(s) for s in self.task_sets]}}


def _info(task_set: dict[str, Any], label: str, group: str, weight: float,
          desired: int) -> dict[str, Any]:
    return {"identifer": task_set["id"], "desiredCount": desired, "pendingCount": 0,
            "runningCount": desired, "status": task_set.get("status", "ACTIVE"),
            "trafficWeight": weight, "targetGroup": {"name": group}, "taskSetLabel": label}


@strategy("ECS")
class EcsDeployment:
    """Blue/green for one ECS service."""

    def __init__(self, workflow: DeploymentWorkflow) -> None:
        self.wf = workflow
        self.engine = workflow.engine
        self.d = workflow.deployment
        self.target: EcsTarget | None = None
        self.layout: res.Layout | None = None
        self.replacement: dict[str, Any] | None = None

    def execute(self) -> Generator:
        """Validate, then run the eight events (or reroute back, for a rollback)."""
        wf, d, ep = self.wf, self.d, self.wf.endpoint
        d.extra["deploymentStyle"] = dict(BLUE_GREEN)
        try:
            spec = yield from self.engine.run_work(lambda: load_spec(wf, "ECS"), modelled=0)
            self.layout = yield from self.engine.run_work(
                lambda: res.discover(ep, wf.group, spec), modelled=0)
        except AppSpecError as err:
            wf.finish("Failed", "INVALID_REVISION", str(err))
            return
        except res.EcsProblem as err:
            wf.finish("Failed", err.code, str(err))
            return
        lay = self.layout
        target_id = f"{lay.cluster}:{lay.service}"
        self.target = EcsTarget(target_id, lay.service_arn, "ECS",
                                [LifecycleEvent(n) for n in EVENTS], updated=self.engine.now())
        d.targets[target_id] = self.target
        d.waits["ecs"] = self
        self._show(0.0)
        if d.creator == "codeDeployRollback":
            steps = {"AllowTraffic": self._reroute_back}
            yield from run_events(wf, self.target, steps)
            return
        steps = {name: hook_step(wf, target_id, name, spec.hooks.get(name))
                 for name in appspec_compute.ECS_HOOKS}
        steps["Install"] = lambda: self._install(spec)
        steps["AllowTestTraffic"] = self._test_traffic
        steps["AllowTraffic"] = self._shift
        yield from run_events(wf, self.target, steps, on_success=self._retire_original,
                              pauses={"BeforeAllowTraffic": self._ready_wait})

    # -- steps -----------------------------------------------------------------------------------

    def _show(self, green_weight: float) -> None:
        lay = self.layout
        sets = [_info(lay.original, "Blue", lay.target_groups[lay.blue],
                      100.0 - green_weight, lay.desired)]
        if self.replacement is not None:
            sets.append(_info(self.replacement, "Green", lay.target_groups[lay.green],
                              green_weight, lay.desired))
        self.target.task_sets = sets
        self.target.updated = self.engine.now()

    def _install(self, spec: appspec_compute.EcsSpec) -> Generator:
        lay, ep = self.layout, self.wf.endpoint
        self.replacement = yield from self.engine.run_work(
            lambda: res.create_task_set(ep, lay, spec.task_definition, lay.green,
                                        spec.container_name, spec.container_port),
            modelled=INSTALL)
        self._show(0.0)
        return True, ""

    def _test_traffic(self) -> Generator:
        lay, ep = self.layout, self.wf.endpoint
        if lay.test:
            yield from self.engine.run_work(
                lambda: res.route(ep, lay.test, lay.blue, lay.green, 100), modelled=0)
        return True, ""

    def _shift(self) -> Generator:
        lay, ep, d = self.layout, self.wf.endpoint, self.d
        config = self.wf.backend.get_config(d.config_name)
        start = self.engine.env.now
        for offset, percent in shifting.schedule(config.get("trafficRoutingConfig")):
            going = yield from wait_or_stop(self.wf, start + offset)
            if not going:
                return None, "stopped"
            yield from self.engine.run_work(
                lambda p=percent: res.route(ep, lay.prod, lay.blue, lay.green, p), modelled=0)
            self._show(float(percent))
            log.info("deployment %s: %s at %d%% on the replacement", d.deployment_id,
                     self.target.target_id, percent)
        return True, ""

    def _ready_wait(self) -> Generator:
        """``deploymentReadyOption`` STOP_DEPLOYMENT: after the test traffic hooks, wait
        ``Ready`` for ``continue_deployment(READY_WAIT)``; nobody in time → Stopped (§A.7)."""
        wf, d = self.wf, self.d
        ready = ((wf.group.get("blueGreenDeploymentConfiguration") or {}).get(
            "deploymentReadyOption") or {})
        if ready.get("actionOnTimeout") != "STOP_DEPLOYMENT":
            return True
        d.status, self.target.status = "Ready", "Ready"
        wf.publish_deployment("READY")
        minutes = float(ready.get("waitTimeInMinutes") or 0)
        hold = self.engine.hold(f"codedeploy {d.deployment_id}: waiting for continue_deployment",
                                timeout=60.0 * minutes)
        d.waits["ready"] = hold
        try:
            yield hold.event
        except HoldExpired:
            self.target.status = "Failed"
            wf.finish("Stopped", "TIMEOUT", "Nobody continued the deployment within "
                                            f"{ready.get('waitTimeInMinutes')} minutes.")
            return False
        finally:
            d.waits.pop("ready", None)
        d.status, self.target.status = "InProgress", "InProgress"
        return True

    def _retire_original(self) -> Generator:
        """The replacement becomes primary; after the termination wait the original goes."""
        lay, ep, d, env = self.layout, self.wf.endpoint, self.d, self.engine.env
        yield from self.engine.run_work(lambda: res.make_primary(ep, lay, self.replacement),
                                        modelled=0)
        option = (self.wf.group.get("blueGreenDeploymentConfiguration") or {}).get(
            "terminateBlueInstancesOnDeploymentSuccess") or {}
        minutes = float(option.get("terminationWaitTimeInMinutes") or 0)
        d.extra["instanceTerminationWaitTimeStarted"] = True
        ended = env.event()
        d.waits["termination"] = ended
        yield env.any_of([env.timeout(minutes * 60), ended])
        d.waits.pop("termination", None)
        yield from self.engine.run_work(lambda: res.delete_task_set(ep, lay, lay.original),
                                        modelled=0)
        self.target.task_sets = [s for s in self.target.task_sets if s["taskSetLabel"] == "Green"]
        for s in self.target.task_sets:
            s["status"] = "PRIMARY"

    def _reroute_back(self) -> Generator:
        """A rollback: listeners back to the failed deployment's original task set."""
        ep = self.wf.endpoint
        trigger_id = (self.d.extra.get("rollbackInfo") or {}).get("rollbackTriggeringDeploymentId")
        failed = self.wf.backend.deployments.get(trigger_id)
        previous = failed.waits.get("ecs") if failed is not None else None
        if previous is None or previous.replacement is None:
            return True, ""
        lay, replacement = previous.layout, previous.replacement

        def reroute() -> None:
            res.route(ep, lay.prod, lay.blue, lay.green, 0)
            if lay.test:
                res.route(ep, lay.test, lay.blue, lay.green, 0)
            res.make_primary(ep, lay, lay.original)
            res.delete_task_set(ep, lay, replacement)
        yield from self.engine.run_work(reroute, modelled=0)
        previous.replacement = None
        self.layout = lay
        self._show(0.0)
        return True, ""
