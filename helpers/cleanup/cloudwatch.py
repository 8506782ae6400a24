"""CloudWatch: metric alarms, by name prefix (notebook 09's deployment alarms)."""

from __future__ import annotations

from typing import Any

from helpers.cleanup.base import ResourceType, Scope


def list_alarms(client: Any, scope: Scope) -> list[str]:
    """Metric alarms whose name starts with the scope's prefix."""
    return [a["AlarmName"] for page in client.get_paginator("describe_alarms").paginate(
        AlarmNamePrefix=scope.prefix) for a in page["MetricAlarms"]]


def delete_alarm(client: Any, name: str) -> None:
    """Delete one alarm."""
    client.delete_alarms(AlarmNames=[name])


RESOURCE_TYPES = [ResourceType("CloudWatch alarm", "cloudwatch", list_alarms, delete_alarm,
                               order=60)]
