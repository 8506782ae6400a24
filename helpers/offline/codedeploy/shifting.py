"""The traffic-shifting schedule of a Lambda or ECS deployment configuration (§A.2.2–A.2.4).

Pure: ``schedule(trafficRoutingConfig)`` → ``[(seconds after AllowTraffic starts, percent on the
new version)]``. Shared by the strategies (when to move weights) and by
:func:`helpers.frames.traffic_frame` (what a chart shows), so both agree by construction.

Decision (reference: inferred): a linear configuration shifts ``p`` percent at once when
AllowTraffic starts, then ``p`` more after each interval; the shift that reaches 100 % is the
``ceil(100/p)``-th, at ``(ceil(100/p) - 1) × interval``. For 10 % every 10 minutes that is
10 %, 20 % … 100 % at minutes 0, 10 … 90 — nine intervals, the same count AWS uses for the
2880-minute limit of custom configurations (see ``configs._check_routing``).
"""

from __future__ import annotations

import math
from typing import Any


def schedule(routing: dict[str, Any] | None) -> list[tuple[float, int]]:
    """The shifts of a ``trafficRoutingConfig`` (AllAtOnce when None)."""
    routing = routing or {"type": "AllAtOnce"}
    kind = routing.get("type")
    if kind == "TimeBasedCanary":
        body = routing["timeBasedCanary"]
        return [(0.0, int(body["canaryPercentage"])),
                (float(body["canaryInterval"]) * 60, 100)]
    if kind == "TimeBasedLinear":
        body = routing["timeBasedLinear"]
        step, interval = int(body["linearPercentage"]), float(body["linearInterval"]) * 60
        count = math.ceil(100 / step)
        return [(k * interval, min(100, (k + 1) * step)) for k in range(count)]
    return [(0.0, 100)]


def duration(routing: dict[str, Any] | None) -> float:
    """Seconds from the first to the last shift."""
    return schedule(routing)[-1][0]
