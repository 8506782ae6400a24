"""The offline Lambda runtime: handlers run from their package, as Lambda runs them."""

from __future__ import annotations

import json

import pytest

from helpers.offline import lambda_runtime
from tests.offline import functions

ECHO = """
import os

def handler(event, context):
    print("got", event)
    return {
        "event": event,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "aws_request_id": context.aws_request_id,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining": context.get_remaining_time_in_millis(),
        "task_root": os.environ["LAMBDA_TASK_ROOT"],
        "env": {k: v for k, v in os.environ.items() if k.startswith(("AWS_", "GREETING"))},
    }
"""


def test_returns_the_handler_result_with_a_lambda_context(ep, aws):
    """The handler gets the event and a context object; its return value is the payload."""
    arn = functions.create(aws, "echo", {"app.py": ECHO}, Timeout=7, MemorySize=256)
    result = lambda_runtime.invoke(ep, "echo", {"n": 1})
    body = result.payload
    assert result.function_error is None and result.status_code == 200
    assert body["event"] == {"n": 1}
    assert body["function_name"] == "echo" and body["function_version"] == "$LATEST"
    assert body["invoked_function_arn"] == arn
    assert body["memory_limit_in_mb"] == "256"
    assert body["aws_request_id"] == result.request_id
    assert body["log_group_name"] == "/aws/lambda/echo"
    assert body["log_stream_name"].startswith("2026/01/05/[$LATEST]")
    assert 0 < body["remaining"] <= 7000


def test_environment_is_the_functions_and_the_jobs_never_the_callers(ep, aws, monkeypatch):
    """Function variables and Lambda's reserved ones are set; the caller's AWS_* are not."""
    functions.create(aws, "echo", {"app.py": ECHO},
                     Environment={"Variables": {"GREETING": "hello"}})
    monkeypatch.setenv("AWS_PROFILE", "learner-real-profile")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "learner-real-token")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "LEARNERREALKEY000001")
    env = lambda_runtime.invoke(ep, "echo", {}).payload["env"]
    assert env["GREETING"] == "hello"
    assert env["AWS_ACCESS_KEY_ID"].startswith("CDWJOB")
    assert env["AWS_ENDPOINT_URL"] == ep.url
    assert env["AWS_REGION"] == "us-east-1"
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "echo"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "128"
    assert "AWS_PROFILE" not in env and "AWS_SESSION_TOKEN" not in env
    assert "learner" not in json.dumps(env)


def test_handler_in_a_subfolder(ep, aws):
    """A handler string ``pkg/mod.func`` imports ``pkg.mod``."""
    functions.create(aws, "nested", {"pkg/__init__.py": "", "pkg/mod.py":
                                     "def run(event, context):\n    return event['x'] * 2\n"},
                     handler="pkg/mod.run")
    assert lambda_runtime.invoke(ep, "nested", {"x": 21}).payload == 42


def test_error_is_reported_as_lambda_reports_it(ep, aws):
    """An exception becomes errorType/errorMessage/requestId/stackTrace and FunctionError."""
    functions.create(aws, "boom", {"app.py": "def handler(event, context):\n"
                                             "    raise ValueError('no good: ' + event['why'])\n"})
    result = lambda_runtime.invoke(ep, "boom", {"why": "test"})
    assert result.function_error == "Unhandled"
    assert list(result.payload) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert result.payload["errorType"] == "ValueError"
    assert result.payload["errorMessage"] == "no good: test"
    assert result.payload["requestId"] == result.request_id
    assert "line 2, in handler" in result.payload["stackTrace"][-1]
    assert "[ERROR] ValueError: no good: test" in result.log


@pytest.mark.parametrize(("files", "handler", "error_type", "message"), [
    ({"app.py": "x = 1\n"}, "missing.handler", "Runtime.ImportModuleError",
     "Unable to import module 'missing': No module named 'missing'"),
    ({"app.py": "x = 1\n"}, "app.handler", "Runtime.HandlerNotFound",
     "Handler 'handler' missing on module 'app'"),
    ({"app.py": "def handler(:\n"}, "app.handler", "Runtime.UserCodeSyntaxError",
     "Syntax error in module 'app'"),
])
def test_loading_errors(ep, aws, files, handler, error_type, message):
    """A handler that cannot be loaded fails with the Python runtime's error type."""
    functions.create(aws, "broken", files, handler=handler)
    result = lambda_runtime.invoke(ep, "broken", {})
    assert result.function_error == "Unhandled"
    assert result.payload["errorType"] == error_type
    assert result.payload["errorMessage"].startswith(message)


def test_timeout_kills_the_handler(ep, aws):
    """A handler running past its timeout is killed with Lambda's timeout error."""
    functions.create(aws, "slow", {"app.py": "import time\ndef handler(e, c):\n"
                                             "    print('starting')\n    time.sleep(60)\n"},
                     Timeout=1)
    result = lambda_runtime.invoke(ep, "slow", {})
    assert result.function_error == "Unhandled"
    assert result.payload == {"errorMessage": f"RequestId: {result.request_id} Error: Task "
                                              "timed out after 1.00 seconds",
                              "errorType": "Sandbox.Timedout"}
    assert "starting" in result.log and "Task timed out after 1.00 seconds" in result.log


