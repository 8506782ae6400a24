"""Service events and rule deliveries to SQS, SNS and Lambda, with AWS's target policies."""

from __future__ import annotations

import json
import logging

import pytest

from helpers.offline import events
from tests.offline import functions

PATTERN = json.dumps({"source": ["aws.codebuild"], "detail-type": ["CodeBuild Build State Change"]})


def _queue(aws, name="events"):
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    return url, arn["QueueArn"]


def _bodies(aws, url):
    messages = aws("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                          WaitTimeSeconds=0).get("Messages", [])
    return [json.loads(m["Body"]) for m in messages]


def _rule(aws, targets, name="builds", state="ENABLED"):
    eventbridge = aws("events")
    arn = eventbridge.put_rule(Name=name, EventPattern=PATTERN, State=state)["RuleArn"]
    eventbridge.put_targets(Rule=name, Targets=targets)
    return arn


def _build_failed(ep, **kwargs):
    return events.publish(ep, "aws.codebuild", "CodeBuild Build State Change",
                          {"build-status": "FAILED", "project-name": "app"}, **kwargs)


def test_publish_puts_a_service_event_with_the_standard_envelope(ep, aws):
    """publish() allows aws.* sources; the target gets AWS's envelope at the virtual time."""
    url, queue = _queue(aws)
    _rule(aws, [{"Id": "q", "Arn": queue}])
    build = "arn:aws:codebuild:us-east-1:123456789012:build/app:1"
    event_id = _build_failed(ep, resources=[build])
    [event] = _bodies(aws, url)
    assert event == {
        "version": "0", "id": event_id, "detail-type": "CodeBuild Build State Change",
        "source": "aws.codebuild", "account": "123456789012", "time": "2026-01-05T09:00:00Z",
        "region": "us-east-1", "resources": [build],
        "detail": {"build-status": "FAILED", "project-name": "app"}}
    assert list(event) == ["version", "id", "detail-type", "source", "account", "time",
                           "region", "resources", "detail"]


def test_publish_time_follows_the_virtual_clock(ep, aws):
    """An event published after the clock moved carries the new virtual time."""
    url, queue = _queue(aws)
    _rule(aws, [{"Id": "q", "Arn": queue}])
    ep.engine.advance(90)
    _build_failed(ep)
    assert _bodies(aws, url)[0]["time"] == "2026-01-05T09:01:30Z"


def test_publish_goes_to_the_named_accounts_bus(ep, aws):
    """An event for another account reaches only that account's rules."""
    url, queue = _queue(aws)
    _rule(aws, [{"Id": "q", "Arn": queue}])
    _build_failed(ep, account_id="222222222222")
    assert _bodies(aws, url) == []


def test_rule_to_lambda_with_permission_runs_the_handler(ep, aws):
    """A Lambda target whose policy allows events.amazonaws.com gets the event (async)."""
    function = functions.recorder(aws)
    rule = _rule(aws, [{"Id": "fn", "Arn": function}])
    aws("lambda").add_permission(FunctionName="recorder", StatementId="events",
                                 Action="lambda:InvokeFunction",
                                 Principal="events.amazonaws.com", SourceArn=rule)
    event_id = _build_failed(ep)
    [event] = functions.recorded(aws)
    assert event["id"] == event_id and event["detail"]["build-status"] == "FAILED"


def test_rule_to_lambda_without_permission_is_not_delivered(ep, aws, caplog):
    """Without lambda add-permission for events.amazonaws.com the event is dropped, and logged."""
    function = functions.recorder(aws)
    _rule(aws, [{"Id": "fn", "Arn": function}])
    with caplog.at_level(logging.WARNING, logger="helpers.offline.events"):
        _build_failed(ep)
    assert functions.recorded(aws) == []
    assert "does not allow events.amazonaws.com" in caplog.text


def test_permission_for_another_rule_does_not_count(ep, aws):
    """A permission whose SourceArn names another rule does not allow this one."""
    function = functions.recorder(aws)
    _rule(aws, [{"Id": "fn", "Arn": function}])
    aws("lambda").add_permission(
        FunctionName="recorder", StatementId="other", Action="lambda:InvokeFunction",
        Principal="events.amazonaws.com",
        SourceArn="arn:aws:events:us-east-1:123456789012:rule/other")
    _build_failed(ep)
    assert functions.recorded(aws) == []


def _topic(aws, allow_events):
    sns = aws("sns")
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    if allow_events:
        sns.set_topic_attributes(TopicArn=topic, AttributeName="Policy", AttributeValue=json.dumps(
            {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sns:Publish", "Resource": topic}]}))
    return topic


@pytest.mark.parametrize("allow_events", [True, False])
def test_rule_to_sns_to_sqs_needs_the_topic_policy(ep, aws, allow_events):
    """EventBridge publishes to a topic only if its policy allows events.amazonaws.com."""
    url, queue = _queue(aws)
    topic = _topic(aws, allow_events)
    aws("sns").subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue)
    _rule(aws, [{"Id": "topic", "Arn": topic}])
    event_id = _build_failed(ep)
    bodies = _bodies(aws, url)
    if allow_events:
        [notification] = bodies
        assert notification["TopicArn"] == topic
        assert json.loads(notification["Message"])["id"] == event_id
    else:
        assert bodies == []


def test_disabled_rule_does_not_deliver(ep, aws):
    """A DISABLED rule delivers nothing; once enabled it delivers."""
    url, queue = _queue(aws)
    _rule(aws, [{"Id": "q", "Arn": queue}], state="DISABLED")
    _build_failed(ep)
    assert _bodies(aws, url) == []
    aws("events").enable_rule(Name="builds")
    _build_failed(ep)
    assert len(_bodies(aws, url)) == 1


def test_input_and_input_path(ep, aws):
    """Input sends constant JSON; InputPath sends part of the event."""
    url, queue = _queue(aws)
    _rule(aws, [{"Id": "const", "Arn": queue, "Input": '{"fixed": 1}'},
                {"Id": "path", "Arn": queue, "InputPath": "$.detail"}])
    _build_failed(ep)
    bodies = _bodies(aws, url)
    assert sorted(bodies, key=json.dumps) == sorted(
        [{"fixed": 1}, {"build-status": "FAILED", "project-name": "app"}], key=json.dumps)


def test_register_target_receives_matching_events(ep, aws, monkeypatch):
    """Another service registers a delivery for its target type and gets the payload."""
    seen = []
    monkeypatch.setattr(events, "_targets", dict(events._targets))
    events.register_target("cdwtest", lambda endpoint, rule, target, payload:
                           seen.append((rule.name, target["Id"], payload["id"])))
    _rule(aws, [{"Id": "custom", "Arn": "arn:aws:cdwtest:us-east-1:123456789012:thing/x"}])
    event_id = _build_failed(ep)
    assert seen == [("builds", "custom", event_id)]
