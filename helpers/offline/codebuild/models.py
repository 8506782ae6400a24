"""CodeBuild state: one backend per account and Region, cleared by moto's reset.

Projects, builds, report groups and reports are kept as dicts in the API's own shape (camelCase),
so describing them is a copy. Builds are changed only on the engine thread (by their
:class:`~helpers.offline.codebuild.runner.BuildRun`); readers copy them under the engine lock.
"""

from __future__ import annotations

import logging
import shutil
from typing import Any

from helpers.offline.services import ServiceError
from helpers.offline.shims.backends import BackendDict, BaseBackend

log = logging.getLogger(__name__)


class CodeBuildBackend(BaseBackend):
    """Everything CodeBuild keeps for one account in one Region."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        #: Project dicts by name.
        self.projects: dict[str, dict[str, Any]] = {}
        #: Build dicts by id, in start order.
        self.builds: dict[str, dict[str, Any]] = {}
        #: The running build processes by build id.
        self.runs: dict[str, Any] = {}
        #: Build numbers handed out per project name (never renumbered).
        self.build_numbers: dict[str, int] = {}
        #: Report group dicts by ARN; reports by ARN; test cases by report ARN.
        self.report_groups: dict[str, dict[str, Any]] = {}
        self.reports: dict[str, dict[str, Any]] = {}
        self.test_cases: dict[str, list[dict[str, Any]]] = {}

    def reset(self) -> None:
        """Stop every build shell and remove its work folder, then forget everything."""
        for run in list(getattr(self, "runs", {}).values()):
            try:
                run.discard()
            except Exception:  # noqa: BLE001 - a reset must always complete
                log.exception("could not discard build %s", getattr(run, "build_id", "?"))
        super().reset()

    # -- ARNs ------------------------------------------------------------------------------------

    def arn(self, kind: str, name: str) -> str:
        """The ARN of a CodeBuild resource (``project``, ``build``, ``report-group``, …)."""
        return f"arn:aws:codebuild:{self.region_name}:{self.account_id}:{kind}/{name}"

    def project(self, name: str) -> dict[str, Any]:
        """The project called ``name`` (or named by its ARN); ResourceNotFoundException if none."""
        name = name.rsplit("/", 1)[-1] if name.startswith("arn:") else name
        if name not in self.projects:
            raise ServiceError("ResourceNotFoundException",
                               f"Project cannot be found: {self.arn('project', name)}")
        return self.projects[name]

    def build(self, build_id: str) -> dict[str, Any]:
        """The build with ``build_id`` (or ARN); ResourceNotFoundException if none."""
        build_id = build_id.split(":build/", 1)[-1]
        if build_id not in self.builds:
            raise ServiceError("ResourceNotFoundException", f"Build {build_id} does not exist")
        return self.builds[build_id]

    def next_build_number(self, project: str) -> int:
        """The next build number of ``project`` (starts at 1)."""
        self.build_numbers[project] = self.build_numbers.get(project, 0) + 1
        return self.build_numbers[project]

    def report_group_arn(self, name_or_arn: str) -> str:
        """A report group's ARN from its name or ARN."""
        if name_or_arn.startswith("arn:"):
            return name_or_arn
        return self.arn("report-group", name_or_arn)


def discard_dir(path: Any) -> None:
    """Remove a build's work folder, quietly."""
    shutil.rmtree(path, ignore_errors=True)


codebuild_backends = BackendDict(CodeBuildBackend, "codebuild")
