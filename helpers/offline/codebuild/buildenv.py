"""A build's environment variables: the buildspec's, the project's, the StartBuild overrides,
and CodeBuild's own ``CODEBUILD_*`` variables (reference §B.1, §B.5).

Precedence, highest first: StartBuild override > project > buildspec ``env``. Values are set
literally (``PATH: $PATH:/x`` is the string ``$PATH:/x``). PARAMETER_STORE and SECRETS_MANAGER
values are read from the endpoint's SSM and Secrets Manager when the build downloads its source.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from typing import Any


class VariableError(Exception):
    """A variable could not be resolved; ``code`` is the phase context status code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Resolved:
    """The variables a build runs with."""

    values: dict[str, str] = field(default_factory=dict)
    #: Values to mask in the log.
    secrets: list[str] = field(default_factory=list)
    #: Names set by the project/override as PARAMETER_STORE or SECRETS_MANAGER (not exportable).
    project_secrets: set[str] = field(default_factory=set)


def split_secret_reference(reference: str) -> tuple[str, str, str, str]:
    """``secret-id:json-key:version-stage:version-id`` → its four parts (an ARN id keeps its
    colons)."""
    parts = reference.split(":")
    if reference.startswith("arn:"):
        secret_id, rest = ":".join(parts[:7]), parts[7:]
    else:
        secret_id, rest = parts[0], parts[1:]
    rest += [""] * (3 - len(rest))
    return secret_id, rest[0], rest[1], rest[2]


def read_parameter(endpoint: Any, name: str) -> str:
    """A Parameter Store value (decrypted)."""
    ssm = endpoint.client("ssm")
    try:
        return ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
    except ssm.exceptions.ParameterNotFound:
        raise VariableError("Decrypted Variables Error",
                            f"parameter does not exist: {name}") from None


def read_secret(endpoint: Any, reference: str) -> str:
    """A Secrets Manager value, or one JSON key of it."""
    secret_id, json_key, stage, version = split_secret_reference(reference)
    secrets = endpoint.client("secretsmanager")
    kwargs: dict[str, str] = {"SecretId": secret_id}
    if stage:
        kwargs["VersionStage"] = stage
    if version:
        kwargs["VersionId"] = version
    try:
        value = secrets.get_secret_value(**kwargs)["SecretString"]
    except secrets.exceptions.ResourceNotFoundException:
        raise VariableError("Secrets Manager Error", "ResourceNotFoundException: Secrets "
                            f"Manager can't find the specified secret: {secret_id}") from None
    if not json_key:
        return value
    try:
        return str(json.loads(value)[json_key])
    except (ValueError, KeyError, TypeError):
        raise VariableError("Secrets Manager Error", f"the secret {secret_id} has no JSON key "
                            f"{json_key!r}") from None


def resolve(endpoint: Any, spec: Any, project_vars: list[dict[str, Any]],
            override_vars: list[dict[str, Any]]) -> Resolved:
    """Resolve every variable, lowest precedence first, so later ones win."""
    out = Resolved()

    def put(name: str, kind: str, value: str, from_project: bool) -> None:
        if kind == "PARAMETER_STORE":
            value = read_parameter(endpoint, value)
            out.secrets.append(value)
        elif kind == "SECRETS_MANAGER":
            value = read_secret(endpoint, value)
            out.secrets.append(value)
        out.values[name] = value
        if from_project and kind != "PLAINTEXT":
            out.project_secrets.add(name)
        elif name in out.project_secrets:
            out.project_secrets.discard(name)

    if spec is not None:
        for name, value in spec.variables.items():
            put(name, "PLAINTEXT", value, False)
        for name, value in spec.parameter_store.items():
            put(name, "PARAMETER_STORE", value, False)
        for name, value in spec.secrets_manager.items():
            put(name, "SECRETS_MANAGER", value, False)
    for var in [*project_vars, *override_vars]:
        put(var["name"], var.get("type", "PLAINTEXT"), str(var.get("value", "")), True)
    return out


def builtins(build: dict[str, Any], project: dict[str, Any], src_dir: str,
             secondary_dirs: dict[str, str], home: str, tmp: str) -> dict[str, str]:
    """CodeBuild's own variables for this build (reference §B.5)."""
    source = build["source"]
    values = {
        "CODEBUILD_BUILD_ARN": build["arn"],
        "CODEBUILD_BUILD_ID": build["id"],
        "CODEBUILD_BUILD_IMAGE": build["environment"].get("image", ""),
        "CODEBUILD_BUILD_NUMBER": str(build["buildNumber"]),
        "CODEBUILD_BUILD_SUCCEEDING": "1",
        "CODEBUILD_INITIATOR": build["initiator"],
        "CODEBUILD_KMS_KEY_ID": build.get("encryptionKey", ""),
        "CODEBUILD_LOG_PATH": build["logs"].get("streamName", ""),
        "CODEBUILD_SOURCE_REPO_URL": _repo_url(source),
        "CODEBUILD_SOURCE_VERSION": build.get("sourceVersion", ""),
        "CODEBUILD_SRC_DIR": src_dir,
        "CODEBUILD_START_TIME": str(int(build["startTime"].timestamp() * 1000)),
        "HOME": home,
        "TMPDIR": tmp,
        # The workbook's own tools (the aws CLI) come first, as they would in a build image.
        "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
    }
    if build.get("resolvedSourceVersion"):
        values["CODEBUILD_RESOLVED_SOURCE_VERSION"] = build["resolvedSourceVersion"]
    for ident, path in secondary_dirs.items():
        values[f"CODEBUILD_SRC_DIR_{ident}"] = path
    for extra in build.get("secondarySources", []):
        values[f"CODEBUILD_SOURCE_REPO_URL_{extra['sourceIdentifier']}"] = _repo_url(extra)
    return values


def _repo_url(source: dict[str, Any]) -> str:
    if source.get("type") == "S3" and source.get("location"):
        return f"s3://{source['location']}"
    return source.get("location", "")
