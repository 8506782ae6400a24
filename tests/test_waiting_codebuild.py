"""wait_for_build returns the finished build."""

from __future__ import annotations

from helpers.waiting import wait_for_build
from tests.offline.codebuild.conftest import ENVIRONMENT, ROLE


def test_wait_for_build_returns_the_completed_build(aws):
    """Offline under max the first read is already complete."""
    codebuild = aws("codebuild")
    codebuild.create_project(
        name="app", source={"type": "NO_SOURCE",
                            "buildspec": "version: 0.2\nphases:\n  build:\n    commands: [true]\n"},
        artifacts={"type": "NO_ARTIFACTS"}, environment=ENVIRONMENT, serviceRole=ROLE)
    build_id = codebuild.start_build(projectName="app")["build"]["id"]
    build = wait_for_build(codebuild, build_id)
    assert build["buildComplete"] and build["buildStatus"] == "SUCCEEDED"
