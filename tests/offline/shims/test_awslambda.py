"""Contract: ``lambda.invoke`` on the endpoint runs the real handler, as Lambda answers it."""

from __future__ import annotations

import base64
import json

import pytest
from botocore.exceptions import ClientError

from tests.offline import functions

ADD = "def handler(event, context):\n    print('adding')\n    return event['a'] + event['b']\n"
FAIL = "def handler(event, context):\n    raise KeyError('missing')\n"


def test_moto_internals_the_shim_reads(ep, aws):
    """moto keeps functions, versions, aliases and policy statements where the shim reads them."""
    from moto.awslambda.responses import LambdaResponse
    from moto.awslambda.utils import get_backend

    arn = functions.create(aws, "add", {"app.py": ADD})
    lam = aws("lambda")
    lam.publish_version(FunctionName="add")
    lam.create_alias(FunctionName="add", Name="live", FunctionVersion="1",
                     RoutingConfig={"AdditionalVersionWeights": {"1": 0.0}})
    lam.add_permission(FunctionName="add", StatementId="s", Action="lambda:InvokeFunction",
                       Principal="events.amazonaws.com", SourceArn="arn:aws:events:x")
    storage = get_backend("123456789012", "us-east-1")._lambdas
    latest = storage._functions["add"]["latest"]
    assert latest.code_bytes and latest.run_time == "python3.12" and latest.handler == "app.handler"
    assert storage._get_version("add", "1").version == 1
    alias = storage._aliases[arn]["live"]
    assert alias.function_version == "1"
    assert alias.routing_config == {"AdditionalVersionWeights": {"1": 0.0}}
    assert latest.policy.statements[0]["Principal"] == {"Service": "events.amazonaws.com"}
    assert latest.policy.statements[0]["Condition"] == {
        "ArnLike": {"AWS:SourceArn": "arn:aws:events:x"}}
    assert callable(LambdaResponse.invoke) and callable(LambdaResponse.invoke_async)


def test_request_response_returns_the_handler_result(ep, aws):
    """A synchronous invoke answers 200 with the handler's return value."""
    functions.create(aws, "add", {"app.py": ADD})
    answer = aws("lambda").invoke(FunctionName="add", Payload=json.dumps({"a": 2, "b": 3}))
    assert answer["StatusCode"] == 200
    assert "FunctionError" not in answer
    assert answer["ExecutedVersion"] == "$LATEST"
    assert json.loads(answer["Payload"].read()) == 5


def test_handler_error_is_unhandled_with_the_error_payload(ep, aws):
    """A failing handler answers 200, FunctionError Unhandled and Lambda's error document."""
    functions.create(aws, "fail", {"app.py": FAIL})
    answer = aws("lambda").invoke(FunctionName="fail", Payload=b"{}")
    assert answer["StatusCode"] == 200
    assert answer["FunctionError"] == "Unhandled"
    error = json.loads(answer["Payload"].read())
    assert error["errorType"] == "KeyError" and error["errorMessage"] == "'missing'"
    assert error["stackTrace"]


def test_log_type_tail_returns_the_log(ep, aws):
    """LogType=Tail returns the base64 log with the handler's prints."""
    functions.create(aws, "add", {"app.py": ADD})
    lam = aws("lambda")
    answer = lam.invoke(FunctionName="add", Payload=b'{"a": 1, "b": 1}', LogType="Tail")
    log = base64.b64decode(answer["LogResult"]).decode()
    assert log.startswith("START RequestId: ") and "\nadding\n" in log
    assert "LogResult" not in lam.invoke(FunctionName="add", Payload=b'{"a": 1, "b": 1}')


def test_qualifier_selects_the_version(ep, aws):
    """Qualifier=<version> runs that version's code."""
    lam = aws("lambda")
    functions.create(aws, "v", {"app.py": "def handler(e, c):\n    return 'one'\n"})
    lam.publish_version(FunctionName="v")
    lam.update_function_code(FunctionName="v", ZipFile=functions.package(
        {"app.py": "def handler(e, c):\n    return 'two'\n"}))
    answer = lam.invoke(FunctionName="v", Qualifier="1", Payload=b"{}")
    assert (json.loads(answer["Payload"].read()), answer["ExecutedVersion"]) == ("one", "1")


