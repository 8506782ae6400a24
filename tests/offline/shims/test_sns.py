"""Contract: SNS on the endpoint delivers to Lambda subscribers by running the handler."""

from __future__ import annotations

import json

from tests.offline import functions


def _allow_sns(aws, topic):
    aws("lambda").add_permission(FunctionName="recorder", StatementId="sns",
                                 Action="lambda:InvokeFunction", Principal="sns.amazonaws.com",
                                 SourceArn=topic)


def test_moto_internals_the_shim_patches(ep, aws):
    """moto's Subscription keeps protocol, endpoint, topic and filter matcher; topics a policy."""
    from moto.sns.models import Subscription, sns_backends

    sns = aws("sns")
    topic = sns.create_topic(Name="t")["TopicArn"]
    sub = sns.subscribe(TopicArn=topic, Protocol="lambda",
                        Endpoint="arn:aws:lambda:us-east-1:123456789012:function:f")
    backend = sns_backends["123456789012"]["us-east-1"]
    model = backend.subscriptions[sub["SubscriptionArn"]]
    assert isinstance(model, Subscription)
    assert (model.protocol, model.topic.arn) == ("lambda", topic)
    assert model._filter_policy_matcher is None
    assert json.loads(backend.topics[topic].policy)["Statement"]


def test_lambda_subscriber_gets_the_sns_event(ep, aws):
    """The handler receives Records[0].Sns with the real topic, message, subject and id."""
    function = functions.recorder(aws)
    sns = aws("sns")
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    sub = sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=function)["SubscriptionArn"]
    _allow_sns(aws, topic)
    message_id = sns.publish(TopicArn=topic, Message="build failed", Subject="CI",
                             MessageAttributes={"team": {"DataType": "String",
                                                         "StringValue": "blue"}})["MessageId"]
    [event] = functions.recorded(aws)
    record = event["Records"][0]
    assert record["EventSource"] == "aws:sns" and record["EventSubscriptionArn"] == sub
    assert record["Sns"]["TopicArn"] == topic
    assert record["Sns"]["MessageId"] == message_id
    assert (record["Sns"]["Message"], record["Sns"]["Subject"]) == ("build failed", "CI")
    assert record["Sns"]["Type"] == "Notification"
    assert record["Sns"]["Timestamp"] == "2026-01-05T09:00:00.000Z"
    assert record["Sns"]["MessageAttributes"] == {"team": {"Type": "String", "Value": "blue"}}


def test_lambda_subscriber_without_permission_is_not_invoked(ep, aws):
    """Without a resource policy allowing sns.amazonaws.com the function does not run."""
    function = functions.recorder(aws)
    sns = aws("sns")
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=function)
    sns.publish(TopicArn=topic, Message="hello")
    assert functions.recorded(aws) == []


def test_filter_policy_applies_to_lambda_subscribers(ep, aws):
    """A message the subscription's filter policy rejects does not invoke the function."""
    function = functions.recorder(aws)
    sns = aws("sns")
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=function,
                  Attributes={"FilterPolicy": json.dumps({"team": ["red"]})})
    _allow_sns(aws, topic)
    sns.publish(TopicArn=topic, Message="skip me", MessageAttributes={
        "team": {"DataType": "String", "StringValue": "blue"}})
    sns.publish(TopicArn=topic, Message="take me", MessageAttributes={
        "team": {"DataType": "String", "StringValue": "red"}})
    assert [e["Records"][0]["Sns"]["Message"] for e in functions.recorded(aws)] == ["take me"]


def test_sqs_subscribers_keep_motos_delivery(ep, aws):
    """SQS subscriptions still get moto's notification JSON."""
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    sns = aws("sns")
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue["Attributes"]["QueueArn"])
    sns.publish(TopicArn=topic, Message="to the queue")
    [message] = sqs.receive_message(QueueUrl=url)["Messages"]
    assert json.loads(message["Body"])["Message"] == "to the queue"
