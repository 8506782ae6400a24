"""Contract and fix of the CodePipeline shim: the create_pipeline trust-policy check."""

from __future__ import annotations

import inspect
import json

import pytest
from botocore.exceptions import ClientError
from moto.codepipeline.exceptions import InvalidStructureException
from moto.codepipeline.models import CodePipeline, CodePipelineBackend
from moto.iam.models import iam_backends

from helpers.offline.shims import codepipeline as shim

CODEPIPELINE = {"Service": "codepipeline.amazonaws.com"}
# An account of its own, so the contract tests never share moto state with the endpoint tests.
CONTRACT_ACCOUNT = "000000000042"


def _statement(principal: dict, effect: str = "Allow") -> dict:
    return {"Effect": effect, "Principal": principal, "Action": "sts:AssumeRole"}


def _role(aws, *statements: dict) -> str:
    policy = {"Version": "2012-10-17", "Statement": list(statements)}
    return aws("iam").create_role(RoleName="pipeline-role",
                                  AssumeRolePolicyDocument=json.dumps(policy))["Role"]["Arn"]


def _pipeline(role_arn: str, name: str = "app") -> dict:
    source = {"name": "Source", "runOrder": 1,
              "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3",
                               "version": "1"},
              "configuration": {"S3Bucket": "b", "S3ObjectKey": "k.zip"},
              "outputArtifacts": [{"name": "src"}]}
    build = {"name": "Build", "runOrder": 1,
             "actionTypeId": {"category": "Build", "owner": "AWS", "provider": "CodeBuild",
                              "version": "1"},
             "configuration": {"ProjectName": "app"}, "inputArtifacts": [{"name": "src"}]}
    return {"name": name, "roleArn": role_arn,
            "artifactStore": {"type": "S3", "location": "artifacts"},
            "stages": [{"name": "Source", "actions": [source]},
                       {"name": "Build", "actions": [build]}]}


def test_contract_create_pipeline_signature():
    """moto's create_pipeline(pipeline, tags) and CodePipeline(account_id, region, pipeline)."""
    shim.install()
    original = inspect.unwrap(CodePipelineBackend.create_pipeline)
    assert original is not CodePipelineBackend.create_pipeline
    assert list(inspect.signature(original).parameters) == ["self", "pipeline", "tags"]
    assert list(inspect.signature(CodePipeline.__init__).parameters) == [
        "self", "account_id", "region", "pipeline"]
    assert list(inspect.signature(CodePipeline.validate_tags).parameters) == ["self", "tags"]
    assert InvalidStructureException("x").error_type == "InvalidStructureException"


def test_contract_backend_state_and_iam_lookup():
    """The backend keeps pipelines by name, reaches IAM through iam_backend, and roles carry
    assume_role_policy_document."""
    backend = CodePipelineBackend("us-east-1", CONTRACT_ACCOUNT)
    assert backend.pipelines == {}
    assert backend.iam_backend is iam_backends[CONTRACT_ACCOUNT]["aws"]
    role = backend.iam_backend.create_role(
        "r", json.dumps({"Statement": [_statement(CODEPIPELINE)]}), path="/",
        permissions_boundary=None, description="", tags=[], max_session_duration=None)
    assert backend.iam_backend.get_role_by_arn(role.arn) is role
    assert json.loads(role.assume_role_policy_document)["Statement"][0]["Principal"] == \
        CODEPIPELINE
    model = CodePipeline(CONTRACT_ACCOUNT, "us-east-1", _pipeline(role.arn))
    assert model.tags == {}


def test_moto_check_is_still_broken():
    """moto's own check still rejects a Service list (if this fails, the shim may go)."""
    backend = CodePipelineBackend("us-east-1", CONTRACT_ACCOUNT)
    role = backend.iam_backend.create_role(
        "list-role", json.dumps({"Statement": [_statement(
            {"Service": ["codepipeline.amazonaws.com"]})]}), path="/",
        permissions_boundary=None, description="", tags=[], max_session_duration=None)
    original = inspect.unwrap(CodePipelineBackend.create_pipeline)
    with pytest.raises(InvalidStructureException):
        original(backend, _pipeline(role.arn), None)


@pytest.mark.parametrize("statements", [
    [_statement({"Service": ["codebuild.amazonaws.com", "codepipeline.amazonaws.com"]})],
    [_statement({"AWS": "arn:aws:iam::123456789012:root"}), _statement(CODEPIPELINE)],
    [{"Effect": "Allow", "Principal": CODEPIPELINE, "Action": ["sts:AssumeRole",
                                                              "sts:TagSession"]}],
], ids=["service-list", "extra-aws-principal", "action-list"])
def test_trusting_role_is_accepted(aws, statements):
    """A role whose trust policy lets codepipeline.amazonaws.com assume it is accepted."""
    codepipeline = aws("codepipeline")
    created = codepipeline.create_pipeline(pipeline=_pipeline(_role(aws, *statements)))
    assert created["pipeline"]["name"] == "app"
    assert codepipeline.get_pipeline(name="app")["pipeline"]["version"] == 1


@pytest.mark.parametrize("statements", [
    [_statement({"AWS": "arn:aws:iam::123456789012:root"})],
    [_statement({"Service": "codebuild.amazonaws.com"})],
    [_statement(CODEPIPELINE), _statement(CODEPIPELINE, effect="Deny")],
], ids=["only-aws-principal", "other-service", "denied"])
def test_role_not_trusting_codepipeline_is_rejected(aws, statements):
    """No statement trusting CodePipeline → InvalidStructureException (not a 500)."""
    codepipeline = aws("codepipeline")
    role_arn = _role(aws, *statements)
    with pytest.raises(ClientError) as info:
        codepipeline.create_pipeline(pipeline=_pipeline(role_arn))
    assert info.value.response["Error"]["Code"] == "InvalidStructureException"
    assert role_arn in info.value.response["Error"]["Message"]
    assert codepipeline.list_pipelines()["pipelines"] == []


def test_rejected_tags_leave_no_pipeline(aws):
    """A system tag is rejected and the pipeline is not stored."""
    codepipeline = aws("codepipeline")
    with pytest.raises(ClientError) as info:
        codepipeline.create_pipeline(pipeline=_pipeline(_role(aws, _statement(CODEPIPELINE))),
                                     tags=[{"key": "aws:x", "value": "1"}])
    assert info.value.response["Error"]["Code"] == "InvalidTagsException"
    assert codepipeline.list_pipelines()["pipelines"] == []


def test_single_stage_and_duplicate_name_still_rejected(aws):
    """moto's other checks survive: at least two stages, unique names."""
    codepipeline = aws("codepipeline")
    pipeline = _pipeline(_role(aws, _statement(CODEPIPELINE)))
    codepipeline.create_pipeline(pipeline=pipeline)
    with pytest.raises(ClientError, match="already exists"):
        codepipeline.create_pipeline(pipeline=pipeline)
    with pytest.raises(ClientError, match="minimum of 2 stages"):
        codepipeline.create_pipeline(pipeline={**pipeline, "name": "one",
                                               "stages": pipeline["stages"][:1]})