def test_event_invocation_runs_asynchronously(ep, aws):
    """InvocationType=Event answers 202 at once; the handler has run by the next read."""
    functions.recorder(aws)
    answer = aws("lambda").invoke(FunctionName="recorder", InvocationType="Event",
                                  Payload=json.dumps({"async": True}))
    assert answer["StatusCode"] == 202
    assert answer["Payload"].read() == b""
    assert functions.recorded(aws) == [{"async": True}]


def test_dry_run_does_not_run_the_handler(ep, aws):
    """InvocationType=DryRun answers 204 and runs nothing."""
    functions.recorder(aws)
    answer = aws("lambda").invoke(FunctionName="recorder", InvocationType="DryRun",
                                  Payload=b"{}")
    assert answer["StatusCode"] == 204
    assert functions.recorded(aws) == []


def test_unknown_function_is_resource_not_found(ep, aws):
    """Invoking a function that does not exist is ResourceNotFoundException."""
    with pytest.raises(ClientError) as caught:
        aws("lambda").invoke(FunctionName="ghost", Payload=b"{}")
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert "function:ghost" in caught.value.response["Error"]["Message"]


def test_invoke_by_qualified_arn(ep, aws):
    """FunctionName may be a qualified ARN (alias)."""
    lam = aws("lambda")
    arn = functions.create(aws, "add", {"app.py": ADD})
    lam.publish_version(FunctionName="add")
    lam.create_alias(FunctionName="add", Name="live", FunctionVersion="1")
    answer = lam.invoke(FunctionName=f"{arn}:live", Payload=b'{"a": 4, "b": 5}')
    assert (json.loads(answer["Payload"].read()), answer["ExecutedVersion"]) == (9, "1")


FLAKY = """
import json, os
import boto3

def handler(event, context):
    boto3.client("s3").put_object(Bucket=os.environ["OUT_BUCKET"],
                                  Key="events/" + context.aws_request_id, Body=json.dumps(event))
    raise RuntimeError("always fails")
"""


def test_failed_event_invocation_is_retried_twice(ep, aws):
    """An asynchronous invocation that fails runs twice more, 1 and 2 virtual minutes later."""
    aws("s3").create_bucket(Bucket="cdw-out")
    functions.create(aws, "flaky", {"app.py": FLAKY},
                     Environment={"Variables": {"OUT_BUCKET": "cdw-out"}})
    started = ep.engine.now_seconds()
    aws("lambda").invoke(FunctionName="flaky", InvocationType="Event", Payload=b'{"try": 1}')
    assert functions.recorded(aws) == [{"try": 1}] * 3
    assert ep.engine.now_seconds() - started == 180


def test_maximum_retry_attempts_zero_runs_once(ep, aws):
    """With MaximumRetryAttempts=0 a failed asynchronous invocation is not retried."""
    aws("s3").create_bucket(Bucket="cdw-out")
    functions.create(aws, "flaky", {"app.py": FLAKY},
                     Environment={"Variables": {"OUT_BUCKET": "cdw-out"}})
    aws("lambda").put_function_event_invoke_config(FunctionName="flaky", MaximumRetryAttempts=0)
    aws("lambda").invoke(FunctionName="flaky", InvocationType="Event", Payload=b'{"try": 1}')
    assert functions.recorded(aws) == [{"try": 1}]


def test_deprecated_invoke_async_runs_the_handler(ep, aws):
    """InvokeAsync answers Status 202 and the handler runs asynchronously."""
    functions.recorder(aws)
    answer = aws("lambda").invoke_async(FunctionName="recorder", InvokeArgs=b'{"old": "api"}')
    assert answer["Status"] == 202
    assert functions.recorded(aws) == [{"old": "api"}]
