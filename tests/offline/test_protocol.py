"""Error bodies per AWS protocol, and naming the operation a request addresses."""

from __future__ import annotations

import pytest
from botocore import parsers

from helpers.offline import protocol


@pytest.mark.parametrize("wire", ["json", "rest-json", "query", "ec2", "rest-xml"])
def test_error_body_parses_in_its_protocol(wire):
    """botocore's own parser for each protocol reads our error's code and message."""
    status, headers, body = protocol.error_response(wire, "NotImplemented", "x:Y is missing", 501)
    parsed = parsers.create_parser(wire).parse(
        {"status_code": status, "headers": dict(headers), "body": body}, None)
    assert parsed["Error"]["Code"] == "NotImplemented"
    assert parsed["Error"]["Message"] == "x:Y is missing"


@pytest.mark.parametrize(("service", "wire"), [
    ("codepipeline", "json"), ("monitoring", "json"), ("iam", "query"), ("ec2", "ec2"),
    ("lambda", "rest-json"), ("s3", "rest-xml"),
])
def test_wire_protocol_is_what_botocore_clients_speak(service, wire):
    """Models that list several protocols (CodePipeline: CBOR and JSON) resolve like botocore."""
    assert protocol.wire_protocol(protocol.service_model(service)) == wire


def test_service_model_by_signing_name():
    """A SigV4 scope names the signing name ('monitoring'); the model is CloudWatch's."""
    assert protocol.service_model("monitoring").service_name == "cloudwatch"
    assert protocol.service_model("no-such-service") is None


@pytest.mark.parametrize(("service", "method", "path", "query", "operation"), [
    ("lambda", "GET", "/2016-08-19/account-settings/", "", "GetAccountSettings"),
    ("lambda", "GET", "/2015-03-31/functions/app", "", "GetFunction"),
    ("lambda", "GET", "/2015-03-31/functions/app/policy", "", "GetPolicy"),
    ("s3", "GET", "/bucket/deep/key.zip", "", "GetObject"),
    ("s3", "GET", "/bucket", "tagging=", "GetBucketTagging"),
    ("s3", "GET", "/bucket", "list-type=2", "ListObjectsV2"),
    ("codeartifact", "POST", "/v1/domains", "", "ListDomains"),
    ("lambda", "PATCH", "/nowhere", "", None),
    (None, "GET", "/", "", None),
])
def test_rest_operation_from_method_path_and_query(service, method, path, query, operation):
    """The most specific URI template of the model names the operation."""
    assert protocol.rest_operation(service, method, path, query) == operation


def test_operation_named_keeps_acronyms():
    """moto's snake_case action maps back to the model's name, acronyms included."""
    assert protocol.operation_named("sns", "get_sms_sandbox_account_status") == \
        "GetSMSSandboxAccountStatus"
    assert protocol.operation_named("sns", "no_such_thing") is None


def test_not_implemented_names_service_and_operation():
    """The 501 answer is in the service's protocol and names service:operation."""
    status, headers, body = protocol.not_implemented("iam", "ChangePassword")
    assert status == 501
    assert b"<Code>NotImplemented</Code>" in body and b"iam:ChangePassword" in body
    status, headers, body = protocol.not_implemented("codepipeline", "GetPipelineState")
    assert ("x-amzn-ErrorType", "NotImplemented") in headers
    assert b"codepipeline:GetPipelineState" in body
