"""CodeBuild: describing a build must not change it.

moto finishes a build on the first ``batch_get_builds`` (it has no build runner), but it does so on
*every* describe: each call appends the nine canned phases again and draws a new end time, so a
build shows 11, 20, 29 … phases. Here a build is finished once (first describe or ``stop_build``)
and every later describe returns it unchanged. The emulator's own CodeBuild will replace moto's
later; until then this keeps moto's build records stable.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from moto.codebuild.models import CodeBuildBackend

log = logging.getLogger(__name__)

_MARK = "_cdw_shim"
#: The phase moto appends last; its presence means the build was already finished.
FINAL_PHASE = "COMPLETED"


def _finished(build: dict[str, Any]) -> bool:
    return any(p.get("phaseType") == FINAL_PHASE for p in build.get("phases", []))


def _batch_get_builds(original: Any) -> Any:
    @functools.wraps(original)
    def batch_get_builds(self: CodeBuildBackend, ids: list[str]) -> list[dict[str, Any]]:
        builds = []
        for metadata in self.build_metadata_history.values():
            for build in metadata:
                if build["id"] not in ids:
                    continue
                if not _finished(build):
                    # moto's own finishing step, applied to this one build only
                    original(_OneBuild(self, build), [build["id"]])
                builds.append(build)
        return builds

    setattr(batch_get_builds, _MARK, True)
    return batch_get_builds


def _stop_build(original: Any) -> Any:
    @functools.wraps(original)
    def stop_build(self: CodeBuildBackend, build_id: str) -> dict[str, Any] | None:
        for metadata in self.build_metadata_history.values():
            for build in metadata:
                if build["id"] == build_id and _finished(build):
                    return build
        return original(self, build_id)

    setattr(stop_build, _MARK, True)
    return stop_build


class _OneBuild:
    """A view of a backend whose build history holds one build, for moto's finishing code."""

    def __init__(self, backend: CodeBuildBackend, build: dict[str, Any]) -> None:
        self._backend = backend
        self.build_metadata_history = {build["projectName"]: [build]}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._backend, name)


def install() -> None:
    """Make ``batch_get_builds`` and ``stop_build`` leave finished builds alone (idempotent)."""
    for name, wrap in (("batch_get_builds", _batch_get_builds), ("stop_build", _stop_build)):
        current = getattr(CodeBuildBackend, name)
        if not getattr(current, _MARK, False):
            setattr(CodeBuildBackend, name, wrap(current))
    log.debug("codebuild shim installed")
