"""API responses → tidy pandas DataFrames (pure: no AWS calls).

Each function reads only what the public API returns, so the same frame works on sandbox data.
Functions are grouped by service; each says which notebook introduced it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

# -- CodeBuild (notebook 03) ---------------------------------------------------------------------

BUILD_PHASE_COLUMNS = ["build", "project", "build_number", "build_status", "phase", "order",
                       "status", "start", "end", "duration_s", "offset_s", "failed"]


def build_phases_frame(builds: Iterable[Mapping[str, Any]] | Mapping[str, Any]) -> pd.DataFrame:
    """One row per phase of each build, from ``batch_get_builds`` (the response or its builds).

    Columns: ``build`` (id), ``project``, ``build_number``, ``build_status``, ``phase``,
    ``order`` (position in the build), ``status`` (None while running and for COMPLETED),
    ``start``/``end`` (timestamps), ``duration_s`` (end − start, seconds), ``offset_s`` (seconds
    from the build's start to the phase's start) and ``failed`` (the phase ended other than
    SUCCEEDED). Introduced in notebook 03.
    """
    if isinstance(builds, Mapping):
        builds = builds.get("builds", [builds] if "phases" in builds else [])
    rows = []
    for build in builds:
        started = pd.Timestamp(build["startTime"])
        for order, phase in enumerate(build.get("phases", [])):
            start = pd.Timestamp(phase["startTime"])
            end = pd.Timestamp(phase["endTime"]) if phase.get("endTime") is not None else pd.NaT
            status = phase.get("phaseStatus")
            rows.append({
                "build": build["id"], "project": build.get("projectName"),
                "build_number": build.get("buildNumber"),
                "build_status": build.get("buildStatus"), "phase": phase["phaseType"],
                "order": order, "status": status, "start": start, "end": end,
                "duration_s": (end - start).total_seconds() if end is not pd.NaT else float("nan"),
                "offset_s": (start - started).total_seconds(),
                "failed": status is not None and status != "SUCCEEDED",
            })
    return pd.DataFrame(rows, columns=BUILD_PHASE_COLUMNS)


# -- CodeDeploy (notebook 05) --------------------------------------------------------------------
# lifecycle_frame and deployments_frame read the public API through the client they are given
# (get_deployment, list/batch_get_deployment_targets, batch_get_deployments); the transforms
# themselves (the *_from functions) are pure.

LIFECYCLE_COLUMNS = ["deployment", "target", "label", "target_status", "event", "order",
                     "status", "start", "end", "duration_s", "offset_s", "error_code", "message",
                     "failed"]
DEPLOYMENT_COLUMNS = ["deployment", "application", "group", "config", "status", "error_code",
                      "create", "start", "complete", "duration_s", "Pending", "InProgress",
                      "Succeeded", "Failed", "Skipped", "Ready"]
CAPACITY_COLUMNS = ["offset_s", "healthy", "total"]


def _ts(value: Any) -> Any:
    return pd.Timestamp(value) if value is not None else pd.NaT


def deployment_targets(codedeploy: Any, deployment_id: str) -> list[dict[str, Any]]:
    """Every target of a deployment, as ``batch_get_deployment_targets`` returns them."""
    ids: list[str] = []
    kwargs: dict[str, Any] = {"deploymentId": deployment_id}
    while True:
        page = codedeploy.list_deployment_targets(**kwargs)
        ids += page.get("targetIds", [])
        if not page.get("nextToken"):
            break
        kwargs["nextToken"] = page["nextToken"]
    targets = []
    for start in range(0, len(ids), 25):  # the API takes at most 25 ids per call
        targets += codedeploy.batch_get_deployment_targets(
            deploymentId=deployment_id, targetIds=ids[start:start + 25])["deploymentTargets"]
    return targets


def lifecycle_frame(codedeploy: Any, deployment_id: str) -> pd.DataFrame:
    """One row per target × lifecycle event of an EC2/on-premises deployment.

    Reads ``get_deployment`` and ``list_deployment_targets`` + ``batch_get_deployment_targets``;
    see :func:`lifecycle_frame_from` for the columns. Introduced in notebook 05.
    """
    info = codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]
    return lifecycle_frame_from(info, deployment_targets(codedeploy, deployment_id))


def lifecycle_frame_from(info: Mapping[str, Any],
                         targets: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The pure half of :func:`lifecycle_frame`.

    Columns: ``deployment``, ``target`` (instance id or on-premises name), ``label`` (``Blue`` /
    ``Green`` in blue/green deployments, else None), ``target_status``, ``event``, ``order``
    (position in the target's list), ``status``, ``start``/``end`` (NaT for events that never
    ran), ``duration_s``, ``offset_s`` (seconds from the deployment's creation to the event's
    start), ``error_code`` (``diagnostics.errorCode`` of a failed event, else None),
    ``message`` and ``failed``. Rows are sorted by target, then order.
    """
    created = _ts(info.get("createTime"))
    rows = []
    for target in targets:
        inst = target.get("instanceTarget") or {}
        for order, event in enumerate(inst.get("lifecycleEvents", [])):
            start, end = _ts(event.get("startTime")), _ts(event.get("endTime"))
            diag = event.get("diagnostics") or {}
            failed = event.get("status") == "Failed"
            rows.append({
                "deployment": info.get("deploymentId"), "target": inst.get("targetId"),
                "label": inst.get("instanceLabel"), "target_status": inst.get("status"),
                "event": event["lifecycleEventName"], "order": order,
                "status": event.get("status"), "start": start, "end": end,
                "duration_s": (end - start).total_seconds()
                if not (pd.isna(start) or pd.isna(end)) else float("nan"),
                "offset_s": (start - created).total_seconds()
                if not (pd.isna(start) or pd.isna(created)) else float("nan"),
                "error_code": diag.get("errorCode") if failed else None,
                "message": diag.get("message") if failed else None, "failed": failed})
    frame = pd.DataFrame(rows, columns=LIFECYCLE_COLUMNS)
    return frame.sort_values(["target", "order"], kind="stable").reset_index(drop=True)


