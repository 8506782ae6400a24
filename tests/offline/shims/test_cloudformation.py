"""Contract and fix of the CloudFormation shim: unsupported resource types are refused."""

from __future__ import annotations

import inspect
import json

import pytest
from botocore.exceptions import ClientError
from moto.cloudformation import parsing
from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import CloudFormationBackend, Stack

from helpers.offline.shims import cloudformation as shim

PIPELINE = {"Type": "AWS::CodePipeline::Pipeline",
            "Properties": {"Name": "app", "RoleArn": "arn:aws:iam::123456789012:role/p",
                           "Stages": []}}
BUCKET = {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "cdw-cfn-shim"}}


def _template(**resources: dict) -> str:
    return json.dumps({"Resources": resources,
                       "Outputs": {"Bucket": {"Value": {"Ref": "Bucket"}}}
                       if "Bucket" in resources else {}})


def test_contract_model_map_and_template_parser():
    """get_model_map maps type names to models; Stack.parse_template reads JSON and YAML."""
    known = parsing.get_model_map()
    assert "AWS::S3::Bucket" in known and "AWS::CodePipeline::Pipeline" not in known
    assert hasattr(parsing.get_model_map, "cache_clear")  # how other shims add types
    assert "AWS::CloudFormation::WaitConditionHandle" in parsing.NULL_MODELS
    assert Stack.parse_template("Resources: {B: {Type: AWS::S3::Bucket}}") == {
        "Resources": {"B": {"Type": "AWS::S3::Bucket"}}}
    assert Stack.parse_template('{"Resources": {}}') == {"Resources": {}}
    error = ValidationError(message="m")
    assert (error.code, error.message) == ("ValidationError", "m")


@pytest.mark.parametrize(("name", "position"), sorted(shim.CHECKED.items()))
def test_contract_backend_methods_take_template(name, position):
    """create_stack / update_stack / create_change_set take ``template`` where the shim looks."""
    shim.install()
    original = inspect.unwrap(getattr(CloudFormationBackend, name))
    assert original is not getattr(CloudFormationBackend, name)
    assert list(inspect.signature(original).parameters)[position + 1] == "template"


def test_moto_still_skips_unknown_types():
    """moto alone still completes a stack it could not build (if this fails, the shim may go)."""
    backend = CloudFormationBackend("us-east-1", "000000000043")
    original = inspect.unwrap(CloudFormationBackend.create_stack)
    with pytest.warns(UserWarning, match="AWS::CodePipeline::Pipeline"):
        stack = original(backend, "s", json.dumps({"Resources": {"P": PIPELINE}}), {})
    assert stack.status == "CREATE_COMPLETE"


def test_unsupported_types_lists_each_type_once():
    """Custom:: and wait-condition types pass; unknown types are listed once, sorted."""
    template = {"Resources": {
        "A": PIPELINE, "B": dict(PIPELINE), "C": {"Type": "AWS::CodeBuild::Project"},
        "D": {"Type": "Custom::Thing"}, "E": {"Type": "AWS::CloudFormation::WaitConditionHandle"},
        "F": BUCKET}}
    assert shim.unsupported_types(template) == ["AWS::CodeBuild::Project",
                                                "AWS::CodePipeline::Pipeline"]


def test_create_stack_with_unsupported_type_is_refused(aws):
    """CreateStack answers ValidationError naming the type and creates nothing."""
    cloudformation, s3 = aws("cloudformation"), aws("s3")
    with pytest.raises(ClientError) as info:
        cloudformation.create_stack(StackName="pipe",
                                    TemplateBody=_template(Pipeline=PIPELINE, Bucket=BUCKET))
    error = info.value.response["Error"]
    assert error["Code"] == "ValidationError"
    assert "Unrecognized resource types: [AWS::CodePipeline::Pipeline]" in error["Message"]
    assert cloudformation.list_stacks()["StackSummaries"] == []
    assert s3.list_buckets()["Buckets"] == []


def test_yaml_template_is_checked_too(aws):
    """A YAML template body (with short-form intrinsics) is checked the same way."""
    body = ("Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n"
            "  Project:\n    Type: AWS::CodeBuild::Project\n"
            "    Properties:\n      Name: !Sub '${AWS::StackName}-build'\n")
    with pytest.raises(ClientError, match=r"\[AWS::CodeBuild::Project\]"):
        aws("cloudformation").create_stack(StackName="yaml", TemplateBody=body)


def test_supported_template_still_creates_with_outputs(aws):
    """A template of supported types completes and keeps its outputs."""
    cloudformation = aws("cloudformation")
    cloudformation.create_stack(StackName="ok", TemplateBody=_template(Bucket=BUCKET))
    stack = cloudformation.describe_stacks(StackName="ok")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert stack["Outputs"] == [{"OutputKey": "Bucket", "OutputValue": "cdw-cfn-shim"}]


def test_update_stack_with_unsupported_type_is_refused(aws):
    """UpdateStack adding an unsupported type answers ValidationError; the stack is unchanged."""
    cloudformation = aws("cloudformation")
    cloudformation.create_stack(StackName="ok", TemplateBody=_template(Bucket=BUCKET))
    with pytest.raises(ClientError) as info:
        cloudformation.update_stack(StackName="ok",
                                    TemplateBody=_template(Bucket=BUCKET, Pipeline=PIPELINE))
    assert info.value.response["Error"]["Code"] == "ValidationError"
    assert "AWS::CodePipeline::Pipeline" in info.value.response["Error"]["Message"]
    stack = cloudformation.describe_stacks(StackName="ok")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    body = cloudformation.get_template(StackName="ok")["TemplateBody"]
    assert "Pipeline" not in json.dumps(body)


def test_change_set_with_unsupported_type_is_refused(aws):
    """CreateChangeSet answers ValidationError and leaves no REVIEW_IN_PROGRESS stack."""
    cloudformation = aws("cloudformation")
    with pytest.raises(ClientError) as info:
        cloudformation.create_change_set(StackName="cs", ChangeSetName="first",
                                         ChangeSetType="CREATE",
                                         TemplateBody=_template(Pipeline=PIPELINE))
    assert info.value.response["Error"]["Code"] == "ValidationError"
    assert cloudformation.list_stacks()["StackSummaries"] == []
