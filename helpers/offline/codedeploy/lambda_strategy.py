"""The Lambda strategy: shift a function alias from one version to another (§A.4.3).

Events on the one target (``function:alias``): Start → BeforeAllowTraffic (hook) →
AllowTraffic (the alias's ``RoutingConfig.AdditionalVersionWeights`` moved per the deployment
configuration, on the virtual clock, through the endpoint's own Lambda API) → AfterAllowTraffic
(hook) → End. At the end the alias points at the target version with no extra weights.

A rollback deployment (creator ``codeDeployRollback``) moves the alias back to the revision's
target version at once and runs no hooks (decision: AWS's rollback reroutes traffic at once).
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

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
from helpers.specs import appspec_compute
from helpers.specs.appspec import AppSpecError

log = logging.getLogger(__name__)

EVENTS = ("Start", "BeforeAllowTraffic", "AllowTraffic", "AfterAllowTraffic", "End")


@dataclass
class LambdaTarget(Target):
    """The one target of a Lambda deployment: a function alias."""

    function_info: dict[str, Any] = field(default_factory=dict)

    def view(self, deployment_id: str) -> dict[str, Any]:
        """The API's DeploymentTarget (a lambdaTarget)."""
        return {"deploymentTargetType": "LambdaTarget", "lambdaTarget": {
            "deploymentId": deployment_id, "targetId": self.target_id, "targetArn": self.arn,
            "status": self.status, "lastUpdatedAt": self.updated,
            "lifecycleEvents": [e.view() for e in self.events],
            "lambdaFunctionInfo": dict(self.function_info)}}


@strategy("Lambda")
class LambdaDeployment:
    """Shift one alias per the deployment configuration, with its two hooks."""

    def __init__(self, workflow: DeploymentWorkflow) -> None:
        self.wf = workflow
        self.engine = workflow.engine
        self.d = workflow.deployment
        self.target: LambdaTarget | None = None

    def execute(self) -> Generator:
        """Validate the AppSpec and the function, then run the events."""
        wf, d = self.wf, self.d
        d.extra["deploymentStyle"] = dict(BLUE_GREEN)
        try:
            spec = yield from self.engine.run_work(lambda: load_spec(wf, "Lambda"), modelled=0)
        except AppSpecError as err:
            wf.finish("Failed", "INVALID_REVISION", str(err))
            return
        problem, arn = yield from self.engine.run_work(lambda: self._check(spec), modelled=0)
        if problem:
            wf.finish("Failed", *problem)
            return
        target_id = f"{spec.function}:{spec.alias}"
        self.target = LambdaTarget(target_id, arn, "Lambda", [LifecycleEvent(n) for n in EVENTS],
                                   updated=self.engine.now(), function_info={
                                       "functionName": spec.function,
                                       "functionAlias": spec.alias,
                                       "currentVersion": spec.current_version,
                                       "targetVersion": spec.target_version,
                                       "targetVersionWeight": 0.0})
        d.targets[target_id] = self.target
        steps = {name: hook_step(wf, target_id, name, spec.hooks.get(name))
                 for name in appspec_compute.LAMBDA_HOOKS}
        steps["AllowTraffic"] = lambda: self._shift(spec)
        yield from run_events(wf, self.target, steps)

    def _check(self, spec: appspec_compute.LambdaSpec) -> tuple[Any, str]:
        """The function, its alias and both versions must exist (real work)."""
        client = self.wf.endpoint.client("lambda")
        try:
            alias = client.get_alias(FunctionName=spec.function, Name=spec.alias)
        except client.exceptions.ResourceNotFoundException:
            return ("INVALID_LAMBDA_FUNCTION", f"The Lambda function {spec.function} or its "
                                               f"alias {spec.alias} does not exist."), ""
        for version in (spec.current_version, spec.target_version):
            try:
                client.get_function(FunctionName=spec.function, Qualifier=version)
            except client.exceptions.ResourceNotFoundException:
                return ("INVALID_LAMBDA_CONFIGURATION",
                        f"Version {version} of {spec.function} does not exist: publish it "
                        "(publish_version) before deploying."), ""
        return None, alias["AliasArn"]

    def _shift(self, spec: appspec_compute.LambdaSpec) -> Generator:
        """AllowTraffic: move the alias's weights at each step of the schedule."""
        config = self.wf.backend.get_config(self.d.config_name)
        routing = None if self.d.creator == "codeDeployRollback" else \
            config.get("trafficRoutingConfig")
        start = self.engine.env.now
        for offset, percent in shifting.schedule(routing):
            going = yield from wait_or_stop(self.wf, start + offset)
            if not going:
                return None, "stopped"
            yield from self.engine.run_work(lambda p=percent: self._weigh(spec, p), modelled=0)
            self.target.function_info["targetVersionWeight"] = percent / 100
            log.info("deployment %s: %s at %d%% on version %s", self.d.deployment_id,
                     self.target.target_id, percent, spec.target_version)
        return True, ""

    def _weigh(self, spec: appspec_compute.LambdaSpec, percent: int) -> None:
        client = self.wf.endpoint.client("lambda")
        if percent >= 100:
            client.update_alias(FunctionName=spec.function, Name=spec.alias,
                                FunctionVersion=spec.target_version,
                                RoutingConfig={"AdditionalVersionWeights": {}})
        else:
            client.update_alias(FunctionName=spec.function, Name=spec.alias,
                                FunctionVersion=spec.current_version,
                                RoutingConfig={"AdditionalVersionWeights": {
                                    spec.target_version: percent / 100}})
