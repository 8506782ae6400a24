"""Contract and fix of the CodeBuild shim: describing a build does not change it.

The endpoint's CodeBuild is the emulator's own (helpers/offline/codebuild), so boto3 reaches moto's
CodeBuild here in-process, through moto's ``mock_aws`` — the shim is installed on moto's classes
and so applies there too.
"""

from __future__ import annotations

import inspect

import boto3
import pytest
from moto import mock_aws
from moto.codebuild.models import CodeBuildBackend

from helpers.offline.shims import codebuild as shim


@pytest.fixture
def aws(monkeypatch):
    """boto3 clients answered by moto in-process (moto's CodeBuild, shims installed)."""
    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                        ("AWS_DEFAULT_REGION", "us-east-1")):
        monkeypatch.setenv(name, value)
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    shim.install()
    with mock_aws():
        yield lambda service: boto3.client(service, region_name="us-east-1")


def _project(aws) -> str:
    codebuild = aws("codebuild")
    codebuild.create_project(
        name="app", source={"type": "S3", "location": "bucket/source.zip"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0",
                     "computeType": "BUILD_GENERAL1_SMALL"},
        serviceRole="arn:aws:iam::123456789012:role/codebuild")
    return codebuild.start_build(projectName="app")["build"]["id"]


def test_contract_backend_methods_keep_their_signatures():
    """moto's batch_get_builds(ids), stop_build(build_id) and _set_phases(phases) still exist."""
    assert list(inspect.signature(CodeBuildBackend.batch_get_builds).parameters) == ["self", "ids"]
    assert list(inspect.signature(CodeBuildBackend.stop_build).parameters) == [
        "self", "build_id"]
    assert list(inspect.signature(CodeBuildBackend._set_phases).parameters) == [
        "self", "phases"]


def test_contract_build_history_holds_build_dicts():
    """Builds live as dicts with id, projectName and phases in build_metadata_history."""
    backend = CodeBuildBackend("us-east-1", "123456789012")
    assert backend.build_metadata_history == {}
    backend.create_project("p", None, {"type": "NO_SOURCE"}, {"type": "NO_ARTIFACTS"}, {},
                           "role", None, None, None, None, None, None, None)
    build = backend.start_build("p")
    assert backend.build_metadata_history["p"] == [build]
    assert {"id", "projectName", "phases", "buildStatus", "endTime"} - set(build) == {"endTime"}


def test_install_is_idempotent():
    """Installing twice wraps moto's methods once."""
    shim.install()
    before = CodeBuildBackend.batch_get_builds
    shim.install()
    assert CodeBuildBackend.batch_get_builds is before
    assert inspect.unwrap(before) is not before


def test_repeated_describe_returns_the_same_build(aws):
    """Three batch_get_builds calls return identical phases, status and end time."""
    build_id = _project(aws)
    codebuild = aws("codebuild")
    seen = [codebuild.batch_get_builds(ids=[build_id])["builds"][0] for _ in range(3)]
    assert seen[0]["buildStatus"] == "SUCCEEDED"
    phases = [p["phaseType"] for p in seen[0]["phases"]]
    assert len(phases) == len(set(phases)), phases
    assert phases[-1] == "COMPLETED"
    for later in seen[1:]:
        assert later["phases"] == seen[0]["phases"]
        assert later["endTime"] == seen[0]["endTime"]


@pytest.mark.parametrize("describe_first", [False, True])
def test_stopped_build_stays_stopped(aws, describe_first):
    """A stopped build keeps STOPPED and one set of phases; stopping a finished build changes
    nothing."""
    build_id = _project(aws)
    codebuild = aws("codebuild")
    if describe_first:
        finished = codebuild.batch_get_builds(ids=[build_id])["builds"][0]
        stopped = codebuild.stop_build(id=build_id)["build"]
        assert stopped["buildStatus"] == "SUCCEEDED"
        assert stopped["phases"] == finished["phases"]
        return
    assert codebuild.stop_build(id=build_id)["build"]["buildStatus"] == "STOPPED"
    build = codebuild.batch_get_builds(ids=[build_id])["builds"][0]
    assert build["buildStatus"] == "STOPPED"
    phases = [p["phaseType"] for p in build["phases"]]
    assert len(phases) == len(set(phases)), phases
