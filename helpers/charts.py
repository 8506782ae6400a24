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


# -- CodeDeploy (notebook 05) --------------------------------------------------------------------

#: One colour per lifecycle event, in lifecycle order (hooks you script are the saturated ones).
EVENT_COLOURS = {
    "ApplicationStop": "#9e9ac8", "DownloadBundle": "#c6dbef", "BeforeInstall": "#6baed6",
    "Install": "#2171b5", "AfterInstall": "#74c476", "ApplicationStart": "#238b45",
    "ValidateService": "#fd8d3c", "BeforeBlockTraffic": "#bcbddc", "BlockTraffic": "#969696",
    "AfterBlockTraffic": "#807dba", "BeforeAllowTraffic": "#fdd0a2", "AllowTraffic": "#d9d9d9",
    "AfterAllowTraffic": "#e6550d",
}


def plot_lifecycle_gantt(frame: pd.DataFrame, ax: Any = None, title: str | None = None) -> Any:
    """Draw a deployment's lifecycle events: one row per instance, one bar per event.

    Bars start at the event's offset from the deployment's creation. Failed events get a red
    edge, hatching, and their error code after the row; events that never ran (Pending,
    Skipped) are not drawn, and a row with none is labelled ``Skipped``. Rows of a blue/green
    deployment carry the instance label (Blue/Green). Introduced in notebook 05.

    Args:
        frame: From :func:`helpers.frames.lifecycle_frame` (one or several deployments).
        ax: The Axes to draw on (a new figure when None).
        title: The title (default: the deployment id, or "CodeDeploy lifecycle events").
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    keys = list(dict.fromkeys(zip(frame["deployment"], frame["target"], strict=True)))
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 0.35 * max(3, len(keys)) + 1.4))
    drawn = frame.dropna(subset=["offset_s"])
    # In-place targets are labelled Blue too: show labels only where both colours occur.
    labelled = {d for d, labels in frame.groupby("deployment")["label"] if labels.nunique() > 1}
    names = []
    for row, (deployment, target) in enumerate(keys):
        rows = frame[(frame["deployment"] == deployment) & (frame["target"] == target)]
        label = rows["label"].iloc[0]
        names.append(f"{target} ({label})" if deployment in labelled else str(target))
        ran = rows.dropna(subset=["offset_s"])
        for event in ran.itertuples():
            width = event.duration_s if event.duration_s == event.duration_s else 0.0
            ax.barh(row, max(width, 0.5), left=event.offset_s, height=0.7,
                    color=EVENT_COLOURS.get(event.event, "#cccccc"),
                    edgecolor="#d62728" if event.failed else "white",
                    hatch="//" if event.failed else None, linewidth=1.5 if event.failed else 0.4)
        failed = ran[ran["failed"]]
        if len(ran) == 0:
            ax.text(0, row, " Skipped", ha="left", va="center", fontsize=7, color="#636363")
        elif len(failed):
            end = (ran["offset_s"] + ran["duration_s"].fillna(0)).max()
            ax.text(end, row, "  " + ", ".join(f"{e.event}: {e.error_code}"
                                               for e in failed.itertuples()),
                    ha="left", va="center", fontsize=7, color="#d62728", fontweight="bold")
    ax.set_yticks(range(len(keys)), names, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("seconds since the deployment was created")
    ax.set_xlim(left=0, right=max(1.0, ax.get_xlim()[1]) * 1.3)  # room for failure labels
    deployments = list(dict.fromkeys(frame["deployment"]))
    ax.set_title(title or (deployments[0] if len(deployments) == 1
                           else "CodeDeploy lifecycle events"))
    present = [e for e in EVENT_COLOURS if e in set(drawn["event"])]
    ax.legend(handles=[Patch(color=EVENT_COLOURS[e], label=e) for e in present],
              loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=4, fontsize=7, frameon=False)
    return ax


def plot_strategy_comparison(frames_by_config: dict[str, pd.DataFrame], ax: Any = None) -> Any:
    """Healthy capacity over time for one fleet under several deployment configurations.

    One step line per configuration (from :func:`helpers.frames.capacity_frame` of its
    lifecycle frame), ending where its last event ended; the legend gives each one's duration
    and its lowest healthy count. Introduced in notebook 05.

    Args:
        frames_by_config: Configuration name → lifecycle frame of a deployment using it.
        ax: The Axes to draw on (a new figure when None).
    """
    import matplotlib.pyplot as plt

    from helpers.frames import capacity_frame

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 3.6))
    total = 0
    for name, frame in frames_by_config.items():
        capacity = capacity_frame(frame)
        ran = frame.dropna(subset=["offset_s"])
        end = float((ran["offset_s"] + ran["duration_s"].fillna(0)).max()) if len(ran) else 0.0
        xs = [*capacity["offset_s"], end]
        ys = [*capacity["healthy"], capacity["healthy"].iloc[-1]]
        total = max(total, int(capacity["total"].iloc[0]))
        ax.step(xs, ys, where="post", linewidth=2,
                label=f"{name}: {end:.0f} s, at least {min(ys)} healthy")
    ax.set_ylim(-0.2, total + 0.5)
    ax.set_yticks(range(0, total + 1))
    ax.set_xlabel("seconds since the deployment was created")
    ax.set_ylabel("healthy instances")
    ax.set_title("One fleet, several deployment configurations")
    ax.legend(fontsize=8, loc="lower right")
    return ax


def plot_traffic_shift(frame: pd.DataFrame, ax: Any = None, title: str | None = None) -> Any:
    """The new version's share of traffic over time: one step line per deployment.

    Scheduled weights (from the configuration and AllowTraffic's times) are drawn as steps;
    weights observed live, if the frame has any, as dots on top. Introduced in notebook 07.

    Args:
        frame: From :func:`helpers.frames.traffic_frame` (one or several deployments,
            concatenated; give each a readable ``deployment`` value, e.g. the config name).
        ax: The Axes to draw on (a new figure when None).
        title: The title.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 3.6))
    for name, rows in frame.groupby("deployment", sort=False):
        planned = rows[rows["source"] == "schedule"]
        line = ax.step(planned["offset_s"] / 60, planned["weight"], where="post", linewidth=2,
                       label=f"{name}: 100 % after {planned['offset_s'].max() / 60:.0f} min"
                       if planned["weight"].iloc[-1] >= 100 else
                       f"{name}: stopped at {planned['weight'].iloc[-1]:.0f} %")
        seen = rows[rows["source"] == "observed"]
        if len(seen):
            ax.scatter(seen["offset_s"] / 60, seen["weight"], s=14,
                       color=line[0].get_color(), zorder=3)
    ax.set_ylim(-3, 105)
    ax.set_xlabel("minutes since the deployment started")
    ax.set_ylabel("% of traffic on the new version")
    ax.set_title(title or "Traffic shifting")
    ax.legend(fontsize=8, loc="lower right")
    return ax


