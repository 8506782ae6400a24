"""Faults scheduled on the virtual clock through the control API."""

from __future__ import annotations

import pytest

from helpers.offline.faults import FaultError

BUILDSPEC = """version: 0.2
phases:
  build:
    commands:
      - echo start
      - sleep 600
"""


def test_stop_build_fault_stops_the_anchored_build(ep, aws):
    """A stop-build fault anchored on 'build' stops that build at its minute, via StopBuild."""
    codebuild = aws("codebuild")
    codebuild.create_project(
        name="cdw-slow", source={"type": "NO_SOURCE", "buildspec": BUILDSPEC},
        artifacts={"type": "NO_ARTIFACTS"}, serviceRole="arn:aws:iam::123456789012:role/cb",
        environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0",
                     "computeType": "BUILD_GENERAL1_SMALL"})
    ep.faults.add({"kind": "stop-build", "anchor": "build", "at_minute": 2,
                   "match": {"projectName": "cdw-slow"}})
    build_id = codebuild.start_build(projectName="cdw-slow")["build"]["id"]
    build = codebuild.batch_get_builds(ids=[build_id])["builds"][0]
    assert build["buildStatus"] == "STOPPED"
    (fault,) = ep.faults.list()
    assert fault["status"] == "fired" and fault["anchored_to"] == build_id
    # Stopped two virtual minutes after the build started, long before its 600 s sleep ended.
    elapsed = (build["endTime"] - build["startTime"]).total_seconds()
    assert 120 <= elapsed < 600


def test_stop_faults_need_their_anchor(ep):
    """A stop fault must be anchored on the kind of run it stops."""
    with pytest.raises(FaultError, match="anchor 'build'"):
        ep.faults.add({"kind": "stop-build", "at_minute": 1})
    with pytest.raises(FaultError, match="anchor 'deployment'"):
        ep.faults.add({"kind": "stop-deployment", "anchor": "build"})
