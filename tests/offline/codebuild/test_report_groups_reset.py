"""Report group operations, and what a reset does to a running build."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.offline.codebuild.conftest import ENVIRONMENT, ROLE, log_lines

EXPORT = {"exportConfigType": "NO_EXPORT"}


def test_report_group_crud(aws):
    """Create, describe, list, update and delete report groups; duplicates are refused."""
    codebuild = aws("codebuild")
    arn = codebuild.create_report_group(name="unit", type="TEST", exportConfig=EXPORT,
                                        tags=[{"key": "team", "value": "a"}])["reportGroup"]["arn"]
    assert arn == "arn:aws:codebuild:us-east-1:123456789012:report-group/unit"
    with pytest.raises(codebuild.exceptions.ResourceAlreadyExistsException):
        codebuild.create_report_group(name="unit", type="TEST", exportConfig=EXPORT)
    got = codebuild.batch_get_report_groups(reportGroupArns=[arn, arn + "x"])
    assert [g["name"] for g in got["reportGroups"]] == ["unit"]
    assert got["reportGroupsNotFound"] == [arn + "x"]
    updated = codebuild.update_report_group(arn=arn, tags=[{"key": "team", "value": "b"}])
    assert updated["reportGroup"]["tags"] == [{"key": "team", "value": "b"}]
    codebuild.delete_report_group(arn=arn)
    assert codebuild.list_report_groups()["reportGroups"] == []


def test_a_group_with_reports_needs_delete_reports(run_build, codebuild):
    """Deleting a group that has reports needs deleteReports=True, which deletes them too."""
    spec = ("version: 0.2\nphases:\n  build:\n    commands:\n"
            "      - echo '<testsuite><testcase name=\"a\"/></testsuite>' > r.xml\n"
            "reports:\n  unit:\n    files: [r.xml]\n")
    build = run_build(spec)
    [report] = build["reportArns"]
    group = codebuild.batch_get_reports(reportArns=[report])["reports"][0]["reportGroupArn"]
    with pytest.raises(codebuild.exceptions.InvalidInputException, match="deleteReports"):
        codebuild.delete_report_group(arn=group)
    codebuild.delete_report_group(arn=group, deleteReports=True)
    assert codebuild.batch_get_reports(reportArns=[report])["reportsNotFound"] == [report]


def test_reset_stops_running_builds(ep, aws):
    """A reset kills a running build's shell and removes its work folder."""
    codebuild = aws("codebuild")
    spec = "version: 0.2\nphases:\n  build:\n    commands:\n      - sleep 600\n"
    codebuild.create_project(name="app", source={"type": "NO_SOURCE", "buildspec": spec},
                             artifacts={"type": "NO_ARTIFACTS"}, environment=ENVIRONMENT,
                             serviceRole=ROLE)
    ep.engine.set_scale(100)
    build_id = codebuild.start_build(projectName="app")["build"]["id"]
    while True:
        build = codebuild.batch_get_builds(ids=[build_id])["builds"][0]
        if build["currentPhase"] == "BUILD":
            break
        time.sleep(0.1)
    line = next(x for x in log_lines(aws, build) if "CODEBUILD_SRC_DIR=" in x)
    folder = Path(line.split("CODEBUILD_SRC_DIR=", 1)[1]).parent
    assert folder.is_dir()
    ep.reset(scale="max")
    assert not folder.exists()
    assert codebuild.list_builds()["ids"] == []