ROLLBACK_COLOURS = {"Succeeded": "#31a354", "Failed": "#d62728", "Stopped": "#fd8d3c",
                    "InProgress": "#9ecae1"}


def plot_rollback_timeline(frame: pd.DataFrame, ax: Any = None, title: str | None = None) -> Any:
    """A failed or stopped deployment, what triggered it and its rollback, on one time axis.

    One bar per deployment (coloured by status); the trigger (failed hook, alarm or stop) is a
    marker at the end of the first deployment. Introduced in notebook 09.

    Args:
        frame: From :func:`helpers.frames.rollback_frame`.
        ax: The Axes to draw on (a new figure when None).
        title: The title.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 0.6 * max(2, len(frame)) + 1.4))
    for row, item in enumerate(frame.itertuples()):
        end = item.complete_s if item.complete_s == item.complete_s else item.start_s
        ax.barh(row, max(end - item.start_s, 1.0) / 60, left=item.start_s / 60, height=0.6,
                color=ROLLBACK_COLOURS.get(item.status, "#cccccc"))
        ax.text(end / 60, row, f"  {item.status}", va="center", fontsize=8)
        if isinstance(item.trigger, str):
            ax.plot([end / 60], [row], marker="X", markersize=11, color="black")
            ax.annotate(item.trigger, (end / 60, row), xytext=(0, 12),
                        textcoords="offset points", ha="center", fontsize=8, fontweight="bold")
    ax.set_yticks(range(len(frame)), [f"{r.role}\n{r.deployment}" for r in frame.itertuples()],
                  fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(left=0, right=max(1.0, ax.get_xlim()[1]) * 1.15)
    ax.set_xlabel("minutes since the first deployment started")
    ax.set_title(title or "Deployment, trigger and rollback")
    return ax
