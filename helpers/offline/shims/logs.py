"""CloudWatch Logs: accept log events stamped on the virtual clock.

moto 5.2.5 (logs/models.py ``LogsBackend.put_log_events``) keeps only events from the last 14 days
to 2 hours ahead of the *wall* clock and drops the rest as ``rejectedLogEventsInfo``. The
emulator's services stamp their logs with the engine's virtual time (a fixed epoch under tests and
nbval), so here every event is kept. The chronological-order check stays.
"""

from __future__ import annotations

import logging
from typing import Any

from moto.logs.exceptions import InvalidParameterException, ResourceNotFoundException
from moto.logs.models import LogsBackend

log = logging.getLogger(__name__)

_MARK = "_cdw_shim"


def put_log_events(self: LogsBackend, log_group_name: str, log_stream_name: str,
                   log_events: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """moto's put_log_events without the wall-clock window."""
    if log_group_name not in self.groups:
        raise ResourceNotFoundException()
    stamps = [event["timestamp"] for event in log_events]
    if stamps != sorted(stamps):
        raise InvalidParameterException(
            "Log events in a single PutLogEvents request must be in chronological order.")
    token = self.groups[log_group_name].put_log_events(log_stream_name, log_events)
    return token, {}


def install() -> None:
    """Replace ``LogsBackend.put_log_events`` (idempotent)."""
    if getattr(LogsBackend.put_log_events, _MARK, False):
        return
    setattr(put_log_events, _MARK, True)
    LogsBackend.put_log_events = put_log_events  # type: ignore[method-assign]
