"""Lambda's log: the START/END/REPORT frame around a handler's output, sent to CloudWatch Logs.

The log group is ``/aws/lambda/<function name>``; each invocation writes one stream named as
Lambda names them (``YYYY/MM/DD/[<version>]<32 hex>``), with virtual-clock timestamps. Writes go
through the endpoint's own ``logs`` client, as the service would write them.
"""

from __future__ import annotations

import logging
import math
from typing import Any

log = logging.getLogger(__name__)


def group_name(function_name: str) -> str:
    """The log group Lambda writes to."""
    return f"/aws/lambda/{function_name}"


def stream_name(endpoint: Any, version: str) -> str:
    """A new log stream name for one invocation (seeded, so it repeats under a fixed seed)."""
    day = endpoint.engine.now().strftime("%Y/%m/%d")
    return f"{day}/[{version}]{endpoint.engine.random.getrandbits(128):032x}"


def format_log(endpoint: Any, config: Any, request_id: str, output: str, seconds: float,
               timed_out: bool = False) -> str:
    """The log text of one invocation, framed like Lambda's (Duration is the real duration)."""
    lines = [f"START RequestId: {request_id} Version: {config.version}"]
    lines += [line for line in output.splitlines()]
    lines.append(f"END RequestId: {request_id}")
    lines.append(f"REPORT RequestId: {request_id}\tDuration: {seconds * 1000:.2f} ms\t"
                 f"Billed Duration: {max(1, math.ceil(seconds * 1000))} ms\t"
                 f"Memory Size: {config.memory_size} MB\t")
    if timed_out:
        stamp = endpoint.engine.now().strftime("%Y-%m-%dT%H:%M:%S.000Z")
        lines.append(f"{stamp} {request_id} Task timed out after {config.timeout:.2f} seconds")
    return "\n".join(lines) + "\n"


def write(endpoint: Any, config: Any, stream: str, text: str) -> None:
    """Send the log to CloudWatch Logs on the endpoint (one event per line); never raise."""
    group = group_name(config.name)
    millis = int(endpoint.engine.now().timestamp() * 1000)
    events = [{"timestamp": millis, "message": line} for line in text.splitlines() if line]
    try:
        logs = endpoint.client("logs")
        try:
            logs.create_log_group(logGroupName=group)
        except logs.exceptions.ResourceAlreadyExistsException:
            pass
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        if events:
            logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)
    except Exception:  # noqa: BLE001 - a lost log must not fail the invocation
        log.exception("could not write the log of %s to %s", config.name, group)
