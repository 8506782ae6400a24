"""Projects are accepted as AWS accepts them."""

from __future__ import annotations

import pytest

from tests.offline.codebuild.conftest import ENVIRONMENT, ROLE


def _create(codebuild, name="app", **kwargs):
    params = {"name": name, "source": {"type": "NO_SOURCE", "buildspec": "version: 0.2\n"},
              "artifacts": {"type": "NO_ARTIFACTS"}, "environment": ENVIRONMENT,
              "serviceRole": ROLE, **kwargs}
    return codebuild.create_project(**params)["project"]


def test_no_source_needs_no_location_but_a_buildspec(codebuild):
    """NO_SOURCE without a location is fine; without a buildspec it is not."""
    assert _create(codebuild)["source"]["type"] == "NO_SOURCE"
    with pytest.raises(codebuild.exceptions.InvalidInputException, match="buildspec"):
        _create(codebuild, name="nobuildspec", source={"type": "NO_SOURCE"})


def test_codepipeline_source_goes_with_codepipeline_artifacts(codebuild):
    """CODEPIPELINE needs no location, and source and artifacts must both be CODEPIPELINE."""
    project = _create(codebuild, source={"type": "CODEPIPELINE"},
                      artifacts={"type": "CODEPIPELINE"})
    assert project["source"] == {"type": "CODEPIPELINE", "insecureSsl": False}
    with pytest.raises(codebuild.exceptions.InvalidInputException, match="CODEPIPELINE"):
        _create(codebuild, name="half", source={"type": "CODEPIPELINE"})


def test_s3_source_needs_a_location(codebuild):
    """An S3 source names bucket/key."""
    with pytest.raises(codebuild.exceptions.InvalidInputException, match="location"):
        _create(codebuild, source={"type": "S3"})


def test_duplicate_and_bad_names(codebuild):
    """Names are unique and 2–255 characters of letters, digits, - and _."""
    _create(codebuild)
    with pytest.raises(codebuild.exceptions.ResourceAlreadyExistsException):
        _create(codebuild)
    with pytest.raises(codebuild.exceptions.InvalidInputException):
        _create(codebuild, name="bad name!")


def test_reserved_variables(codebuild):
    """CODEBUILD_ names are reserved."""
    env = dict(ENVIRONMENT, environmentVariables=[{"name": "CODEBUILD_X", "value": "1"}])
    with pytest.raises(codebuild.exceptions.InvalidInputException, match="reserved"):
        _create(codebuild, environment=env)


def test_update_get_list_delete(codebuild):
    """update_project changes fields; list/batch_get/delete behave."""
    _create(codebuild, name="b-proj")
    _create(codebuild, name="a-proj")
    updated = codebuild.update_project(name="a-proj", description="new", timeoutInMinutes=10)
    assert updated["project"]["description"] == "new"
    assert updated["project"]["timeoutInMinutes"] == 10
    assert codebuild.list_projects()["projects"] == ["a-proj", "b-proj"]
    got = codebuild.batch_get_projects(names=["a-proj", "missing"])
    assert [p["name"] for p in got["projects"]] == ["a-proj"]
    assert got["projectsNotFound"] == ["missing"]
    codebuild.delete_project(name="a-proj")
    assert codebuild.list_projects()["projects"] == ["b-proj"]
    with pytest.raises(codebuild.exceptions.ResourceNotFoundException):
        codebuild.start_build(projectName="a-proj")


def test_unimplemented_operation_is_501(codebuild):
    """An operation the emulator does not implement answers NotImplemented at once."""
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError, match="NotImplemented"):
        codebuild.list_curated_environment_images()
