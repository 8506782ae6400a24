"""Minimum healthy hosts: how many instances may be deployed at once, and the verdict (§A.3).

Pure functions, no state and no clock. The deployment workflow asks :func:`launchable` each time
an instance finishes (a sliding window: a new instance starts as soon as capacity allows) and
:func:`verdict` at the end. :func:`simulate` runs a whole fleet batch by batch, as the reference
algorithm states it; property tests check both against the documented rules.

The rules, for ``total`` target instances and ``required`` = the minimum that must stay healthy:

* a percentage rounds **up** at the start; ``MOST_CONCURRENCY 1`` (OneAtATime) means
  ``total - 1`` (0 for a single instance);
* no targets → ``NO_INSTANCES``; ``required >= total`` → ``HEALTH_CONSTRAINTS_INVALID`` before any
  instance is touched;
* at most ``(total - failed) - required`` instances may be offline (in flight) at once; when that
  reaches 0 with instances still pending, the deployment fails (``HEALTH_CONSTRAINTS``) and the
  pending instances are ``Skipped``;
* success needs ``succeeded >= required`` and ``succeeded >= 1``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

NO_INSTANCES = "NO_INSTANCES"
HEALTH_CONSTRAINTS_INVALID = "HEALTH_CONSTRAINTS_INVALID"
HEALTH_CONSTRAINTS = "HEALTH_CONSTRAINTS"


def required_healthy(total: int, hosts: dict[str, Any]) -> int:
    """The number of instances that must stay healthy, from ``minimumHealthyHosts``."""
    kind, value = hosts.get("type"), int(hosts.get("value", 0))
    if kind == "MOST_CONCURRENCY":
        # "All but `value` stay healthy": OneAtATime keeps total-1 healthy.
        return max(0, total - value)
    if kind == "FLEET_PERCENT":
        return math.ceil(total * value / 100)
    if kind == "HOST_COUNT":
        return value
    raise ValueError(f"unknown minimumHealthyHosts type {kind!r}")


def start_error(total: int, required: int) -> str | None:
    """The error that stops a deployment before it touches any instance, or None."""
    if total == 0:
        return NO_INSTANCES
    if required >= total:
        return HEALTH_CONSTRAINTS_INVALID
    return None


def capacity(total: int, required: int, failed: int) -> int:
    """How many instances may be offline (deploying) at once after ``failed`` failures."""
    return (total - failed) - required


def launchable(total: int, required: int, failed: int, running: int, pending: int) -> int:
    """How many more instances to start now (0 when the window is full)."""
    return max(0, min(pending, capacity(total, required, failed) - running))


def blocked(total: int, required: int, failed: int, pending: int) -> bool:
    """True when pending instances can never start: the deployment fails HEALTH_CONSTRAINTS."""
    return pending > 0 and capacity(total, required, failed) <= 0


def verdict(required: int, succeeded: int) -> bool:
    """Whether a deployment whose instances all finished succeeds."""
    return succeeded >= required and succeeded >= 1


@dataclass
class Outcome:
    """The result of :func:`simulate`."""

    status: str  # "Succeeded" | "Failed"
    error: str | None
    required: int
    batches: list[list[int]] = field(default_factory=list)  # instance indexes, in start order
    skipped: list[int] = field(default_factory=list)

    @property
    def attempted(self) -> list[int]:
        """Every instance that was deployed to, in order."""
        return [i for batch in self.batches for i in batch]


def simulate(results: Sequence[bool], hosts: dict[str, Any]) -> Outcome:
    """Deploy to ``len(results)`` instances batch by batch; instance ``i`` succeeds iff
    ``results[i]``. Returns the overall outcome."""
    total = len(results)
    required = required_healthy(total, hosts)
    error = start_error(total, required)
    if error:
        return Outcome("Failed", error, required, skipped=list(range(total)))
    pending = list(range(total))
    failed = succeeded = 0
    batches: list[list[int]] = []
    while pending:
        if blocked(total, required, failed, len(pending)):
            return Outcome("Failed", HEALTH_CONSTRAINTS, required, batches, pending)
        size = launchable(total, required, failed, 0, len(pending))
        batch, pending = pending[:size], pending[size:]
        batches.append(batch)
        failed += sum(1 for i in batch if not results[i])
        succeeded += sum(1 for i in batch if results[i])
    if verdict(required, succeeded):
        return Outcome("Succeeded", None, required, batches)
    return Outcome("Failed", HEALTH_CONSTRAINTS, required, batches)


def order_targets(targets: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Order instances as CodeDeploy does: unhealthy first, then revision Unknown, Old, Current.

    Each target is a dict with ``healthy`` (bool) and ``revision`` (``Unknown|Old|Current``);
    the sort is stable, so equal instances keep their given order.
    """
    rank = {"Unknown": 0, "Old": 1, "Current": 2}
    return sorted(targets, key=lambda t: (bool(t.get("healthy")),
                                          rank.get(t.get("revision", "Unknown"), 0)))
