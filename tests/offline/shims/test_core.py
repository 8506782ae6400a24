"""Contract and behaviour of the core shim: pinned moto version, AWS managed IAM policies."""

from __future__ import annotations

import inspect
import json

import moto
import pytest
from moto import settings
from moto.iam.models import IAMBackend

from helpers.offline.shims import core

#: Managed policies the Code services' roles use, at the ARNs AWS gives them.
CODE_POLICIES = {
    "AWSCodeDeployRole": "arn:aws:iam::aws:policy/service-role/AWSCodeDeployRole",
    "AWSCodeDeployRoleForLambda":
        "arn:aws:iam::aws:policy/service-role/AWSCodeDeployRoleForLambda",
    "AWSCodeDeployRoleForECS": "arn:aws:iam::aws:policy/AWSCodeDeployRoleForECS",
    "AmazonEC2RoleforAWSCodeDeploy":
        "arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforAWSCodeDeploy",
    "AWSCodeCommitPowerUser": "arn:aws:iam::aws:policy/AWSCodeCommitPowerUser",
}


def test_contract_managed_policy_switch():
    """moto reads the user-config switch that install() sets when it makes an IAM backend."""
    core.install()
    assert settings.default_user_config["iam"]["load_aws_managed_policies"] is True
    assert settings.load_iam_aws_managed_policies() is True
    assert callable(IAMBackend._init_aws_policies)


def test_check_version_accepts_the_pinned_version(monkeypatch):
    """The installed moto is the pinned one, and check_version says so by not raising."""
    monkeypatch.delenv("CDW_ALLOW_MOTO_VERSION", raising=False)
    assert moto.__version__ == core.PINNED_MOTO
    core.check_version()
    core.check_version(core.PINNED_MOTO)


def test_check_version_refuses_another_version(monkeypatch):
    """Another moto version is refused with a message naming both versions and the fix."""
    monkeypatch.delenv("CDW_ALLOW_MOTO_VERSION", raising=False)
    with pytest.raises(core.MotoVersionError) as info:
        core.check_version("5.3.0")
    message = str(info.value)
    assert "moto 5.3.0" in message and f"moto {core.PINNED_MOTO}" in message
    assert "pip install -r requirements.txt" in message


def test_check_version_override(monkeypatch):
    """CDW_ALLOW_MOTO_VERSION=1 lets another version through (for trying a newer moto)."""
    monkeypatch.setenv("CDW_ALLOW_MOTO_VERSION", "1")
    core.check_version("5.3.0")


@pytest.mark.parametrize(("name", "arn"), sorted(CODE_POLICIES.items()))
def test_managed_policy_is_there_at_its_aws_arn(aws, name, arn):
    """iam.get_policy finds each Code-services managed policy at its real ARN and path."""
    policy = aws("iam").get_policy(PolicyArn=arn)["Policy"]
    assert policy["PolicyName"] == name
    assert policy["Arn"] == arn
    assert policy["Path"] == arn.removeprefix("arn:aws:iam::aws:policy").removesuffix(name)
    version = aws("iam").get_policy_version(PolicyArn=arn,
                                            VersionId=policy["DefaultVersionId"])
    assert version["PolicyVersion"]["Document"]["Statement"]


def test_managed_policies_attach_to_a_role(aws):
    """Each of the managed policies attaches to a role and is listed on it."""
    iam = aws("iam")
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "codedeploy.amazonaws.com"},
        "Action": "sts:AssumeRole"}]}
    iam.create_role(RoleName="deploy", AssumeRolePolicyDocument=json.dumps(trust))
    for arn in CODE_POLICIES.values():
        iam.attach_role_policy(RoleName="deploy", PolicyArn=arn)
    attached = iam.list_attached_role_policies(RoleName="deploy")["AttachedPolicies"]
    assert {p["PolicyArn"] for p in attached} == set(CODE_POLICIES.values())
    assert {p["PolicyName"] for p in attached} == set(CODE_POLICIES)


def _signed_environ(service: str) -> dict:
    from werkzeug.test import EnvironBuilder

    auth = (f"AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/{service}/aws4_request, "
            "SignedHeaders=host, Signature=0")
    return EnvironBuilder(path="/v1/domains", method="POST",
                          headers={"Authorization": auth}).get_environ()


def test_contract_moto_backend_app():
    """moto's dispatcher resolves a request to a service app, or fails for a service it lacks."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    assert list(inspect.signature(DomainDispatcherApplication.get_application).parameters) == [
        "self", "environ"]
    dispatcher = core.moto_app()
    assert core.moto_backend_app(dispatcher, _signed_environ("sqs")) is not None
    assert core.moto_backend_app(dispatcher, _signed_environ("codeartifact")) is None
