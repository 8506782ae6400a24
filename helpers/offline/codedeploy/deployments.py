"""Deployment records: a deployment, its targets and their lifecycle events, and how the API
shows them (DeploymentInfo, DeploymentTarget, InstanceSummary)."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ACTIVE = ("Created", "Queued", "InProgress", "Baking", "Ready")
FINAL = ("Succeeded", "Failed", "Stopped")


@dataclass
class LifecycleEvent:
    """One lifecycle event on one target."""

    name: str
    status: str = "Pending"
    start: datetime | None = None
    end: datetime | None = None
    diagnostics: dict[str, Any] | None = None

    def view(self) -> dict[str, Any]:
        """The API's LifecycleEvent."""
        out: dict[str, Any] = {"lifecycleEventName": self.name, "status": self.status}
        if self.start:
            out["startTime"] = self.start
        if self.end:
            out["endTime"] = self.end
        if self.diagnostics:
            out["diagnostics"] = self.diagnostics
        return out


@dataclass
class Target:
    """One instance a deployment deploys to."""

    target_id: str
    arn: str
    kind: str  # "EC2" | "OnPremises"
    events: list[LifecycleEvent]
    status: str = "Pending"
    updated: datetime | None = None
    label: str = "Blue"
    agent_running: bool = True

    def view(self, deployment_id: str) -> dict[str, Any]:
        """The API's DeploymentTarget (an instanceTarget)."""
        return {"deploymentTargetType": "InstanceTarget", "instanceTarget": {
            "deploymentId": deployment_id, "targetId": self.target_id, "targetArn": self.arn,
            "status": self.status, "lastUpdatedAt": self.updated,
            "lifecycleEvents": [e.view() for e in self.events], "instanceLabel": self.label}}

    def summary(self, deployment_id: str) -> dict[str, Any]:
        """The API's (deprecated) InstanceSummary."""
        return {"deploymentId": deployment_id, "instanceId": self.arn, "status": self.status,
                "lastUpdatedAt": self.updated,
                "lifecycleEvents": [e.view() for e in self.events], "instanceType": self.label}


@dataclass
class Deployment:
    """One deployment and everything the API reports about it."""

    deployment_id: str
    application: str
    group_name: str
    group_id: str
    config_name: str
    revision: dict[str, Any]
    create_time: datetime
    compute_platform: str = "Server"
    creator: str = "user"
    description: str | None = None
    ignore_stop_failures: bool = False
    file_exists_behavior: str = "DISALLOW"
    style: dict[str, Any] = field(default_factory=dict)
    status: str = "Created"
    start_time: datetime | None = None
    complete_time: datetime | None = None
    error: dict[str, str] | None = None
    targets: dict[str, Target] = field(default_factory=dict)
    previous_revision: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    #: set by StopDeployment; the workflow checks it between events
    stop_requested: bool = False
    #: why it was stopped (error code, message), and StopDeployment's autoRollbackEnabled
    stop_reason: tuple[str, str] | None = None
    stop_rollback: bool | None = None
    #: waits the API can end: "ready" (an engine Hold), "termination" (a SimPy event)
    waits: dict[str, Any] = field(default_factory=dict, repr=False)

    def overview(self) -> dict[str, int]:
        """DeploymentOverview counters."""
        counts = dict.fromkeys(("Pending", "InProgress", "Succeeded", "Failed", "Skipped",
                                "Ready"), 0)
        for target in self.targets.values():
            if target.status in counts:
                counts[target.status] += 1
        return counts

    def view(self) -> dict[str, Any]:
        """The API's DeploymentInfo."""
        info: dict[str, Any] = {
            "applicationName": self.application, "deploymentGroupName": self.group_name,
            "deploymentConfigName": self.config_name, "deploymentId": self.deployment_id,
            "revision": self.revision, "status": self.status, "createTime": self.create_time,
            "creator": self.creator, "ignoreApplicationStopFailures": self.ignore_stop_failures,
            "deploymentOverview": self.overview(), "deploymentStyle": self.style,
            "fileExistsBehavior": self.file_exists_behavior,
            "computePlatform": self.compute_platform, "updateOutdatedInstancesOnly": False,
            "instanceTerminationWaitTimeStarted": False, "deploymentStatusMessages": [],
        }
        if self.previous_revision:
            info["previousRevision"] = self.previous_revision
        if self.description is not None:
            info["description"] = self.description
        if self.start_time:
            info["startTime"] = self.start_time
        if self.complete_time:
            info["completeTime"] = self.complete_time
        if self.error:
            info["errorInformation"] = self.error
        info.update(self.extra)
        return info


def new_deployment_id(rng: Any) -> str:
    """``d-`` followed by 9 upper-case letters and digits, from the engine's seeded random."""
    alphabet = string.ascii_uppercase + string.digits
    return "d-" + "".join(rng.choice(alphabet) for _ in range(9))
