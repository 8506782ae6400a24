"""Faults for demos, scheduled on the virtual clock.

A fault is a plain record: its ``kind``, what it targets, and *when*: ``at_minute`` minutes after
its anchor. The anchor is either the moment the fault is scheduled (``anchor: "now"``) or the
start of the next matching run that a service announces with :meth:`Faults.anchor` (for example
``anchor: "deployment"`` with ``match: {"deploymentGroupName": "web"}``), so a demo can say
"set the alarm to ALARM three minutes into the deployment".

Kinds whose effect has a public AWS API are carried out through it, against the endpoint itself,
so the same demo can be written for a sandbox account:

* ``alarm``: ``cloudwatch.set_alarm_state(AlarmName=…, StateValue=…)``.
* ``stop-deployment``: ``codedeploy.stop_deployment(deploymentId=<the anchored run>)``.
* ``stop-build``: ``codebuild.stop_build(id=<the anchored build>)``.

Kinds that have no public API (``hook-failure``) are consulted by the service that runs the hook,
through :meth:`Faults.matching`.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

log = logging.getLogger(__name__)

KINDS = {
    "alarm": {"required": ("alarm_name",)},
    "stop-deployment": {"required": ()},
    "stop-build": {"required": ()},
    "hook-failure": {"required": ("hook",)},
}
ANCHORS = ("now", "deployment", "build", "pipeline-execution")


class FaultError(ValueError):
    """A fault that cannot be scheduled as given."""


@dataclass
class Fault:
    """One scheduled fault."""

    id: int
    kind: str
    at_minute: float = 0.0
    anchor: str = "now"
    match: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    status: str = "waiting"  # waiting → scheduled → fired | error
    anchored_to: str | None = None
    fired_at: str | None = None
    error: str | None = None


class Faults:
    """The endpoint's fault registry."""

    def __init__(self, endpoint: Any) -> None:
        self.endpoint = endpoint
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def clear(self) -> None:
        """Forget every fault."""
        with self._lock:
            self._faults = []

    def list(self) -> list[dict[str, Any]]:
        """Every fault as a dict."""
        with self._lock:
            return [asdict(f) for f in self._faults]

    def add(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Validate and register a fault; anchor ``now`` starts its timer at once."""
        spec = dict(spec)
        kind = spec.pop("kind", None)
        if kind not in KINDS:
            raise FaultError(f"fault kind {kind!r} is unknown; use one of {sorted(KINDS)}")
        anchor = spec.pop("anchor", "now")
        if anchor not in ANCHORS:
            raise FaultError(f"fault anchor {anchor!r} is unknown; use one of {list(ANCHORS)}")
        try:
            at_minute = float(spec.pop("at_minute", 0))
        except (TypeError, ValueError):
            raise FaultError("at_minute must be a number of minutes") from None
        if at_minute < 0:
            raise FaultError("at_minute must not be negative")
        match = spec.pop("match", {}) or {}
        missing = [k for k in KINDS[kind]["required"] if k not in spec]
        if missing:
            raise FaultError(f"fault kind {kind!r} needs {missing}")
        for stop_kind, needed in (("stop-deployment", "deployment"), ("stop-build", "build")):
            if kind == stop_kind and anchor != needed:
                raise FaultError(f"a {stop_kind} fault needs anchor {needed!r} "
                                 f"(it stops the {needed} it is anchored to)")
        with self._lock:
            fault = Fault(len(self._faults) + 1, kind, at_minute, anchor, match, spec)
            self._faults.append(fault)
        if anchor == "now":
            self._schedule(fault, None)
        return asdict(fault)

    def anchor(self, anchor: str, run_id: str, attributes: dict[str, Any]) -> None:
        """A service announces the start of a run; start the timers of the faults waiting on it."""
        with self._lock:
            due = [f for f in self._faults if f.status == "waiting" and f.anchor == anchor
                   and all(attributes.get(k) == v for k, v in f.match.items())]
            for fault in due:
                fault.status = "scheduled"
                fault.anchored_to = run_id
        for fault in due:
            self._schedule(fault, run_id)

    def matching(self, kind: str, **attributes: Any) -> list[Fault]:
        """Faults of ``kind`` (with no timer) whose params all match ``attributes``."""
        with self._lock:
            return [f for f in self._faults if f.kind == kind
                    and all(attributes.get(k) == v for k, v in f.params.items()
                            if k in attributes)]

    def _schedule(self, fault: Fault, run_id: str | None) -> None:
        engine = self.endpoint.engine
        if fault.kind == "hook-failure":
            fault.status = "scheduled"
            return

        def proc():
            yield engine.env.timeout(fault.at_minute * 60)
            yield from engine.run_work(lambda: self._fire(fault, run_id), modelled=0)

        def start() -> None:
            fault.status = "scheduled"
            engine.process(proc())
        engine.call(start)

    def _fire(self, fault: Fault, run_id: str | None) -> None:
        """Carry out a fault through the public API of the endpoint itself."""
        client = self.endpoint.client
        try:
            if fault.kind == "alarm":
                client("cloudwatch").set_alarm_state(
                    AlarmName=fault.params["alarm_name"],
                    StateValue=fault.params.get("state", "ALARM"),
                    StateReason=fault.params.get("reason", "Fault injected by the workbook"))
            elif fault.kind == "stop-deployment":
                client("codedeploy").stop_deployment(
                    deploymentId=run_id,
                    autoRollbackEnabled=bool(fault.params.get("auto_rollback", True)))
            elif fault.kind == "stop-build":
                client("codebuild").stop_build(id=run_id)
            fault.status = "fired"
            fault.fired_at = self.endpoint.engine.now().isoformat()
        except Exception as exc:  # noqa: BLE001 - recorded on the fault for the learner to see
            fault.status = "error"
            fault.error = f"{type(exc).__name__}: {exc}"
            log.warning("fault %s (%s) failed: %s", fault.id, fault.kind, fault.error)
