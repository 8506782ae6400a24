"""API responses → tidy pandas DataFrames (pure: no AWS calls).

Each function reads only what the public API returns, so the same frame works on sandbox data.
Functions are grouped by service; each says which notebook introduced it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

# -- CodeBuild (notebook 03) ---------------------------------------------------------------------

BUILD_PHASE_COLUMNS = ["build", "project", "build_number", "build_status", "phase", "order",
                       "status", "start", "end", "duration_s", "offset_s", "failed"]


def build_phases_frame(builds: Iterable[Mapping[str, Any]] | Mapping[str, Any]) -> pd.DataFrame:
    """One row per phase of each build, from ``batch_get_builds`` (the response or its builds).

    Columns: ``build`` (id), ``project``, ``build_number``, ``build_status``, ``phase``,
    ``order`` (position in the build), ``status`` (None while running and for COMPLETED),
    ``start``/``end`` (timestamps), ``duration_s`` (end − start, seconds), ``offset_s`` (seconds
    from the build's start to the phase's start) and ``failed`` (the phase ended other than
    SUCCEEDED). Introduced in notebook 03.
    """
    if isinstance(builds, Mapping):
        builds = builds.get("builds", [builds] if "phases" in builds else [])
    rows = []
    for build in builds:
        started = pd.Timestamp(build["startTime"])
        for order, phase in enumerate(build.get("phases", [])):
            start = pd.Timestamp(phase["startTime"])
            end = pd.Timestamp(phase["endTime"]) if phase.get("endTime") is not None else pd.NaT
            status = phase.get("phaseStatus")
            rows.append({
                "build": build["id"], "project": build.get("projectName"),
                "build_number": build.get("buildNumber"),
                "build_status": build.get("buildStatus"), "phase": phase["phaseType"],
                "order": order, "status": status, "start": start, "end": end,
                "duration_s": (end - start).total_seconds() if end is not pd.NaT else float("nan"),
                "offset_s": (start - started).total_seconds(),
                "failed": status is not None and status != "SUCCEEDED",
            })
    return pd.DataFrame(rows, columns=BUILD_PHASE_COLUMNS)
