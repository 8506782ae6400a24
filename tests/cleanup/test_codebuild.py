"""Cleanup of CodeBuild projects, builds, report groups and build log groups."""

from __future__ import annotations

from helpers.cleanup import codebuild as cleanup
from helpers.cleanup.base import Scope

ENV = {"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0",
       "computeType": "BUILD_GENERAL1_SMALL"}
SPEC = "version: 0.2\nphases:\n  build:\n    commands: [echo hi]\n"


def _project(codebuild, name, **kwargs):
    codebuild.create_project(name=name, source={"type": "NO_SOURCE", "buildspec": SPEC},
                             artifacts={"type": "NO_ARTIFACTS"}, environment=ENV,
                             serviceRole="arn:aws:iam::123456789012:role/r", **kwargs)


def test_cleanup_removes_only_resources_in_scope(aws):
    """Prefixed/tagged projects (with builds), report groups and log groups go; others stay."""
    codebuild, logs = aws("codebuild"), aws("logs")
    _project(codebuild, "cdw-me-app")
    _project(codebuild, "tagged", tags=[{"key": "cdw:participant", "value": "me"}])
    _project(codebuild, "other")
    build = codebuild.start_build(projectName="cdw-me-app")["build"]
    codebuild.create_report_group(name="cdw-me-tests", type="TEST", exportConfig={
        "exportConfigType": "NO_EXPORT"})
    codebuild.create_report_group(name="keep", type="TEST",
                                  exportConfig={"exportConfigType": "NO_EXPORT"})
    scope = Scope(prefix="cdw-me-", tags={"cdw:participant": "me"})
    services = {"codebuild": codebuild, "logs": logs}
    for rtype in sorted(cleanup.RESOURCE_TYPES, key=lambda r: r.order):
        for ident in rtype.list_fn(services[rtype.service], scope):
            rtype.delete_fn(services[rtype.service], ident)
    assert codebuild.list_projects()["projects"] == ["other"]
    assert codebuild.batch_get_builds(ids=[build["id"]])["buildsNotFound"] == [build["id"]]
    groups = codebuild.list_report_groups()["reportGroups"]
    assert [g.rsplit("/", 1)[-1] for g in groups] == ["keep"]
    names = [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]]
    assert "/aws/codebuild/cdw-me-app" not in names
    assert all(rtype.list_fn(services[rtype.service], scope) == []
               for rtype in cleanup.RESOURCE_TYPES)
