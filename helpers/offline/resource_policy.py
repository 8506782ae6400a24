"""Does a resource policy let an AWS service principal act on a resource?

Used for deliveries that AWS authorises on the target's resource policy: EventBridge invoking a
Lambda function (``events.amazonaws.com``, granted with ``lambda add-permission``), EventBridge
publishing to an SNS topic (the topic policy), SNS invoking a Lambda subscriber
(``sns.amazonaws.com``).

The evaluation is the part of IAM's that these policies use: an explicit ``Deny`` wins, else some
``Allow`` must match principal, action, resource and every condition. Supported condition
operators: ``StringEquals``/``StringLike``/``ArnEquals``/``ArnLike`` (and their ``Not`` forms)
over the keys the caller passes in ``context`` (``aws:SourceArn``, ``aws:SourceAccount``). A
condition on any other key or with another operator does not hold (so a statement that relies on
it grants nothing), which is the conservative reading.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable
from typing import Any

_OPERATORS = {"stringequals", "stringlike", "arnequals", "arnlike",
              "stringnotequals", "stringnotlike", "arnnotequals", "arnnotlike"}


def allows(statements: Iterable[dict[str, Any]] | str | None, service: str, action: str,
           resource: str | None, context: dict[str, str] | None = None) -> bool:
    """True when the policy lets ``service`` (e.g. ``events.amazonaws.com``) do ``action``.

    Args:
        statements: The policy's statements, or the policy document (dict or JSON text).
        service: The service principal.
        action: The action, e.g. ``lambda:InvokeFunction``.
        resource: The resource ARN acted on (None: the caller already picked the statements
            that apply to the resource, as for a Lambda function's own policy).
        context: Condition keys and their values, e.g. ``{"aws:SourceArn": rule_arn}``.
    """
    context = {k.lower(): v for k, v in (context or {}).items()}
    allowed = False
    for statement in _statements(statements):
        if not (_principal(statement.get("Principal"), service)
                and _matches_any(statement.get("Action", []), action)
                and (resource is None
                     or _matches_any(statement.get("Resource", "*"), resource, arn=True))
                and _conditions(statement.get("Condition") or {}, context)):
            continue
        if statement.get("Effect") == "Deny":
            return False
        if statement.get("Effect") == "Allow":
            allowed = True
    return allowed


def _statements(policy: Any) -> list[dict[str, Any]]:
    if policy is None:
        return []
    if isinstance(policy, str):
        policy = json.loads(policy)
    if isinstance(policy, dict):
        policy = policy.get("Statement", [])
    if isinstance(policy, dict):
        return [policy]
    return list(policy)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _principal(principal: Any, service: str) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    if "*" in _as_list(principal.get("AWS", [])):
        return True
    return service in _as_list(principal.get("Service", []))


def _matches_any(patterns: Any, value: str, arn: bool = False) -> bool:
    for pattern in _as_list(patterns):
        if arn and fnmatch.fnmatchcase(value, pattern):
            return True
        if not arn and fnmatch.fnmatchcase(value.lower(), str(pattern).lower()):
            return True
    return False


def _conditions(conditions: dict[str, Any], context: dict[str, str]) -> bool:
    for operator, tests in conditions.items():
        op = operator.lower()
        if op not in _OPERATORS:
            return False
        for key, expected in tests.items():
            actual = context.get(key.lower())
            if actual is None:
                return False
            if "like" in op:
                hit = any(fnmatch.fnmatchcase(actual, p) for p in _as_list(expected))
            else:
                hit = actual in [str(e) for e in _as_list(expected)]
            if hit == ("not" in op):
                return False
    return True
