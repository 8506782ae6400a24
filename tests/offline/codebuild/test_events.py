"""CodeBuild's EventBridge events reach a rule's SQS target (reference §B.6)."""

from __future__ import annotations

import json


def _queue(aws, detail_type: str) -> str:
    sqs, events = aws("sqs"), aws("events")
    url = sqs.create_queue(QueueName="builds")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    events.put_rule(Name="cb", EventPattern=json.dumps(
        {"source": ["aws.codebuild"], "detail-type": [detail_type]}))
    events.put_targets(Rule="cb", Targets=[{"Id": "q", "Arn": arn}])
    return url


def _messages(aws, url: str) -> list[dict]:
    out = []
    while True:
        got = aws("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10)
        if not got.get("Messages"):
            return out
        for msg in got["Messages"]:
            out.append(json.loads(msg["Body"]))
            aws("sqs").delete_message(QueueUrl=url, ReceiptHandle=msg["ReceiptHandle"])


def test_state_change_events(run_build, aws):
    """IN_PROGRESS then FAILED, with the build ARN as build-id and in resources."""
    url = _queue(aws, "CodeBuild Build State Change")
    build = run_build("version: 0.2\nphases:\n  build:\n    commands: [false]\n")
    events = _messages(aws, url)
    assert [e["detail"]["build-status"] for e in events] == ["IN_PROGRESS", "FAILED"]
    last = events[-1]
    assert last["source"] == "aws.codebuild" and last["resources"] == [build["arn"]]
    assert last["detail"]["build-id"] == build["arn"]
    assert last["detail"]["project-name"] == "app"
    assert last["detail"]["additional-information"]["logs"]["group-name"] == "/aws/codebuild/app"
    assert last["detail"]["additional-information"]["build-complete"] is True


def test_phase_change_events(run_build, aws):
    """One phase event per finished phase, in order, with status and context."""
    url = _queue(aws, "CodeBuild Build Phase Change")
    run_build("version: 0.2\nphases:\n  build:\n    commands: [false]\n")
    events = _messages(aws, url)
    completed = [(e["detail"]["completed-phase"], e["detail"]["completed-phase-status"])
                 for e in events]
    assert completed[:3] == [("SUBMITTED", "SUCCEEDED"), ("QUEUED", "SUCCEEDED"),
                             ("PROVISIONING", "SUCCEEDED")]
    assert ("BUILD", "FAILED") in completed and completed[-1] == ("FINALIZING", "SUCCEEDED")
    failed = next(e for e in events if e["detail"]["completed-phase"] == "BUILD")
    assert "COMMAND_EXECUTION_ERROR" in failed["detail"]["completed-phase-context"]
