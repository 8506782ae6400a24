"""What can stop or undo a deployment on its own: CloudWatch alarms and automatic rollbacks
(§A.7)."""

from __future__ import annotations

import logging
from collections.abc import Generator
from typing import Any

from helpers.offline.codedeploy import hooks, triggers
from helpers.offline.codedeploy.deployments import FINAL
from helpers.offline.engine import HoldExpired

log = logging.getLogger(__name__)

#: How often alarms are read while a deployment runs (virtual seconds; AWS does not say).
ALARM_POLL = 60.0
#: Polls happen this long after each whole minute of the deployment, so a fault or a caller that
#: sets an alarm at a whole minute is always seen by that minute's poll (never a race between two
#: pieces of real work at the same virtual instant).
ALARM_OFFSET = 0.5


def alarm_config(wf: Any) -> dict[str, Any] | None:
    """The alarm configuration in force (the deployment's override wins), if it watches any.

    A rollback deployment watches no alarms: the alarm that triggered it is usually still in
    ALARM and would stop the rollback itself (decision; AWS does not document it)."""
    if wf.deployment.creator == "codeDeployRollback":
        return None
    config = wf.deployment.extra.get("overrideAlarmConfiguration") or \
        wf.group.get("alarmConfiguration") or {}
    if config.get("enabled") and config.get("alarms"):
        return config
    return None


def watch_alarms(wf: Any, config: dict[str, Any]) -> Generator:
    """A process: read the alarms every minute; stop the deployment when one is in ALARM (or,
    unless ``ignorePollAlarmFailure``, when one cannot be read)."""
    d, engine = wf.deployment, wf.engine
    names = [a["name"] for a in config["alarms"]]
    cloudwatch = wf.endpoint.client("cloudwatch")

    def poll() -> tuple[list[str], list[str]]:
        found = cloudwatch.describe_alarms(AlarmNames=names)["MetricAlarms"]
        states = {a["AlarmName"]: a["StateValue"] for a in found}
        return ([n for n in names if states.get(n) == "ALARM"],
                [n for n in names if n not in states])
    yield engine.env.timeout(ALARM_OFFSET)
    while d.status not in FINAL:
        if d.status == "Ready" and "ready" in d.waits:
            # Nothing shifts while waiting for continue_deployment; look again afterwards.
            try:
                yield d.waits["ready"].event
            except HoldExpired:
                return
            continue
        waiting = hooks.pending(d) if engine.scale == "max" else None
        if waiting is not None:
            # Under max a hook waiting for its report holds the clock; polling would spin it.
            try:
                yield waiting.hold.event
            except HoldExpired:
                pass
            continue
        in_alarm, missing = yield from engine.run_work(poll, modelled=0)
        if d.status in FINAL:
            return
        if in_alarm or (missing and not config.get("ignorePollAlarmFailure")):
            d.stop_requested = True
            d.stop_reason = ("ALARM_ACTIVE", (
                f"One or more alarms have been activated: {', '.join(in_alarm)}" if in_alarm
                else f"The alarms {', '.join(missing)} could not be read; set "
                     "ignorePollAlarmFailure to deploy anyway."))
            hooks.stop_waiting(engine, d)
            log.info("deployment %s stopping: %s", d.deployment_id, d.stop_reason[1])
            return
        yield engine.env.timeout(ALARM_POLL)


def maybe_rollback(wf: Any, status: str, code: str | None) -> None:
    """After a failed or stopped deployment, start the rollback its configuration asks for."""
    from helpers.offline.codedeploy.launch import launch

    d = wf.deployment
    config = d.extra.get("autoRollbackConfiguration") or {}
    event = ("DEPLOYMENT_FAILURE" if status == "Failed" else
             "DEPLOYMENT_STOP_ON_ALARM" if code == "ALARM_ACTIVE" else
             "DEPLOYMENT_STOP_ON_REQUEST")
    wanted = bool(config.get("enabled")) and event in (config.get("events") or [])
    if event == "DEPLOYMENT_STOP_ON_REQUEST" and d.stop_rollback is not None:
        wanted = d.stop_rollback
    if not wanted or d.creator == "codeDeployRollback":
        return
    backend = wf.backend
    group = backend.groups.get((d.application, d.group_name))
    app = backend.applications.get(d.application)
    last = (group or {}).get("lastSuccessfulDeployment")
    if group is None or app is None or not last or not group.get("targetRevision"):
        d.extra["rollbackInfo"] = {"rollbackMessage": "The deployment could not be rolled back: "
                                                      "the deployment group has no previous "
                                                      "successful deployment."}
        return
    # Lambda and ECS are always blue/green; their strategies roll back (issue 6).
    if d.compute_platform == "Server" and d.style.get("deploymentType") == "BLUE_GREEN":
        d.extra["rollbackInfo"] = {"rollbackMessage": "Blue/green rollbacks are not emulated "
                                                      "offline (see docs/offline-differences.md)."}
        return
    previous = backend.deployments.get(last["deploymentId"])
    params = {"revision": group["targetRevision"], "deploymentConfigName": d.config_name,
              "fileExistsBehavior": previous.file_exists_behavior if previous else "DISALLOW",
              "ignoreApplicationStopFailures": d.ignore_stop_failures}
    new = launch(wf.service, backend, app, group, params, wf.account, wf.region,
                 creator="codeDeployRollback")
    new.extra["rollbackInfo"] = {"rollbackTriggeringDeploymentId": d.deployment_id}
    d.extra["rollbackInfo"] = {"rollbackDeploymentId": new.deployment_id,
                               "rollbackMessage": f"Rollback deployment {new.deployment_id} "
                                                  "is in progress."}
    triggers.notify(wf, "DeploymentRollback")
    log.info("deployment %s: rolling back with %s", d.deployment_id, new.deployment_id)


def report_rollback(wf: Any, status: str) -> None:
    """A rollback deployment ended: its ``rollbackMessage`` and the triggering deployment's say
    whether the rollback succeeded or failed (§A.7, RollbackInfo)."""
    d = wf.deployment
    info = d.extra.get("rollbackInfo") or {}
    trigger = wf.backend.deployments.get(info.get("rollbackTriggeringDeploymentId"))
    if d.creator != "codeDeployRollback" or trigger is None:
        return
    word = {"Succeeded": "succeeded", "Failed": "failed", "Stopped": "was stopped"}[status]
    info["rollbackMessage"] = (f"This deployment rolled back {trigger.deployment_id}; the "
                               f"rollback {word}.")
    trigger_info = trigger.extra.get("rollbackInfo") or {}
    trigger_info["rollbackMessage"] = f"Rollback deployment {d.deployment_id} {word}."
