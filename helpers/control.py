"""A client of the offline endpoint's control API (``/_cdw/…``): clock and faults.

The workbench reaches the emulator only through these routes, so an endpoint in the kernel and
one a workshop shares (``CDW_ENDPOINT``) behave the same. Plain HTTP with JSON, over urllib.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from datetime import datetime
from typing import Any

log = logging.getLogger(__name__)


class ControlError(RuntimeError):
    """The control API refused a request or could not be reached."""


class Control:
    """Calls ``/_cdw/…`` on one endpoint."""

    def __init__(self, url: str, timeout: float = 60.0) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout

    def call(self, method: str, path: str, body: dict[str, Any] | None = None,
             timeout: float | None = None) -> Any:
        """Send one request and return the decoded JSON answer."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.url}/_cdw/{path}", data=data, method=method,
            headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            try:
                message = json.loads(exc.read()).get("error", exc.reason)
            except ValueError:
                message = exc.reason
            raise ControlError(f"{method} /_cdw/{path}: {message}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise ControlError(
                f"the offline endpoint at {self.url} does not answer ({exc}). Start one with "
                "`python -m helpers serve`, or unset CDW_ENDPOINT to run one in the kernel."
            ) from None


class Clock:
    """The endpoint's virtual clock: ``wb.clock``."""

    def __init__(self, control: Control) -> None:
        self._control = control

    @property
    def scale(self) -> str | float:
        """Virtual seconds per wall second, or ``"max"`` (jump to the next event)."""
        return self._control.call("GET", "clock")["scale"]

    def set_scale(self, scale: str | float) -> str | float:
        """Set the time scale (``"max"`` or a positive number) and return it."""
        return self._control.call("POST", "clock/scale", {"scale": scale})["scale"]

    def advance(self, seconds: float = 0, *, minutes: float = 0) -> datetime:
        """Move the virtual clock forward on purpose; held waits that fall due fire.

        Args:
            seconds: Seconds to move forward.
            minutes: Minutes to move forward (added to ``seconds``).

        Returns:
            The virtual time afterwards.
        """
        total = float(seconds) + 60.0 * float(minutes)
        if total < 0:
            raise ValueError("advance moves time forward only: give a non-negative duration")
        status = self._control.call("POST", "clock/advance", {"seconds": total})
        return datetime.fromisoformat(status["now"])

    def now(self) -> datetime:
        """The endpoint's virtual time (what AWS timestamps in responses are based on)."""
        return datetime.fromisoformat(self._control.call("GET", "clock")["now"])

    def __repr__(self) -> str:
        return f"Clock(scale={self.scale!r}, now={self.now().isoformat()})"


class Faults:
    """Faults scheduled on the virtual clock: ``wb.faults`` (see helpers/offline/faults.py)."""

    def __init__(self, control: Control) -> None:
        self._control = control

    def schedule(self, kind: str, *, at_minute: float = 0, anchor: str = "now",
                 match: dict[str, Any] | None = None, **params: Any) -> dict[str, Any]:
        """Schedule a fault and return its record.

        Args:
            kind: ``"alarm"`` (needs ``alarm_name``), ``"stop-deployment"`` (anchor
                ``"deployment"``) or ``"hook-failure"`` (needs ``hook``).
            at_minute: Minutes after the anchor at which the fault fires.
            anchor: ``"now"``, ``"deployment"``, ``"build"`` or ``"pipeline-execution"``.
            match: Attributes the anchoring run must have, e.g. ``{"deploymentGroupName": "web"}``.
            **params: The kind's own fields, e.g. ``alarm_name="cdw-learner-05-errors"``.
        """
        body = {"kind": kind, "at_minute": at_minute, "anchor": anchor,
                "match": match or {}, **params}
        return self._control.call("POST", "faults", body)

    def list(self) -> list[dict[str, Any]]:
        """Every scheduled fault with its status (waiting, scheduled, fired, error)."""
        return self._control.call("GET", "faults")["faults"]

    def clear(self) -> None:
        """Forget every fault."""
        self._control.call("DELETE", "faults")
