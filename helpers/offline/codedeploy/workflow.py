"""The Deployment workflow: one SimPy process per deployment, on the engine's virtual clock.

``Created → InProgress → Succeeded | Failed | Stopped``. The workflow owns what every compute
platform shares (status, times, error information, the group's last deployments, state-change
events, fault anchoring); a *strategy* per compute platform does the deploying. The Server
strategy lives in :mod:`.server`; Lambda and ECS add theirs to :data:`STRATEGIES` (issue 6).

Timing model (virtual seconds; documented in notebook 05 and docs/offline-differences.md):
see :class:`Timing`.
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from typing import Any

from helpers.offline import events
from helpers.offline.codedeploy import guards, triggers
from helpers.offline.codedeploy.deployments import Deployment

log = logging.getLogger(__name__)


class Timing:
    """The timing model of an EC2/on-premises deployment, in virtual seconds."""

    #: from CreateDeployment until the service starts it
    START = 1.0
    #: an agent polls for commands; the first event on an instance waits this long
    AGENT_POLL = 5.0
    #: bookkeeping of one lifecycle event without real work (a hook with no scripts)
    EVENT = 1.0
    DOWNLOAD_BUNDLE = 3.0
    INSTALL = 2.0
    #: one hook script under time scale ``max`` (timed-out scripts take their timeout)
    SCRIPT = 5.0
    #: an event an agent never starts fails after this long (§A.4.2: 5 minutes)
    AGENT_TIMEOUT = 300.0
    #: ELB defaults when the target group does not say: deregistration delay, health checks
    DEREGISTRATION_DELAY = 300.0
    HEALTH_CHECK = 30.0 * 5


#: compute platform → strategy factory (called with the workflow; returns an object with
#: ``execute()``, a generator)
STRATEGIES: dict[str, Any] = {}


def strategy(platform: str) -> Any:
    """Register a strategy factory for a compute platform (a decorator)."""
    def register(cls: Any) -> Any:
        STRATEGIES[platform] = cls
        return cls
    return register


class DeploymentWorkflow:
    """Runs one deployment."""

    def __init__(self, service: Any, backend: Any, deployment: Deployment,
                 group: dict[str, Any], account: str, region: str) -> None:
        self.service = service
        self.endpoint = service.endpoint
        self.engine = service.engine
        self.backend = backend
        self.deployment = deployment
        self.group = group
        self.account = account
        self.region = region

    # -- running ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the process (call on the engine thread)."""
        self.engine.process(self.run())

    def run(self) -> Generator:
        """The deployment's process."""
        d = self.deployment
        yield self.engine.env.timeout(Timing.START)
        if d.status != "Created":  # stopped before it started
            return
        d.status, d.start_time = "InProgress", self.engine.now()
        self.endpoint.faults.anchor("deployment", d.deployment_id, {
            "applicationName": d.application, "deploymentGroupName": d.group_name})
        self.publish_deployment("START")
        triggers.notify(self, "DeploymentStart")
        alarms = guards.alarm_config(self)
        if alarms:
            self.engine.process(guards.watch_alarms(self, alarms))
        try:
            from helpers.offline.codedeploy import server  # noqa: F401 - registers Server

            runner = STRATEGIES[d.compute_platform](self)
            yield from runner.execute()
        except Exception as err:  # noqa: BLE001 - a broken workflow fails the deployment
            log.exception("deployment %s failed inside the emulator", d.deployment_id)
            self.finish("Failed", "INTERNAL_ERROR",
                        f"The offline emulator failed while deploying: {err}")
        if d.status not in ("Succeeded", "Failed", "Stopped"):
            self.finish("Succeeded")

    # -- shared steps ----------------------------------------------------------------------------

    def finish(self, status: str, code: str | None = None, message: str | None = None) -> None:
        """Move to a final status; record it on the deployment group; emit events."""
        d = self.deployment
        if d.status in ("Succeeded", "Failed", "Stopped"):
            return
        d.status, d.complete_time = status, self.engine.now()
        if code:
            d.error = {"code": code, "message": message or code}
        for target in d.targets.values():
            if target.status == "Pending":
                target.status, target.updated = "Skipped", self.engine.now()
                for event in target.events:
                    if event.status == "Pending":
                        event.status = "Skipped"
        last = {"deploymentId": d.deployment_id, "status": status,
                "endTime": d.complete_time, "createTime": d.create_time}
        group = self.backend.groups.get((d.application, d.group_name))
        if group is not None:
            group["lastAttemptedDeployment"] = last
            if status == "Succeeded":
                group["lastSuccessfulDeployment"] = last
                group["targetRevision"] = d.revision
        state = {"Succeeded": "SUCCESS", "Failed": "FAILURE", "Stopped": "STOP"}[status]
        self.publish_deployment(state)
        triggers.notify(self, {"Succeeded": "DeploymentSuccess",
                                           "Failed": "DeploymentFailure",
                                           "Stopped": "DeploymentStop"}[status])
        log.info("deployment %s %s%s", d.deployment_id, status, f" ({code})" if code else "")
        guards.report_rollback(self, status)
        if status != "Succeeded":
            guards.maybe_rollback(self, status, code)

    def publish_deployment(self, state: str) -> None:
        """A ``CodeDeploy Deployment State-change Notification`` (§A.12)."""
        d = self.deployment
        self._publish("CodeDeploy Deployment State-change Notification", {
            "region": self.region, "deploymentId": d.deployment_id,
            "instanceGroupId": d.group_id, "application": d.application,
            "deploymentGroup": d.group_name, "state": state}, [])

    def publish_instance(self, target_id: str, arn: str, state: str) -> None:
        """A ``CodeDeploy Instance State-change Notification`` (§A.12)."""
        d = self.deployment
        self._publish("CodeDeploy Instance State-change Notification", {
            "region": self.region, "deploymentId": d.deployment_id, "instanceId": target_id,
            "instanceGroupId": d.group_id, "application": d.application,
            "deploymentGroup": d.group_name, "state": state}, [arn])

    def _publish(self, detail_type: str, detail: dict[str, Any], extra: list[str]) -> None:
        d = self.deployment
        resources = [self.backend.arn("application", d.application),
                     self.backend.arn("deploymentgroup", f"{d.application}/{d.group_name}"),
                     *extra]
        try:
            events.publish(self.endpoint, "aws.codedeploy", detail_type, detail, resources,
                           account_id=self.account, region=self.region)
        except Exception:  # noqa: BLE001 - an event that cannot be delivered must not fail
            log.exception("could not publish %s for %s", detail_type, d.deployment_id)
