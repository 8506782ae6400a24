"""DataFrames → matplotlib Axes (pure: no AWS calls, no global style changes).

Each function takes a frame from :mod:`helpers.frames` and returns the Axes it drew on.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

# -- CodeBuild (notebook 03) ---------------------------------------------------------------------

_PHASE_COLOURS = {
    "SUBMITTED": "#c7c7c7", "QUEUED": "#a5a5a5", "PROVISIONING": "#9ecae1",
    "DOWNLOAD_SOURCE": "#6baed6", "INSTALL": "#74c476", "PRE_BUILD": "#41ab5d",
    "BUILD": "#238b45", "POST_BUILD": "#fd8d3c", "UPLOAD_ARTIFACTS": "#9e9ac8",
    "FINALIZING": "#756bb1",
}


def plot_build_phases(frame: pd.DataFrame, ax: Any = None, label: str = "build_number") -> Any:
    """Draw the phases of several builds side by side: one row per build, one bar per phase.

    Bars start at the phase's offset from the build's start. A phase that did not succeed is
    drawn with a red edge and hatching, and named with its status at the end of the row.
    COMPLETED (no duration) is not drawn. Introduced in notebook 03.

    Args:
        frame: From :func:`helpers.frames.build_phases_frame`.
        ax: The Axes to draw on (a new figure when None).
        label: The column that names each row (``build_number`` or ``build``).
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 0.6 * max(2, frame["build"].nunique()) + 1.2))
    drawn = frame.dropna(subset=["duration_s"])
    builds = list(dict.fromkeys(frame["build"]))
    for row, build in enumerate(builds):
        rows = drawn[drawn["build"] == build]
        for phase in rows.itertuples():
            width = max(phase.duration_s, 0.3)  # a 0 s phase stays visible
            ax.barh(row, width, left=phase.offset_s, height=0.6,
                    color=_PHASE_COLOURS.get(phase.phase, "#cccccc"),
                    edgecolor="#d62728" if phase.failed else "white",
                    hatch="//" if phase.failed else None, linewidth=1.5 if phase.failed else 0.5)
        failed = rows[rows["failed"]]
        if len(failed):
            # Short phases are too narrow to hold a label: name the failures after the row.
            end = (rows["offset_s"] + rows["duration_s"]).max()
            ax.text(end, row, "  " + ", ".join(f"{p.phase} {p.status}"
                                               for p in failed.itertuples()),
                    ha="left", va="center", fontsize=7, color="#d62728", fontweight="bold")
    names = []
    for build in builds:
        first = frame[frame["build"] == build].iloc[0]
        names.append(f"#{first[label]} {first['build_status']}" if label == "build_number"
                     else str(first[label]))
    ax.set_yticks(range(len(builds)), names)
    ax.invert_yaxis()
    ax.set_xlabel("seconds since the build started")
    ax.set_xlim(right=ax.get_xlim()[1] * 1.15)  # room for the failure labels
    ax.set_title("CodeBuild phases")
    present = [p for p in _PHASE_COLOURS if p in set(drawn["phase"])]
    ax.legend(handles=[Patch(color=_PHASE_COLOURS[p], label=p) for p in present],
              loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=5, fontsize=7, frameon=False)
    return ax
