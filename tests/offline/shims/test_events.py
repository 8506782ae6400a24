"""Contract: EventBridge ``PutEvents`` on the endpoint behaves as AWS's does."""

from __future__ import annotations

import json

from tests.offline import functions

PATTERN = json.dumps({"source": ["app.orders"]})
ENTRY = {"Source": "app.orders", "DetailType": "Order Placed", "Detail": '{"order": 7}'}


def _queue(aws):
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    return url, arn["QueueArn"]


def _bodies(aws, url):
    messages = aws("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(m["Body"]) for m in messages]


def test_moto_internals_the_shim_patches(ep, aws):
    """moto's Rule keeps state, pattern, targets and ARN where the shim reads them."""
    from moto.events.models import EventsBackend, Rule, events_backends

    aws("events").put_rule(Name="r", EventPattern=PATTERN, State="DISABLED")
    rule = events_backends["123456789012"]["us-east-1"].describe_event_bus("default").rules["r"]
    assert isinstance(rule, Rule)
    assert rule.state == "DISABLED" and rule.targets == []
    assert rule.arn == "arn:aws:events:us-east-1:123456789012:rule/r"
    assert rule.event_pattern.matches_event({"source": "app.orders"})
    assert callable(Rule.send_to_targets) and callable(EventsBackend.put_events)


def test_client_put_events_refuses_aws_sources_per_entry(ep, aws):
    """An aws.* source fails its entry with NotAuthorizedForSourceException; others go through."""
    answer = aws("events").put_events(Entries=[
        {**ENTRY, "Source": "aws.codecommit"}, ENTRY])
    assert answer["FailedEntryCount"] == 1
    refused, accepted = answer["Entries"]
    assert refused == {"ErrorCode": "NotAuthorizedForSourceException",
                       "ErrorMessage": "Not authorized for the source."}
    assert "EventId" in accepted


def test_sqs_target_gets_the_full_event(ep, aws):
    """The queue receives the whole event, account included, time from the virtual clock."""
    url, queue = _queue(aws)
    eventbridge = aws("events")
    eventbridge.put_rule(Name="r", EventPattern=PATTERN)
    eventbridge.put_targets(Rule="r", Targets=[{"Id": "q", "Arn": queue}])
    event_id = eventbridge.put_events(Entries=[ENTRY])["Entries"][0]["EventId"]
    assert _bodies(aws, url) == [{
        "version": "0", "id": event_id, "detail-type": "Order Placed", "source": "app.orders",
        "account": "123456789012", "time": "2026-01-05T09:00:00Z", "region": "us-east-1",
        "resources": [], "detail": {"order": 7}}]


def test_disabled_rule_does_not_deliver(ep, aws):
    """moto delivers on DISABLED rules; the endpoint does not."""
    url, queue = _queue(aws)
    eventbridge = aws("events")
    eventbridge.put_rule(Name="r", EventPattern=PATTERN, State="DISABLED")
    eventbridge.put_targets(Rule="r", Targets=[{"Id": "q", "Arn": queue}])
    eventbridge.put_events(Entries=[ENTRY])
    assert _bodies(aws, url) == []


def test_sns_and_lambda_targets_do_not_fail_put_events(ep, aws):
    """moto 500s on SNS and Lambda targets; here PutEvents succeeds and the function runs."""
    function = functions.recorder(aws)
    topic = aws("sns").create_topic(Name="t")["TopicArn"]
    eventbridge = aws("events")
    rule = eventbridge.put_rule(Name="r", EventPattern=PATTERN)["RuleArn"]
    eventbridge.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": topic},
                                               {"Id": "f", "Arn": function}])
    aws("lambda").add_permission(FunctionName="recorder", StatementId="e",
                                 Action="lambda:InvokeFunction",
                                 Principal="events.amazonaws.com", SourceArn=rule)
    answer = eventbridge.put_events(Entries=[ENTRY])
    assert answer["FailedEntryCount"] == 0
    assert [e["detail"] for e in functions.recorded(aws)] == [{"order": 7}]


def test_input_transformer_with_a_json_template(ep, aws):
    """An InputTransformer whose template is JSON is applied (moto's parser)."""
    url, queue = _queue(aws)
    eventbridge = aws("events")
    eventbridge.put_rule(Name="r", EventPattern=PATTERN)
    eventbridge.put_targets(Rule="r", Targets=[{"Id": "q", "Arn": queue, "InputTransformer": {
        "InputPathsMap": {"order": "$.detail.order"},
        "InputTemplate": '{"placed": <order>}'}}])
    eventbridge.put_events(Entries=[ENTRY])
    assert _bodies(aws, url) == [{"placed": 7}]
