"""EventBridge on the offline endpoint: service events, and delivery to SNS and Lambda targets.

* :func:`publish` puts an AWS service's event (``aws.codebuild``, ``aws.codepipeline``, …) on an
  account's default bus, with the standard envelope and the engine's virtual time. Every emulated
  service emits its events through it.
* Rules deliver to SQS and CloudWatch Logs in moto (fixed by :mod:`helpers.offline.shims.events`)
  and to SNS topics and Lambda functions here. As on AWS, EventBridge may publish to a topic only
  if the topic policy allows ``events.amazonaws.com`` ``sns:Publish``, and invoke a function only
  if its resource policy allows ``events.amazonaws.com`` ``lambda:InvokeFunction`` (``lambda
  add-permission``); otherwise the event is dropped for that target and the endpoint logs why.
* Other services register a delivery for their target type with :func:`register_target` (e.g.
  CodePipeline for ``arn:aws:codepipeline:…`` targets). Unregistered types are dropped with a log.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from helpers.offline import delivery, resource_policy

log = logging.getLogger(__name__)

DEFAULT_ACCOUNT = "123456789012"
#: Returned by :func:`target_input` when the target's input cannot be built (the event is dropped).
DROPPED = object()


@dataclass(frozen=True)
class RuleRef:
    """The rule a delivery comes from (for policies' ``aws:SourceArn`` and for logs)."""

    name: str
    arn: str
    account_id: str
    region: str
    event_bus: str = "default"


#: Deliveries by target service (the third field of the target ARN).
_targets: dict[str, Callable[[Any, RuleRef, dict[str, Any], Any], None]] = {}


def register_target(service: str,
                    deliver_fn: Callable[[Any, RuleRef, dict[str, Any], Any], None]) -> None:
    """Let rules deliver to targets of ``service`` (e.g. ``"codepipeline"``).

    ``deliver_fn(endpoint, rule, target, payload)`` is called synchronously inside ``PutEvents``
    (or :func:`publish`); start anything long on the engine. ``payload`` is the target's input:
    the event, or what ``Input``/``InputPath`` make of it.
    """
    _targets[service] = deliver_fn


class EventRefused(ValueError):
    """:func:`publish` was given an event that EventBridge does not accept."""


def publish(endpoint: Any, source: str, detail_type: str, detail: dict[str, Any],
            resources: Iterable[str] = (), account_id: str = DEFAULT_ACCOUNT,
            region: str = "us-east-1") -> str:
    """Put a service event on the account's default bus; return its event id.

    Unlike ``PutEvents`` from a client, ``source`` may be in the ``aws.`` namespace (only AWS
    services may use it). The envelope's ``time`` is the engine's virtual now. Safe to call on the
    engine thread: SQS and Logs deliveries happen at once, Lambda deliveries are queued on the
    engine.
    """
    from helpers.offline.shims import events as shim

    entry = {"Source": source, "DetailType": detail_type, "Detail": json.dumps(detail),
             "Resources": list(resources), "Time": endpoint.engine.now().timestamp()}
    with delivery.using(endpoint), shim.trusted():
        answer = shim.put_events(account_id, region, [entry])[0]
    if "ErrorCode" in answer:
        raise EventRefused(f"{source} / {detail_type}: {answer['ErrorMessage']}")
    return answer["EventId"]


def target_input(target: dict[str, Any], event: dict[str, Any]) -> Any:
    """What a target receives: ``Input`` (constant JSON), ``InputPath``, ``InputTransformer``
    (moto's, JSON templates only), or the whole event. Returns :data:`DROPPED` when the input
    cannot be built (logged)."""
    if target.get("Input") is not None:
        try:
            return json.loads(target["Input"])
        except ValueError:
            log.warning("target %s: Input is not valid JSON; the event is dropped", target["Id"])
            return DROPPED
    if target.get("InputPath"):
        return _json_path(event, target["InputPath"])
    if target.get("InputTransformer"):
        from helpers.offline.shims import events as shim

        try:
            return shim.transform(target["InputTransformer"], event)
        except Exception:  # noqa: BLE001 - the learner's template; say which target
            log.warning("target %s: its InputTransformer could not be applied offline (only "
                        "templates that give JSON are supported); the event is dropped",
                        target["Id"])
            return DROPPED
    return event


def _json_path(event: dict[str, Any], path: str) -> Any:
    """The value at a simple JSONPath (``$``, ``$.detail``, ``$.detail.state``)."""
    value: Any = event
    for part in [p for p in path.strip().lstrip("$").split(".") if p]:
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def deliver(endpoint: Any, rule: RuleRef, target: dict[str, Any], event: dict[str, Any]) -> None:
    """Deliver a matched event to one target that moto does not deliver itself."""
    service = target["Arn"].split(":")[2]
    handler = _targets.get(service)
    if handler is None:
        log.warning("rule %s: target type %s (%s) is not supported offline; the event is "
                    "dropped", rule.arn, service, target["Arn"])
        return
    payload = target_input(target, event)
    if payload is DROPPED:
        return
    if endpoint is None:
        log.warning("rule %s: no offline endpoint to deliver to %s; the event is dropped",
                    rule.arn, target["Arn"])
        return
    handler(endpoint, rule, target, payload)


def _context(rule: RuleRef) -> dict[str, str]:
    return {"aws:SourceArn": rule.arn, "aws:SourceAccount": rule.account_id}


def _to_lambda(endpoint: Any, rule: RuleRef, target: dict[str, Any], payload: Any) -> None:
    from helpers.offline import lambda_runtime
    from helpers.offline.shims import awslambda

    arn = target["Arn"]
    account, region = arn.split(":")[4], arn.split(":")[3]
    statements = awslambda.policy_statements(account, region, arn)
    if not resource_policy.allows(statements, "events.amazonaws.com", "lambda:InvokeFunction",
                                  None, _context(rule)):
        log.warning("rule %s: not delivered to %s: the function's resource policy does not "
                    "allow events.amazonaws.com to invoke it (add it with lambda add-permission "
                    "--principal events.amazonaws.com --source-arn %s)", rule.arn, arn, rule.arn)
        return
    lambda_runtime.invoke_async(endpoint, arn, payload, account_id=account, region=region,
                                label=f"{rule.arn} -> {arn}")


def _to_sns(endpoint: Any, rule: RuleRef, target: dict[str, Any], payload: Any) -> None:
    from helpers.offline.shims import sns

    arn = target["Arn"]
    account, region = arn.split(":")[4], arn.split(":")[3]
    policy = sns.topic_policy(account, region, arn)
    if policy is None:
        log.warning("rule %s: not delivered: topic %s does not exist", rule.arn, arn)
        return
    if not resource_policy.allows(policy, "events.amazonaws.com", "sns:Publish", arn,
                                  _context(rule)):
        log.warning("rule %s: not delivered to %s: the topic policy does not allow "
                    "events.amazonaws.com to sns:Publish", rule.arn, arn)
        return
    message = payload if isinstance(payload, str) else json.dumps(payload)
    with delivery.using(endpoint):
        sns.publish(account, region, arn, message)


register_target("lambda", _to_lambda)
register_target("sns", _to_sns)