def deployments_frame(codedeploy: Any, ids: Iterable[str]) -> pd.DataFrame:
    """One row per deployment, from ``batch_get_deployments`` (see :func:`deployments_frame_from`).

    Introduced in notebook 05.
    """
    ids = list(ids)
    infos = []
    for start in range(0, len(ids), 25):
        infos += codedeploy.batch_get_deployments(
            deploymentIds=ids[start:start + 25])["deploymentsInfo"]
    order = {d: i for i, d in enumerate(ids)}
    return deployments_frame_from(sorted(infos, key=lambda i: order[i["deploymentId"]]))


def deployments_frame_from(infos: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The pure half of :func:`deployments_frame`.

    Columns: ``deployment``, ``application``, ``group``, ``config``, ``status``, ``error_code``,
    ``create``/``start``/``complete``, ``duration_s`` (complete − create), and the
    ``deploymentOverview`` counters (``Pending`` … ``Ready``).
    """
    rows = []
    for info in infos:
        create, complete = _ts(info.get("createTime")), _ts(info.get("completeTime"))
        overview = info.get("deploymentOverview") or {}
        rows.append({
            "deployment": info["deploymentId"], "application": info.get("applicationName"),
            "group": info.get("deploymentGroupName"), "config": info.get("deploymentConfigName"),
            "status": info.get("status"),
            "error_code": (info.get("errorInformation") or {}).get("code"),
            "create": create, "start": _ts(info.get("startTime")), "complete": complete,
            "duration_s": (complete - create).total_seconds()
            if not (pd.isna(create) or pd.isna(complete)) else float("nan"),
            **{k: overview.get(k, 0) for k in DEPLOYMENT_COLUMNS[10:]}})
    return pd.DataFrame(rows, columns=DEPLOYMENT_COLUMNS)


def capacity_frame(lifecycle: pd.DataFrame) -> pd.DataFrame:
    """Healthy instances over time during an in-place deployment (pure).

    An instance counts as out of service from the start of its first event to the end of its
    last one, and for good once an event failed. Rows: one per moment the count changes
    (``offset_s`` from the deployment's creation), starting at 0 with every instance healthy.
    """
    ran = lifecycle.dropna(subset=["offset_s"])
    total = lifecycle["target"].nunique()
    changes: list[tuple[float, int]] = []
    for _, rows in ran.groupby("target"):
        down = rows["offset_s"].min()
        changes.append((down, -1))
        if not rows["failed"].any():
            ends = rows["offset_s"] + rows["duration_s"].fillna(0)
            changes.append((ends.max(), +1))
    out = [{"offset_s": 0.0, "healthy": total, "total": total}]
    healthy = total
    for offset, delta in sorted(changes, key=lambda c: (c[0], -c[1])):
        healthy += delta
        if out[-1]["offset_s"] == offset:
            out[-1]["healthy"] = healthy
        else:
            out.append({"offset_s": float(offset), "healthy": healthy, "total": total})
    return pd.DataFrame(out, columns=CAPACITY_COLUMNS)


# -- CodeDeploy: traffic shifting and rollbacks (notebooks 07–09) ---------------------------------

TRAFFIC_COLUMNS = ["deployment", "source", "time", "offset_s", "weight"]
ROLLBACK_COLUMNS = ["deployment", "role", "status", "start", "complete", "start_s",
                    "complete_s", "error_code", "trigger", "message"]
_TRIGGERS = {"HOOK_EXECUTION_FAILURE": "failed hook", "ALARM_ACTIVE": "alarm",
             "MANUAL_STOP": "stop"}


def _allow_traffic(targets: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    for target in targets:
        body = target.get("lambdaTarget") or target.get("ecsTarget") or {}
        for event in body.get("lifecycleEvents", []):
            if event["lifecycleEventName"] == "AllowTraffic":
                return event
    return None


def traffic_frame(codedeploy: Any, deployment_id: str,
                  observed: Iterable[tuple[Any, float]] | None = None) -> pd.DataFrame:
    """The new version's share of traffic over time in a Lambda or ECS deployment.

    Reads ``get_deployment``, ``get_deployment_config`` and the deployment's targets; see
    :func:`traffic_frame_from` for the columns. Introduced in notebook 07.
    """
    info = codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]
    config = codedeploy.get_deployment_config(
        deploymentConfigName=info["deploymentConfigName"])["deploymentConfigInfo"]
    return traffic_frame_from(info, config, deployment_targets(codedeploy, deployment_id),
                              observed)


def traffic_frame_from(info: Mapping[str, Any], config: Mapping[str, Any],
                       targets: Iterable[Mapping[str, Any]],
                       observed: Iterable[tuple[Any, float]] | None = None) -> pd.DataFrame:
    """The pure half of :func:`traffic_frame`.

    The ``schedule`` rows come from the configuration's ``trafficRoutingConfig`` laid on the
    AllowTraffic event's start (and cut at its end, when it ended early), so they are the same
    offline and in AWS. ``observed`` rows are ``(time, percent)`` samples watched live (e.g.
    alias weights read while waiting). Columns: ``deployment``, ``source`` (``schedule`` |
    ``observed``), ``time``, ``offset_s`` (seconds since the deployment started) and ``weight``
    (percent of traffic on the new version). A rollback deployment shifts all at once.
    """
    from helpers.offline.codedeploy.shifting import schedule  # pure: no endpoint needed

    started = _ts(info.get("startTime") or info.get("createTime"))
    rows = [{"time": started, "weight": 0.0, "source": "schedule"}]
    event = _allow_traffic(targets)
    if event is not None and event.get("startTime") is not None:
        begin, end = _ts(event["startTime"]), _ts(event.get("endTime"))
        routing = None if info.get("creator") == "codeDeployRollback" else \
            config.get("trafficRoutingConfig")
        weight = 0.0
        for offset, percent in schedule(routing):
            at = begin + pd.Timedelta(seconds=offset)
            if not pd.isna(end) and at > end:
                break
            weight = float(percent)
            rows.append({"time": at, "weight": weight, "source": "schedule"})
        if not pd.isna(end) and rows[-1]["time"] < end:
            rows.append({"time": end, "weight": weight, "source": "schedule"})
    for at, weight in observed or []:
        rows.append({"time": _ts(at), "weight": float(weight), "source": "observed"})
    frame = pd.DataFrame(rows)
    frame["deployment"] = info.get("deploymentId")
    frame["offset_s"] = [(t - started).total_seconds() for t in frame["time"]]
    return frame[TRAFFIC_COLUMNS].sort_values(["source", "time"], kind="stable").reset_index(
        drop=True)


def rollback_frame(codedeploy: Any, deployment_id: str) -> pd.DataFrame:
    """A deployment and the rollback it triggered (if any); see :func:`rollback_frame_from`.

    Introduced in notebook 09.
    """
    info = codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]
    infos = [info]
    rollback_id = (info.get("rollbackInfo") or {}).get("rollbackDeploymentId")
    if rollback_id:
        infos.append(codedeploy.get_deployment(deploymentId=rollback_id)["deploymentInfo"])
    return rollback_frame_from(infos)


def rollback_frame_from(infos: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The pure half of :func:`rollback_frame`: one row per deployment.

    Columns: ``deployment``, ``role`` (``deployment`` or ``rollback``), ``status``,
    ``start``/``complete``, ``start_s``/``complete_s`` (seconds since the first deployment
    started), ``error_code``, ``trigger`` (``failed hook`` / ``alarm`` / ``stop`` from the error
    code, else None) and ``message`` (the error, or the rollback message).
    """
    infos = list(infos)
    origin = _ts(infos[0].get("startTime") or infos[0].get("createTime")) if infos else pd.NaT
    rows = []
    for info in infos:
        start = _ts(info.get("startTime") or info.get("createTime"))
        complete = _ts(info.get("completeTime"))
        error = info.get("errorInformation") or {}
        rows.append({
            "deployment": info["deploymentId"],
            "role": "rollback" if info.get("creator") == "codeDeployRollback" else "deployment",
            "status": info.get("status"), "start": start, "complete": complete,
            "start_s": (start - origin).total_seconds(),
            "complete_s": (complete - origin).total_seconds()
            if not pd.isna(complete) else float("nan"),
            "error_code": error.get("code"), "trigger": _TRIGGERS.get(error.get("code")),
            "message": error.get("message") or (info.get("rollbackInfo") or {}).get(
                "rollbackMessage")})
    return pd.DataFrame(rows, columns=ROLLBACK_COLUMNS)
