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
