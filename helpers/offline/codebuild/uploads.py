"""UPLOAD_ARTIFACTS: test reports and artifacts of one build.

:func:`run` does the real work in a worker (reading files, writing S3); :func:`apply` records the
outcome on the engine thread (report ARNs are drawn from the engine's seeded random there).
Artifact keys follow the project: ``<path>/<build uuid if namespaceType BUILD_ID>/<name>``; a
buildspec ``artifacts.name`` is used when the project sets ``overrideArtifactName``. With no file
matched the phase fails with CLIENT_ERROR "no matching artifact paths found".
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from helpers.offline.codebuild import reports, storage

log = logging.getLogger(__name__)


@dataclass
class Result:
    """What UPLOAD_ARTIFACTS did."""

    status: str = "SUCCEEDED"
    code: str = ""
    message: str = ""
    primary: storage.Upload | None = None
    secondary: list[storage.Upload] = field(default_factory=list)
    #: (report group name, list of test cases, complete) per buildspec report
    reports: list[tuple[str, list[dict[str, Any]], bool]] = field(default_factory=list)


def _fail(result: Result, message: str) -> Result:
    result.status, result.code, result.message = "FAILED", "CLIENT_ERROR", message
    return result


def run(build_run: Any) -> Result:
    """Collect reports, upload artifacts (worker thread)."""
    spec, result = build_run.spec, Result()
    src = build_run.root / "src"
    for name, rep in spec.reports.items():
        group = name if name.startswith("arn:") else f"{build_run.project['name']}-{name}"
        files = storage.collect(src / (rep.base_directory or ""), rep.files, [], False)
        if not files:
            build_run.log.agent(build_run.now(), f"Report files not found for {name}")
            continue
        cases, complete = [], rep.file_format == "JUNITXML"
        for path, _ in files:
            if not complete:
                break
            try:
                cases += reports.parse_junit(path, "")
            except reports.ReportFileError as err:
                build_run.log.agent(build_run.now(), f"Skipping report file: {err}")
                complete = False
        if rep.file_format != "JUNITXML":
            build_run.log.agent(build_run.now(), f"Report format {rep.file_format} is not read "
                                "offline (JUNITXML only); the report is INCOMPLETE")
        result.reports.append((group, cases, complete))
    config = build_run.artifact_config
    if spec.artifacts is not None and config.get("type") in ("S3", "CODEPIPELINE") \
            and config.get("location"):
        upload = _upload(build_run, config, spec.artifacts, result)
        if upload is None:
            return result
        result.primary = upload
    known = {a.get("artifactIdentifier"): a for a in build_run.secondary_config}
    for ident, art in spec.secondary_artifacts.items():
        if ident not in known:
            return _fail(result, f"secondary artifact {ident} is not one of the project's "
                         "secondaryArtifacts (artifactIdentifier)")
        upload = _upload(build_run, known[ident], art, result)
        if upload is None:
            return result
        upload.identifier = ident
        result.secondary.append(upload)
    return result


def _upload(build_run: Any, config: dict[str, Any], art: Any, result: Result
            ) -> storage.Upload | None:
    src = build_run.root / "src"
    files = storage.collect(src / (art.base_directory or ""), art.files, art.exclude_paths,
                            art.discard_paths)
    if not files:
        _fail(result, "no matching artifact paths found")
        return None
    name = config.get("name") or ""
    if config.get("overrideArtifactName") and art.name and build_run.shell is not None:
        evaluated = build_run.shell.run(f'printf "%s" "{art.name}"')
        name = evaluated.output.strip() or name
    namespace = build_run.build_id.split(":")[-1] if config.get("namespaceType") == "BUILD_ID" \
        else ""
    key = "/".join(p.strip("/") for p in (config.get("path", ""), namespace, name) if p)
    build_run.log.agent(build_run.now(), f"Uploading {len(files)} file(s) to "
                        f"s3://{config['location']}/{key}")
    try:
        return storage.upload(build_run.endpoint, files, config["location"], key,
                              config.get("packaging") == "ZIP", build_run.build["arn"])
    except storage.StorageError as err:
        _fail(result, err.message)
        return None


def apply(build_run: Any, result: Result) -> None:
    """Record reports and artifact locations on the build (engine thread)."""
    backend, build, now = build_run.backend, build_run.build, build_run.now()
    for group_name, cases, complete in result.reports:
        group_arn = backend.report_group_arn(group_name)
        if group_arn not in backend.report_groups:
            backend.report_groups[group_arn] = reports.new_group(
                group_arn, group_arn.rsplit("/", 1)[-1], now)
        report_id = uuid.UUID(int=build_run.engine.random.getrandbits(128), version=4)
        arn = group_arn.replace(":report-group/", ":report/") + f":{report_id}"
        for case in cases:
            case["reportArn"] = arn
            case["expired"] = None
        backend.reports[arn] = {
            "arn": arn, "type": "TEST", "name": f"{group_arn.rsplit('/', 1)[-1]}-{report_id}",
            "reportGroupArn": group_arn, "executionId": build["arn"],
            "status": reports.report_status(cases, complete), "created": now,
            "exportConfig": {"exportConfigType": "NO_EXPORT"}, "truncated": False,
            "testSummary": reports.summary(cases)}
        backend.test_cases[arn] = cases
        build.setdefault("reportArns", []).append(arn)
    if result.primary is not None:
        build["artifacts"].update({k: v for k, v in (
            ("location", result.primary.location), ("md5sum", result.primary.md5sum),
            ("sha256sum", result.primary.sha256sum)) if v})
    for upload in result.secondary:
        entry = {"location": upload.location, "artifactIdentifier": upload.identifier}
        if upload.md5sum:
            entry.update(md5sum=upload.md5sum, sha256sum=upload.sha256sum)
        build.setdefault("secondaryArtifacts", []).append(entry)
