"""Resource-policy evaluation for service principals (EventBridge, SNS)."""

from __future__ import annotations

import json

from helpers.offline.resource_policy import allows

RULE = "arn:aws:events:us-east-1:123456789012:rule/builds"
TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts"
CONTEXT = {"aws:SourceArn": RULE, "aws:SourceAccount": "123456789012"}


def _statement(**fields):
    return {"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sns:Publish", "Resource": TOPIC, **fields}


def test_allow_for_the_service_principal():
    """An Allow naming the service principal, action and resource allows."""
    assert allows([_statement()], "events.amazonaws.com", "sns:Publish", TOPIC, CONTEXT)


def test_other_principal_action_or_resource_does_not_allow():
    """A statement for another service, action or resource grants nothing here."""
    assert not allows([_statement(Principal={"Service": "sns.amazonaws.com"})],
                      "events.amazonaws.com", "sns:Publish", TOPIC, CONTEXT)
    assert not allows([_statement(Action="sns:Subscribe")],
                      "events.amazonaws.com", "sns:Publish", TOPIC, CONTEXT)
    assert not allows([_statement(Resource=TOPIC + "-other")],
                      "events.amazonaws.com", "sns:Publish", TOPIC, CONTEXT)


def test_wildcards_and_case_in_actions():
    """Actions match case-insensitively and with wildcards (SNS:* / *)."""
    assert allows([_statement(Action=["SNS:*"])], "events.amazonaws.com", "sns:Publish", TOPIC)
    assert allows([_statement(Action="*", Resource="*")], "events.amazonaws.com", "sns:Publish",
                  TOPIC)


def test_explicit_deny_wins():
    """A matching Deny overrides any Allow."""
    deny = _statement(Effect="Deny")
    assert not allows([_statement(), deny], "events.amazonaws.com", "sns:Publish", TOPIC)


def test_source_arn_condition():
    """ArnLike/ArnEquals on aws:SourceArn must match the rule."""
    mine = _statement(Condition={"ArnLike": {"AWS:SourceArn": RULE}})
    other = _statement(Condition={"ArnEquals": {"aws:SourceArn": RULE + "-other"}})
    assert allows([mine], "events.amazonaws.com", "sns:Publish", TOPIC, CONTEXT)
    assert not allows([other], "events.amazonaws.com", "sns:Publish", TOPIC, CONTEXT)


def test_default_topic_policy_does_not_allow_eventbridge():
    """SNS's default policy (everyone in the owner account) does not let EventBridge publish."""
    default = {"Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["SNS:Publish"],
        "Resource": TOPIC, "Condition": {"StringEquals": {"AWS:SourceOwner": "123456789012"}}}]}
    assert not allows(json.dumps(default), "events.amazonaws.com", "sns:Publish", TOPIC, CONTEXT)


def test_unknown_condition_operator_does_not_hold():
    """A condition the evaluator does not know grants nothing (conservative)."""
    odd = _statement(Condition={"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}})
    assert not allows([odd], "events.amazonaws.com", "sns:Publish", TOPIC, CONTEXT)


def test_no_policy_does_not_allow():
    """No statements: nothing is allowed."""
    assert not allows(None, "events.amazonaws.com", "lambda:InvokeFunction", None, CONTEXT)
