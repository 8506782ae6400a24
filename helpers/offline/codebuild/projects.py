"""Projects as AWS accepts them: validation and defaults of CreateProject / UpdateProject input.

Unlike moto, a NO_SOURCE or CODEPIPELINE source needs no location (a NO_SOURCE project needs an
inline buildspec instead), and CODEPIPELINE source and artifacts go together.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from helpers.offline.services import ServiceError

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_]{1,254}$")
SOURCE_TYPES = ("CODECOMMIT", "CODEPIPELINE", "GITHUB", "GITLAB", "GITLAB_SELF_MANAGED", "S3",
                "BITBUCKET", "GITHUB_ENTERPRISE", "NO_SOURCE")
#: Source types the offline endpoint can download (the others are accepted but fail at
#: DOWNLOAD_SOURCE with a message saying so).
OFFLINE_SOURCES = ("NO_SOURCE", "S3", "CODECOMMIT", "CODEPIPELINE")
ARTIFACT_TYPES = ("CODEPIPELINE", "S3", "NO_ARTIFACTS")
VARIABLE_TYPES = ("PLAINTEXT", "PARAMETER_STORE", "SECRETS_MANAGER")
TIMEOUT_RANGE = (5, 2160)  # minutes, default 60 (reference §B.3)
QUEUED_TIMEOUT_RANGE = (5, 480)  # minutes, default 480


def invalid(message: str) -> ServiceError:
    """An InvalidInputException."""
    return ServiceError("InvalidInputException", message)


def check_source(source: dict[str, Any], where: str = "source") -> dict[str, Any]:
    """Validate one ProjectSource; return it with defaults."""
    source = dict(source)
    kind = source.get("type")
    if kind not in SOURCE_TYPES:
        raise invalid(f"Invalid {where} type: {kind}; use one of {', '.join(SOURCE_TYPES)}")
    if kind == "NO_SOURCE":
        if not (source.get("buildspec") or "").strip():
            raise invalid(f"{where}: a NO_SOURCE project needs an inline buildspec "
                          "(source.buildspec), because there is no source to read one from")
    elif kind != "CODEPIPELINE" and not source.get("location"):
        raise invalid(f"{where}: location is required for source type {kind}")
    if kind == "S3" and "/" not in source.get("location", "").strip("/"):
        raise invalid(f"{where}: an S3 location is <bucket>/<key of a .zip> or "
                      "<bucket>/<folder>/, got " + repr(source.get("location")))
    source.setdefault("insecureSsl", False)
    return source


def check_artifacts(artifacts: dict[str, Any], where: str = "artifacts") -> dict[str, Any]:
    """Validate one ProjectArtifacts; return it with defaults."""
    artifacts = dict(artifacts)
    kind = artifacts.get("type")
    if kind not in ARTIFACT_TYPES:
        raise invalid(f"Invalid {where} type: {kind}; use one of {', '.join(ARTIFACT_TYPES)}")
    if kind == "S3":
        if not artifacts.get("location"):
            raise invalid(f"{where}: location (the bucket name) is required for S3 artifacts")
        if not artifacts.get("name"):
            raise invalid(f"{where}: name is required for S3 artifacts")
        artifacts.setdefault("namespaceType", "NONE")
        artifacts.setdefault("packaging", "NONE")
        artifacts.setdefault("path", "")
    return artifacts


def check_variables(variables: list[dict[str, Any]], where: str) -> list[dict[str, Any]]:
    """Validate EnvironmentVariable entries; default the type to PLAINTEXT."""
    out = []
    for var in variables:
        var = dict(var)
        var.setdefault("type", "PLAINTEXT")
        if var["type"] not in VARIABLE_TYPES:
            raise invalid(f"{where}: variable {var.get('name')} has type {var['type']}; use "
                          f"one of {', '.join(VARIABLE_TYPES)}")
        if var.get("name", "").startswith("CODEBUILD_"):
            raise invalid(f"{where}: environment variable names starting with CODEBUILD_ are "
                          f"reserved ({var['name']})")
        out.append(var)
    return out


def check_timeout(value: Any, bounds: tuple[int, int], name: str) -> int:
    """A timeout in minutes within ``bounds``."""
    low, high = bounds
    if not isinstance(value, int) or not low <= value <= high:
        raise invalid(f"{name} must be between {low} and {high} minutes, got {value}")
    return value


def build_project(params: dict[str, Any], backend: Any, now: Any,
                  existing: dict[str, Any] | None = None) -> dict[str, Any]:
    """The Project dict for CreateProject (``existing`` None) or UpdateProject."""
    name = params["name"].rsplit("/", 1)[-1]
    if existing is None and not NAME.match(name):
        raise invalid(f"Project name {name!r} must be 2–255 characters of letters, digits, "
                      "'-' and '_', starting with a letter or digit")
    project = copy.deepcopy(existing) if existing else {
        "name": name, "arn": backend.arn("project", name), "created": now,
        "timeoutInMinutes": 60, "queuedTimeoutInMinutes": 480, "secondarySources": [],
        "secondarySourceVersions": [], "secondaryArtifacts": [], "tags": [],
        "cache": {"type": "NO_CACHE"}, "badge": {"badgeEnabled": False},
        "projectVisibility": "PRIVATE",
        "logsConfig": {"cloudWatchLogs": {"status": "ENABLED"}, "s3Logs": {"status": "DISABLED"}},
    }
    simple = ("description", "sourceVersion", "serviceRole", "encryptionKey", "tags", "cache",
              "vpcConfig", "badge", "logsConfig", "concurrentBuildLimit", "buildBatchConfig",
              "fileSystemLocations", "secondarySourceVersions", "autoRetryLimit")
    for key in simple:
        if key in params:
            project[key] = params[key]
    if "badgeEnabled" in params:
        project["badge"] = {"badgeEnabled": bool(params["badgeEnabled"])}
    if "source" in params:
        project["source"] = check_source(params["source"])
    if "secondarySources" in params:
        project["secondarySources"] = [check_source(s, "secondarySources")
                                       for s in params["secondarySources"]]
        for source in project["secondarySources"]:
            if not source.get("sourceIdentifier"):
                raise invalid("secondarySources: every secondary source needs a "
                              "sourceIdentifier")
    if "artifacts" in params:
        project["artifacts"] = check_artifacts(params["artifacts"])
    if "secondaryArtifacts" in params:
        project["secondaryArtifacts"] = [check_artifacts(a, "secondaryArtifacts")
                                         for a in params["secondaryArtifacts"]]
        for art in project["secondaryArtifacts"]:
            if not art.get("artifactIdentifier"):
                raise invalid("secondaryArtifacts: every secondary artifact needs an "
                              "artifactIdentifier")
    if "environment" in params:
        env = dict(params["environment"])
        env["environmentVariables"] = check_variables(env.get("environmentVariables", []),
                                                      "environment")
        env.setdefault("privilegedMode", False)
        env.setdefault("imagePullCredentialsType", "CODEBUILD")
        project["environment"] = env
    if "timeoutInMinutes" in params:
        project["timeoutInMinutes"] = check_timeout(params["timeoutInMinutes"], TIMEOUT_RANGE,
                                                    "timeoutInMinutes")
    if "queuedTimeoutInMinutes" in params:
        project["queuedTimeoutInMinutes"] = check_timeout(
            params["queuedTimeoutInMinutes"], QUEUED_TIMEOUT_RANGE, "queuedTimeoutInMinutes")
    source_pipeline = project["source"]["type"] == "CODEPIPELINE"
    artifacts_pipeline = project["artifacts"]["type"] == "CODEPIPELINE"
    if source_pipeline != artifacts_pipeline:
        raise invalid("A project with a CODEPIPELINE source needs CODEPIPELINE artifacts, and "
                      "the other way round: set both source.type and artifacts.type to "
                      "CODEPIPELINE")
    project["lastModified"] = now
    return project
