"""Helpers for CodeBuild tests: a project from an inline buildspec, and a finished build."""

from __future__ import annotations

from typing import Any

import pytest

ENVIRONMENT = {"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0",
               "computeType": "BUILD_GENERAL1_SMALL"}
ROLE = "arn:aws:iam::123456789012:role/codebuild"


@pytest.fixture
def codebuild(aws):
    """A CodeBuild client of the endpoint."""
    return aws("codebuild")


@pytest.fixture
def run_build(codebuild):
    """Create (or update) project ``name`` with an inline buildspec, start it, return the build
    as batch_get_builds shows it once the engine has settled."""
    def run(spec: str, name: str = "app", start: dict[str, Any] | None = None,
            **project: Any) -> dict[str, Any]:
        params = {"name": name, "source": {"type": "NO_SOURCE", "buildspec": spec},
                  "artifacts": {"type": "NO_ARTIFACTS"}, "environment": ENVIRONMENT,
                  "serviceRole": ROLE, **project}
        if codebuild.batch_get_projects(names=[name])["projects"]:
            codebuild.update_project(**params)
        else:
            codebuild.create_project(**params)
        build = codebuild.start_build(projectName=name, **(start or {}))["build"]
        return codebuild.batch_get_builds(ids=[build["id"]])["builds"][0]
    return run


def phases(build: dict[str, Any]) -> list[tuple[str, str | None]]:
    """(phaseType, phaseStatus) of every phase of a build."""
    return [(p["phaseType"], p.get("phaseStatus")) for p in build["phases"]]


def log_lines(aws, build: dict[str, Any]) -> list[str]:
    """The messages of a build's CloudWatch log stream."""
    events = aws("logs").get_log_events(logGroupName=build["logs"]["groupName"],
                                        logStreamName=build["logs"]["streamName"],
                                        startFromHead=True)["events"]
    return [e["message"] for e in events]
