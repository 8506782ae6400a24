"""The router answers what nobody implements with one fast HTTP 501, in the service's protocol."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

# (client, call, operation): one per protocol and per way moto can lack an operation.
MISSING = [
    pytest.param("codepipeline", lambda c: c.get_pipeline_state(name="app"),
                 "GetPipelineState", id="json"),
    pytest.param("iam", lambda c: c.change_password(OldPassword="a", NewPassword="b"),
                 "ChangePassword", id="query"),
    pytest.param("sns", lambda c: c.get_sms_sandbox_account_status(),
                 "GetSMSSandboxAccountStatus", id="query-acronym"),
    pytest.param("cloudwatch", lambda c: c.describe_alarm_history(),
                 "DescribeAlarmHistory", id="json-cloudwatch"),
    pytest.param("ec2", lambda c: c.accept_address_transfer(Address="192.0.2.1"),
                 "AcceptAddressTransfer", id="ec2"),
    pytest.param("lambda", lambda c: c.delete_function_code_signing_config(FunctionName="f"),
                 "DeleteFunctionCodeSigningConfig", id="rest-json-action"),
    pytest.param("lambda", lambda c: c.get_account_settings(),
                 "GetAccountSettings", id="rest-json-route"),
    pytest.param("codeartifact", lambda c: c.list_domains(),
                 "ListDomains", id="rest-json-service"),
]


@pytest.fixture
def default_client(ep, monkeypatch):
    """A factory of clients with botocore's default retry settings (nothing from the env)."""
    for name in ("AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)

    def make(service):
        return boto3.client(service, endpoint_url=ep.url, region_name="us-east-1",
                            aws_access_key_id="testing", aws_secret_access_key="testing",
                            config=Config())
    return make


@pytest.mark.parametrize(("service", "call", "operation"), MISSING)
def test_missing_operation_is_one_501_naming_it(default_client, service, call, operation):
    """NotImplemented, HTTP 501, the operation in the message, and no retry by botocore."""
    client = default_client(service)
    with pytest.raises(ClientError) as info:
        call(client)
    response = info.value.response
    assert response["Error"]["Code"] == "NotImplemented"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert operation in response["Error"]["Message"]
    assert response["ResponseMetadata"]["RetryAttempts"] == 0
    assert info.value.operation_name == operation


def test_service_not_found_errors_pass_through(aws):
    """A service's own 404 (JSON body) is not mistaken for a missing route."""
    with pytest.raises(ClientError) as info:
        aws("lambda").get_function(FunctionName="absent")
    assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_head_404_passes_through(aws):
    """HEAD of a missing S3 object stays a bodiless 404 (waiters and exists-checks rely on it)."""
    s3 = aws("s3")
    s3.create_bucket(Bucket="cdw-router")
    with pytest.raises(ClientError) as info:
        s3.head_object(Bucket="cdw-router", Key="absent")
    assert info.value.response["Error"]["Code"] == "404"
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket="cdw-router", Key="absent")
    assert info.value.response["Error"]["Code"] == "NoSuchKey"


def test_implemented_operations_still_answer(aws):
    """Operations moto has are untouched by the 501 handling."""
    aws("iam").create_user(UserName="learner")
    assert aws("iam").get_user(UserName="learner")["User"]["UserName"] == "learner"
