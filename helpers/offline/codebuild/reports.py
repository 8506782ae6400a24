"""Test reports: JUnit XML files turned into CodeBuild reports and test cases.

A buildspec ``reports`` entry names a report group; a plain name means the group
``<project>-<name>``, created on first use (reference §B.2). Test-case statuses are CodeBuild's:
SUCCEEDED, FAILED, ERROR, SKIPPED, UNKNOWN. A report is SUCCEEDED when no case failed or erred.
Offline, only JUNITXML is read; other formats give an INCOMPLETE report (said in the log).
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

STATUSES = ("SUCCEEDED", "FAILED", "ERROR", "SKIPPED", "UNKNOWN")


class ReportFileError(Exception):
    """A report file that is not JUnit XML."""


def parse_junit(path: Path, report_arn: str) -> list[dict[str, Any]]:
    """The test cases of one JUnit XML file, as TestCase dicts."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise ReportFileError(f"{path.name} is not valid XML: {exc}") from None
    cases = []
    for case in root.iter("testcase"):
        status, message = "SUCCEEDED", ""
        for child, kind in (("failure", "FAILED"), ("error", "ERROR"), ("skipped", "SKIPPED")):
            found = case.find(child)
            if found is not None:
                status = kind
                message = found.get("message") or (found.text or "").strip()
                break
        try:
            nanos = int(float(case.get("time") or 0) * 1e9)
        except ValueError:
            nanos = 0
        cases.append({"reportArn": report_arn, "testRawDataPath": str(path.name),
                      "prefix": case.get("classname", ""), "name": case.get("name", ""),
                      "status": status, "durationInNanoSeconds": nanos, "message": message})
    return cases


def summary(cases: list[dict[str, Any]]) -> dict[str, Any]:
    """A TestReportSummary: total, counts by status, total duration."""
    counts: dict[str, int] = {}
    for case in cases:
        counts[case["status"]] = counts.get(case["status"], 0) + 1
    return {"total": len(cases), "statusCounts": counts,
            "durationInNanoSeconds": sum(c["durationInNanoSeconds"] for c in cases)}


def report_status(cases: list[dict[str, Any]], complete: bool) -> str:
    """FAILED if a case failed or erred, INCOMPLETE if files could not be read, else SUCCEEDED."""
    if not complete:
        return "INCOMPLETE"
    if any(c["status"] in ("FAILED", "ERROR") for c in cases):
        return "FAILED"
    return "SUCCEEDED"


def new_group(arn: str, name: str, now: Any, tags: list[dict[str, str]] | None = None
              ) -> dict[str, Any]:
    """A ReportGroup dict (test reports, no export)."""
    return {"arn": arn, "name": name, "type": "TEST", "created": now, "lastModified": now,
            "exportConfig": {"exportConfigType": "NO_EXPORT"}, "tags": tags or [],
            "status": "ACTIVE"}