def test_result_that_is_not_json(ep, aws):
    """A result json cannot encode is Runtime.MarshalError."""
    functions.create(aws, "sets", {"app.py": "def handler(e, c):\n    return {1, 2}\n"})
    result = lambda_runtime.invoke(ep, "sets", {})
    assert result.payload["errorType"] == "Runtime.MarshalError"


def test_handler_calls_back_into_the_endpoint(ep, aws):
    """The handler's boto3 calls reach the endpoint with the job's credentials (no deadlock)."""
    functions.recorder(aws)
    result = lambda_runtime.invoke(ep, "recorder", {"hello": "s3"})
    assert result.function_error is None
    assert functions.recorded(aws) == [{"hello": "s3"}]


def test_log_goes_to_cloudwatch_and_tail_is_the_last_4kb(ep, aws):
    """The log is framed START/END/REPORT, written to /aws/lambda/<name>, tail capped at 4 KB."""
    functions.create(aws, "chatty", {"app.py": "def handler(e, c):\n"
                                               "    for i in range(500):\n"
                                               "        print('line', i)\n"})
    result = lambda_runtime.invoke(ep, "chatty", {})
    assert len(result.log_tail.encode()) <= lambda_runtime.LOG_TAIL_BYTES
    assert result.log_tail.rstrip().splitlines()[-1].startswith("REPORT RequestId: ")
    assert "line 499" in result.log_tail and "line 0\n" not in result.log_tail
    logs = aws("logs")
    stream = logs.describe_log_streams(logGroupName="/aws/lambda/chatty")["logStreams"][0]
    events = logs.get_log_events(logGroupName="/aws/lambda/chatty",
                                 logStreamName=stream["logStreamName"])["events"]
    messages = [e["message"] for e in events]
    assert messages[0] == f"START RequestId: {result.request_id} Version: $LATEST"
    assert "line 0" in messages and "line 499" in messages


def test_non_python_runtime_is_a_clear_error(ep, aws):
    """Other runtimes answer a Lambda-shaped error that names the runtime."""
    functions.create(aws, "node", {"index.js": "exports.handler = async () => 1;"},
                     handler="index.handler", runtime="nodejs20.x")
    result = lambda_runtime.invoke(ep, "node", {})
    assert result.function_error == "Unhandled"
    assert result.payload["errorType"] == "Runtime.NotSupportedOffline"
    assert "runtime nodejs20.x is not supported offline" in result.payload["errorMessage"]


def test_unknown_function(ep):
    """Invoking a function that does not exist raises FunctionNotFound naming its ARN."""
    with pytest.raises(lambda_runtime.FunctionNotFound, match="function:ghost"):
        lambda_runtime.invoke(ep, "ghost", {})


def _two_versions(aws):
    lam = aws("lambda")
    functions.create(aws, "ver", {"app.py": "def handler(e, c):\n    return 'one'\n"})
    lam.publish_version(FunctionName="ver")
    lam.update_function_code(FunctionName="ver", ZipFile=functions.package(
        {"app.py": "def handler(e, c):\n    return 'two'\n"}))
    lam.publish_version(FunctionName="ver")
    return lam


def test_qualifiers_resolve_versions_and_aliases(ep, aws):
    """A version number, an alias and ``name:qualifier`` each run the right code."""
    lam = _two_versions(aws)
    lam.create_alias(FunctionName="ver", Name="live", FunctionVersion="1")
    assert lambda_runtime.invoke(ep, "ver", {}, qualifier="1").payload == "one"
    assert lambda_runtime.invoke(ep, "ver", {}, qualifier="2").payload == "two"
    live = lambda_runtime.invoke(ep, "ver:live", {})
    assert (live.payload, live.executed_version) == ("one", "1")
    assert lambda_runtime.invoke(ep, "ver", {}).payload == "two"  # $LATEST


def test_alias_routing_weights_use_the_seeded_rng(ep, aws):
    """An alias that routes 50% to another version runs both, in a seeded, repeatable order."""
    def runs():
        lam = _two_versions(aws)
        lam.create_alias(FunctionName="ver", Name="live", FunctionVersion="1",
                         RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}})
        return [lambda_runtime.invoke(ep, "ver", {}, qualifier="live").executed_version
                for _ in range(12)]

    first = runs()
    assert set(first) == {"1", "2"}
    ep.reset(seed=42)
    assert runs() == first


def test_packages_are_unpacked_once_per_code_hash(ep, aws):
    """Functions with the same code share one unpacked copy; other code gets its own."""
    functions.create(aws, "a", {"app.py": ECHO})
    functions.create(aws, "b", {"app.py": ECHO})
    functions.create(aws, "c", {"app.py": ECHO + "\n# changed\n"})
    roots = [lambda_runtime.invoke(ep, n, {}).payload["task_root"] for n in "abc"]
    assert roots[0] == roots[1] != roots[2]
