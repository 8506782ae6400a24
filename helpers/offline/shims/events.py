"""moto's EventBridge: deliver like AWS, to every target type the workbook uses.

moto 5.2.5 (events/models.py ``Rule.send_to_targets``, ``EventsBackend.put_events``):

* delivers on DISABLED rules too — here only ENABLED rules deliver;
* raises ``NotImplementedError`` for SNS and Lambda targets, so ``PutEvents`` answers 500 — here
  they are delivered by :mod:`helpers.offline.events` (SNS topic policy and Lambda resource
  policy checked, Lambda invoked asynchronously through the engine); a target type nobody
  implements is dropped with a log line instead of failing the call;
* sends SQS and CloudWatch Logs targets its own reduced template (no ``account``) — here they get
  the full event, or the target's ``Input``/``InputPath``;
* accepts ``aws.*`` sources from ``PutEvents`` — here they are refused per entry with
  ``NotAuthorizedForSourceException`` as AWS does, except for the emulator's own service events
  (:func:`trusted`, used by :func:`helpers.offline.events.publish`);
* stamps events with the wall clock — here with the engine's virtual clock.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger(__name__)

_trusted: contextvars.ContextVar[bool] = contextvars.ContextVar("cdw_trusted", default=False)
_original_send: Any = None
_original_put_events: Any = None

#: The per-entry error AWS gives ``PutEvents`` for a source in the reserved ``aws.`` namespace.
SOURCE_REFUSED = {"ErrorCode": "NotAuthorizedForSourceException",
                  "ErrorMessage": "Not authorized for the source."}


@contextlib.contextmanager
def trusted() -> Iterator[None]:
    """Let ``put_events`` inside the block use ``aws.*`` sources (AWS services' own events)."""
    token = _trusted.set(True)
    try:
        yield
    finally:
        _trusted.reset(token)


def put_events(account_id: str, region: str, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``PutEvents`` on an account's backend, in process (entries as the API takes them)."""
    from moto.events.models import events_backends

    return events_backends[account_id][region].put_events(entries)


def _put_events(self: Any, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from helpers.offline import delivery

    endpoint = delivery.current()
    results: list[dict[str, Any] | None] = []
    accepted = []
    for entry in events:
        if str(entry.get("Source") or "").startswith("aws.") and not _trusted.get():
            results.append(dict(SOURCE_REFUSED))
            continue
        entry = dict(entry)
        if endpoint is not None and entry.get("Time") is None:
            entry["Time"] = endpoint.engine.now().timestamp()
        accepted.append(entry)
        results.append(None)
    answered = iter(_original_put_events(self, accepted) if accepted else [])
    return [r if r is not None else next(answered) for r in results]


def iso_time(value: Any) -> str:
    """An event's ``time`` as AWS writes it: ``2026-01-05T09:00:00Z``."""
    if isinstance(value, (int, float)):
        value = datetime.fromtimestamp(float(value), tz=UTC)
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def envelope(message: dict[str, Any]) -> dict[str, Any]:
    """The event as EventBridge delivers it to a target (AWS's key order)."""
    return {
        "version": message.get("version", "0"), "id": message["id"],
        "detail-type": message["detail-type"], "source": message["source"],
        "account": message["account"], "time": iso_time(message["time"]),
        "region": message["region"], "resources": list(message.get("resources", [])),
        "detail": message.get("detail", {}),
    }


def transform(transformer: dict[str, Any], event: dict[str, Any]) -> Any:
    """Apply a target's ``InputTransformer`` with moto's parser (templates that give JSON)."""
    from moto.events.utils import EventTemplateParser

    with_ingestion = dict(event, **{"ingestion-time": event["time"]})
    return EventTemplateParser.parse(input_template=transformer.get("InputTemplate"),
                                     input_paths_map=transformer.get("InputPathsMap", {}),
                                     event=with_ingestion)


def _send_to_targets(self: Any, original_event: dict[str, Any],
                     transform_input: bool = True) -> None:
    if not str(self.state).startswith("ENABLED"):
        return
    if not self.event_pattern.matches_event(original_event):
        return
    from helpers.offline import delivery, events

    event = envelope(original_event)
    rule = events.RuleRef(name=self.name, arn=self.arn, account_id=self.account_id,
                          region=self.region_name, event_bus=self.event_bus_name)
    endpoint = delivery.current()
    for target in self.targets:
        service = target["Arn"].split(":")[2]
        try:
            if service in ("sqs", "logs"):
                payload = events.target_input(target, event)
                if payload is not events.DROPPED:
                    _send_moto(self, service, target, payload)
            elif service == "events":
                view = copy.copy(self)
                view.targets = [target]
                with trusted():
                    _original_send(view, original_event, transform_input)
            else:
                events.deliver(endpoint, rule, target, event)
        except Exception:  # noqa: BLE001 - one failed target must not fail PutEvents
            log.exception("rule %s: delivery to %s failed; the event is dropped", rule.arn,
                          target["Arn"])


def _send_moto(rule: Any, service: str, target: dict[str, Any], payload: Any) -> None:
    body = payload if isinstance(payload, str) else json.dumps(payload)
    resource = target["Arn"].split(":")
    if service == "sqs":
        from moto.sqs.models import sqs_backends

        backend = sqs_backends[resource[4]][resource[3]]
        group = target.get("SqsParameters", {}).get("MessageGroupId")
        if group:
            attrs = backend.get_queue_attributes(queue_name=resource[5],
                                                 attribute_names=["ContentBasedDeduplication"])
            if attrs["ContentBasedDeduplication"] == "false":
                log.warning("rule %s: FIFO queue %s needs content-based deduplication for "
                            "EventBridge; the event is dropped", rule.arn, resource[5])
                return
        backend.send_message(queue_name=resource[5], message_body=body, group_id=group)
        return
    from moto.logs.models import logs_backends
    from moto.moto_api._internal import mock_random

    group_name = resource[6] if len(resource) > 6 else ""
    backend = logs_backends[resource[4]][resource[3]]
    stream = str(mock_random.uuid4())
    backend.create_log_stream(group_name, stream)
    when = payload.get("time") if isinstance(payload, dict) else None
    try:
        millis = int(datetime.strptime(str(when), "%Y-%m-%dT%H:%M:%SZ")
                     .replace(tzinfo=UTC).timestamp() * 1000)
    except ValueError:
        millis = int(datetime.now(UTC).timestamp() * 1000)
    backend.put_log_events(group_name, stream, [{"timestamp": millis, "message": body}])


def install() -> None:
    """Patch ``Rule.send_to_targets`` and ``EventsBackend.put_events`` (moto 5.2.5)."""
    global _original_send, _original_put_events
    from moto.events.models import EventsBackend, Rule

    if _original_send is None:
        _original_send = Rule.send_to_targets
        _original_put_events = EventsBackend.put_events
    Rule.send_to_targets = _send_to_targets
    EventsBackend.put_events = _put_events
