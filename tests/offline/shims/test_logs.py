"""Contract and fix of the CloudWatch Logs shim: virtual-clock timestamps are kept."""

from __future__ import annotations

import inspect

import pytest
from moto.logs.models import LogGroup, LogsBackend

from helpers.offline.engine import FIXED_EPOCH


def test_contract_moto_methods_keep_their_signatures():
    """The shim replaces put_log_events(name, stream, events) and calls LogGroup.put_log_events."""
    assert list(inspect.signature(LogsBackend.put_log_events).parameters) == [
        "self", "log_group_name", "log_stream_name", "log_events"]
    assert list(inspect.signature(LogGroup.put_log_events).parameters) == [
        "self", "log_stream_name", "log_events"]


def test_old_virtual_timestamps_are_kept(aws):
    """An event stamped at the fixed epoch (months before the wall clock) is stored."""
    logs = aws("logs")
    logs.create_log_group(logGroupName="g")
    logs.create_log_stream(logGroupName="g", logStreamName="s")
    millis = int(FIXED_EPOCH.timestamp() * 1000)
    answer = logs.put_log_events(logGroupName="g", logStreamName="s",
                                 logEvents=[{"timestamp": millis, "message": "hello"}])
    assert "rejectedLogEventsInfo" not in answer
    events = logs.get_log_events(logGroupName="g", logStreamName="s")["events"]
    assert [(e["timestamp"], e["message"]) for e in events] == [(millis, "hello")]


def test_order_is_still_checked(aws):
    """Events out of chronological order are still refused."""
    logs = aws("logs")
    logs.create_log_group(logGroupName="g")
    logs.create_log_stream(logGroupName="g", logStreamName="s")
    with pytest.raises(logs.exceptions.InvalidParameterException):
        logs.put_log_events(logGroupName="g", logStreamName="s",
                            logEvents=[{"timestamp": 2000, "message": "b"},
                                       {"timestamp": 1000, "message": "a"}])
