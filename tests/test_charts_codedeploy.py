"""plot_lifecycle_gantt and plot_strategy_comparison draw what the frames say."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd

from helpers import charts, frames
from tests.codedeploy_setup import deploy, setup

matplotlib.use("Agg")


def _frame(aws, config=None, failing=False) -> pd.DataFrame:
    return frames.lifecycle_frame(aws("codedeploy"),
                                  deploy(aws, config, failing=failing)["deploymentId"])


def test_gantt_one_row_per_instance_one_bar_per_event_that_ran(aws):
    """Bars = events with a start; failures hatched and named; skipped rows labelled."""
    setup(aws, count=2)
    _frame(aws)
    frame = _frame(aws, "CodeDeployDefault.OneAtATime", failing=True)
    ax = charts.plot_lifecycle_gantt(frame)
    ran = frame.dropna(subset=["offset_s"])
    assert len(ax.patches) == len(ran)
    hatched = [p for p in ax.patches if p.get_hatch() == "//"]
    assert len(hatched) == int(frame["failed"].sum()) == 1
    texts = [t.get_text() for t in ax.texts]
    assert any("ValidateService: ScriptFailed" in t for t in texts)
    assert any("Skipped" in t for t in texts)
    assert [t.get_text() for t in ax.get_yticklabels()] == list(dict.fromkeys(frame["target"]))
    starts = sorted(p.get_x() for p in ax.patches)
    assert starts == sorted(ran["offset_s"].tolist())
    plt.close("all")


def test_strategy_comparison_one_line_per_config(aws):
    """Each config's step line reaches its lowest healthy count and its duration."""
    setup(aws, count=4)
    by_config = {name: _frame(aws, f"CodeDeployDefault.{name}")
                 for name in ("OneAtATime", "HalfAtATime", "AllAtOnce")}
    _, ax = plt.subplots()
    assert charts.plot_strategy_comparison(by_config, ax=ax) is ax
    lines = ax.get_lines()
    assert len(lines) == 3
    lows = [min(line.get_ydata()) for line in lines]
    assert lows == [3, 2, 0]
    ends = [max(line.get_xdata()) for line in lines]
    assert ends[0] > ends[1] > ends[2]  # one at a time takes longest
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0].startswith("OneAtATime:") and "at least 3 healthy" in labels[0]
    plt.close("all")
