"""CodeBuild: projects (with their builds), report groups (with their reports), and the log
groups builds write (``/aws/codebuild/<project>``).

Projects and report groups take tags; a name starting with the scope's prefix also counts, as for
every type, because a learner may forget ``tags``. Log groups are found by the prefix
``/aws/codebuild/<scope prefix>``.
"""

from __future__ import annotations

from typing import Any

from helpers.cleanup.base import ResourceType, Scope

LOG_PREFIX = "/aws/codebuild/"


def _all(method: Any, key: str, **kwargs: Any) -> list[Any]:
    items, token = [], None
    while True:
        page = method(**kwargs, **({"nextToken": token} if token else {}))
        items += page.get(key, [])
        token = page.get("nextToken")
        if not token:
            return items


def list_projects(codebuild: Any, scope: Scope) -> list[str]:
    """Projects in scope (by name prefix or tags)."""
    names = _all(codebuild.list_projects, "projects")
    found = []
    for start in range(0, len(names), 100):
        for project in codebuild.batch_get_projects(names=names[start:start + 100])["projects"]:
            if scope.matches_name(project["name"]) or scope.matches_tags(project.get("tags")):
                found.append(project["name"])
    return found


def delete_project(codebuild: Any, name: str) -> None:
    """Stop the project's running builds, delete its finished builds, then the project."""
    ids = _all(codebuild.list_builds_for_project, "ids", projectName=name)
    for start in range(0, len(ids), 100):
        batch = ids[start:start + 100]
        for build in codebuild.batch_get_builds(ids=batch)["builds"]:
            if not build["buildComplete"]:
                codebuild.stop_build(id=build["id"])
        codebuild.batch_delete_builds(ids=batch)
    codebuild.delete_project(name=name)


def list_report_groups(codebuild: Any, scope: Scope) -> list[str]:
    """Report group ARNs in scope (by name prefix or tags)."""
    arns = _all(codebuild.list_report_groups, "reportGroups")
    found = []
    for start in range(0, len(arns), 100):
        groups = codebuild.batch_get_report_groups(reportGroupArns=arns[start:start + 100])
        for group in groups["reportGroups"]:
            if scope.matches_name(group["name"]) or scope.matches_tags(group.get("tags")):
                found.append(group["arn"])
    return found


def delete_report_group(codebuild: Any, arn: str) -> None:
    """Delete a report group and its reports."""
    codebuild.delete_report_group(arn=arn, deleteReports=True)


def list_log_groups(logs: Any, scope: Scope) -> list[str]:
    """Build log groups of projects in scope."""
    paginator = logs.get_paginator("describe_log_groups")
    return [g["logGroupName"] for page in paginator.paginate(
        logGroupNamePrefix=LOG_PREFIX + scope.prefix) for g in page.get("logGroups", [])]


def delete_log_group(logs: Any, name: str) -> None:
    """Delete a log group."""
    logs.delete_log_group(logGroupName=name)


RESOURCE_TYPES = [
    ResourceType("CodeBuild project", "codebuild", list_projects, delete_project, order=60),
    ResourceType("CodeBuild report group", "codebuild", list_report_groups, delete_report_group,
                 order=70),
    ResourceType("CodeBuild log group", "logs", list_log_groups, delete_log_group, order=80),
]
