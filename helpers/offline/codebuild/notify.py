"""CodeBuild's EventBridge events: "CodeBuild Build State Change" and "CodeBuild Build Phase
Change", with the detail fields of reference §B.6 (source ``aws.codebuild``, resources = [build
ARN], ``build-id`` is the ARN)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

log = logging.getLogger(__name__)

SOURCE = "aws.codebuild"
STATE_CHANGE = "CodeBuild Build State Change"
PHASE_CHANGE = "CodeBuild Build Phase Change"


def _when(value: datetime | None) -> str | None:
    # The documented samples spell times like "Sep 1, 2017 4:12:29 PM".
    if value is None:
        return None
    return f"{value:%b} {value.day}, {value.year} {value.hour % 12 or 12}:{value:%M:%S %p}"


def _context(phase: dict[str, Any]) -> str:
    contexts = phase.get("contexts") or []
    return "[" + ", ".join(f"{c.get('statusCode', '')}: {c.get('message', '')}"
                           for c in contexts) + "]"


def additional_information(build: dict[str, Any]) -> dict[str, Any]:
    """The ``additional-information`` block of both event types."""
    env = build["environment"]
    info: dict[str, Any] = {
        "artifact": {k: v for k, v in (("location", build["artifacts"].get("location")),
                                       ("md5sum", build["artifacts"].get("md5sum")),
                                       ("sha256sum", build["artifacts"].get("sha256sum")))
                     if v},
        "environment": {"image": env.get("image"), "privileged-mode": env.get("privilegedMode"),
                        "compute-type": env.get("computeType"), "type": env.get("type"),
                        "environment-variables": [
                            {"name": v["name"], "type": v.get("type", "PLAINTEXT"),
                             "value": v.get("value", "")}
                            for v in env.get("environmentVariables", [])]},
        "timeout-in-minutes": build["timeoutInMinutes"],
        "build-complete": build["buildComplete"],
        "build-number": build["buildNumber"],
        "initiator": build["initiator"],
        "build-start-time": _when(build["startTime"]),
        "source": {k: v for k, v in (("location", build["source"].get("location")),
                                     ("type", build["source"].get("type"))) if v},
        "source-version": build.get("sourceVersion"),
        "logs": {"group-name": build["logs"].get("groupName"),
                 "stream-name": build["logs"].get("streamName"),
                 "deep-link": build["logs"].get("deepLink")},
        "phases": [],
        "queued-timeout-in-minutes": build["queuedTimeoutInMinutes"],
    }
    for phase in build["phases"]:
        entry: dict[str, Any] = {"phase-type": phase["phaseType"],
                                 "start-time": _when(phase.get("startTime"))}
        if "endTime" in phase:
            entry.update({"phase-context": [f"{c['statusCode']}: {c['message']}"
                                            for c in phase.get("contexts", [])],
                          "end-time": _when(phase["endTime"]),
                          "duration-in-seconds": phase["durationInSeconds"],
                          "phase-status": phase["phaseStatus"]})
        info["phases"].append(entry)
    return info


def state_change(build: dict[str, Any], status: str) -> dict[str, Any]:
    """The detail of a Build State Change event."""
    current = build["phases"][-1] if build["phases"] else {}
    return {"build-status": status, "project-name": build["projectName"],
            "build-id": build["arn"], "additional-information": additional_information(build),
            "current-phase": build["currentPhase"], "current-phase-context": _context(current),
            "version": "1"}


def phase_change(build: dict[str, Any], phase: dict[str, Any]) -> dict[str, Any]:
    """The detail of a Build Phase Change event for a phase that has just ended."""
    return {"completed-phase": phase["phaseType"],
            "completed-phase-status": phase["phaseStatus"],
            "completed-phase-context": _context(phase),
            "completed-phase-start": _when(phase["startTime"]),
            "completed-phase-end": _when(phase["endTime"]),
            "completed-phase-duration-seconds": phase["durationInSeconds"],
            "project-name": build["projectName"], "build-id": build["arn"],
            "additional-information": additional_information(build), "version": "1"}


def publish(endpoint: Any, account_id: str, region: str, detail_type: str,
            detail: dict[str, Any], build_arn: str) -> None:
    """Put one event on the account's default bus; a refused event is logged, never raised."""
    from helpers.offline import events

    try:
        events.publish(endpoint, SOURCE, detail_type, detail, resources=[build_arn],
                       account_id=account_id, region=region)
    except Exception:  # noqa: BLE001 - an event that cannot be delivered fails no build
        log.exception("could not publish %s for %s", detail_type, build_arn)
