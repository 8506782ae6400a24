"""moto's SNS: deliver to Lambda subscribers by running the real handler.

moto 5.2.5 (sns/models.py ``Subscription.publish``) hands a ``lambda`` subscription's message to
``LambdaBackend.send_sns_message``, which builds a canned event (fixed ``TopicArn``
``arn:aws:sns:EXAMPLE``, a ``1970`` timestamp, fake message attributes) and runs it through
moto's Docker invoke. Here the subscriber gets the SNS event as Lambda receives it
(``Records[0].Sns`` with the real topic, message id, subject, attributes and the virtual time),
invoked asynchronously through the offline runtime — if the function's resource policy allows
``sns.amazonaws.com`` to invoke it, as on AWS. Other protocols keep moto's behaviour.
"""

from __future__ import annotations

import json
import logging
from typing import Any

log = logging.getLogger(__name__)

_original_publish: Any = None


def _backend(account_id: str, region: str) -> Any:
    from moto.sns.models import sns_backends

    return sns_backends[account_id][region]


def topic_policy(account_id: str, region: str, topic_arn: str) -> dict[str, Any] | None:
    """The topic's access policy document, or None when there is no such topic."""
    topic = _backend(account_id, region).topics.get(topic_arn)
    return None if topic is None else json.loads(topic.policy)


def publish(account_id: str, region: str, topic_arn: str, message: str,
            subject: str | None = None) -> str:
    """Publish to a topic in process (as a service delivering to it would); return the id."""
    return _backend(account_id, region).publish(message, arn=topic_arn, subject=subject)


def lambda_event(subscription: Any, message: str, message_id: str, subject: str | None,
                 attributes: dict[str, Any] | None, timestamp: str) -> dict[str, Any]:
    """The event a Lambda subscriber receives for one message."""
    region = subscription.topic.sns_backend.region_name
    return {"Records": [{
        "EventSource": "aws:sns", "EventVersion": "1.0",
        "EventSubscriptionArn": subscription.arn,
        "Sns": {
            "Type": "Notification", "MessageId": message_id,
            "TopicArn": subscription.topic.arn, "Subject": subject, "Message": message,
            "Timestamp": timestamp, "SignatureVersion": "1", "Signature": "",
            "SigningCertUrl": f"https://sns.{region}.amazonaws.com/offline.pem",
            "UnsubscribeUrl": f"https://sns.{region}.amazonaws.com/?Action=Unsubscribe"
                              f"&SubscriptionArn={subscription.arn}",
            "MessageAttributes": {k: {"Type": v.get("Type"), "Value": v.get("Value")}
                                  for k, v in (attributes or {}).items()},
        }}]}


def _publish(self: Any, message: str, message_id: str, subject: str | None = None,
             message_attributes: dict[str, Any] | None = None, group_id: str | None = None,
             deduplication_id: str | None = None, message_structure: str | None = None) -> None:
    if self.protocol != "lambda":
        return _original_publish(self, message, message_id, subject=subject,
                                 message_attributes=message_attributes, group_id=group_id,
                                 deduplication_id=deduplication_id,
                                 message_structure=message_structure)
    from helpers.offline import delivery, lambda_runtime, resource_policy
    from helpers.offline.shims import awslambda

    if self._filter_policy_matcher is not None and not self._filter_policy_matcher.matches(
            message_attributes, message):
        return None
    if message_structure == "json":
        message = self._parse_message_structure(message, self.protocol)
    endpoint = delivery.current()
    arn = self.endpoint
    if endpoint is None:
        log.warning("sns %s: no offline endpoint to invoke %s; the message is dropped",
                    self.topic.arn, arn)
        return None
    account, region = arn.split(":")[4], arn.split(":")[3]
    context = {"aws:SourceArn": self.topic.arn, "aws:SourceAccount": self.topic.account_id}
    if not resource_policy.allows(awslambda.policy_statements(account, region, arn),
                                  "sns.amazonaws.com", "lambda:InvokeFunction", None, context):
        log.warning("sns %s: not delivered to %s: the function's resource policy does not allow "
                    "sns.amazonaws.com to invoke it (lambda add-permission --principal "
                    "sns.amazonaws.com --source-arn %s)", self.topic.arn, arn, self.topic.arn)
        return None
    stamp = endpoint.engine.now().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    event = lambda_event(self, message, message_id, subject, message_attributes, stamp)
    lambda_runtime.invoke_async(endpoint, arn, event, account_id=account, region=region,
                                label=f"{self.topic.arn} -> {arn}")
    return None


def install() -> None:
    """Patch ``Subscription.publish`` for the ``lambda`` protocol (moto 5.2.5)."""
    global _original_publish
    from moto.sns.models import Subscription

    if _original_publish is None:
        _original_publish = Subscription.publish
    Subscription.publish = _publish
