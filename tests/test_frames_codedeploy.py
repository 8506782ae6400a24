"""lifecycle_frame, deployments_frame and capacity_frame on real deployments from the endpoint."""

from __future__ import annotations

import pandas as pd

from helpers import frames
from tests.codedeploy_setup import deploy, setup

IN_PLACE = ["ApplicationStop", "DownloadBundle", "BeforeInstall", "Install", "AfterInstall",
            "ApplicationStart", "ValidateService"]


def test_lifecycle_frame_one_row_per_target_and_event(aws):
    """3 targets × 7 events; durations match start/end; OneAtATime runs instances in turn."""
    made, _ = setup(aws)
    info = deploy(aws)
    frame = frames.lifecycle_frame(aws("codedeploy"), info["deploymentId"])
    assert list(frame.columns) == frames.LIFECYCLE_COLUMNS
    assert sorted(frame["target"].unique()) == sorted(made.instance_ids)
    for _, rows in frame.groupby("target"):
        assert rows["event"].tolist() == IN_PLACE
    assert (frame["status"] == "Succeeded").all() and not frame["failed"].any()
    assert frame["error_code"].isna().all()
    durations = (frame["end"] - frame["start"]).dt.total_seconds()
    assert (durations == frame["duration_s"]).all()
    # OneAtATime: an instance's first event starts after the previous one's last event ended.
    spans = frame.groupby("target").agg(first=("offset_s", "min"),
                                        last=("end", "max")).sort_values("first")
    created = pd.Timestamp(info["createTime"])
    ends = (spans["last"] - created).dt.total_seconds().tolist()
    assert all(later >= end for later, end in zip(spans["first"].tolist()[1:], ends[:-1],
                                                  strict=True))


def test_lifecycle_frame_marks_failures_and_skips(aws):
    """A failing ValidateService: error code ScriptFailed on that event; later ones Skipped."""
    setup(aws, count=2)
    deploy(aws)  # the first one succeeds: the failing one has a previous revision
    info = deploy(aws, failing=True)
    assert info["errorInformation"]["code"] == "HEALTH_CONSTRAINTS"
    frame = frames.lifecycle_frame(aws("codedeploy"), info["deploymentId"])
    failed = frame[frame["failed"]]
    assert failed["event"].tolist() == ["ValidateService"]
    assert failed["error_code"].tolist() == ["ScriptFailed"]
    assert "exit code 3" in failed["message"].item()
    other = frame[frame["target"] != failed["target"].item()]
    assert set(other["status"]) == {"Skipped"}
    assert other["offset_s"].isna().all() and other["duration_s"].isna().all()


def test_deployments_frame_keeps_the_order_and_counters(aws):
    """One row per deployment, in the order asked, with overview counters and durations."""
    setup(aws, count=2)
    ok = deploy(aws, "CodeDeployDefault.AllAtOnce")
    bad = deploy(aws, "CodeDeployDefault.OneAtATime", failing=True)
    frame = frames.deployments_frame(aws("codedeploy"), [bad["deploymentId"],
                                                        ok["deploymentId"]])
    assert list(frame.columns) == frames.DEPLOYMENT_COLUMNS
    assert frame["status"].tolist() == ["Failed", "Succeeded"]
    assert frame["error_code"].iloc[0] == "HEALTH_CONSTRAINTS"
    assert pd.isna(frame["error_code"].iloc[1])
    assert frame["config"].tolist() == ["CodeDeployDefault.OneAtATime",
                                        "CodeDeployDefault.AllAtOnce"]
    assert frame[["Succeeded", "Failed", "Skipped"]].values.tolist() == [[0, 1, 1], [2, 0, 0]]
    assert (frame["duration_s"] > 0).all()


def test_capacity_frame_follows_the_config(aws):
    """OneAtATime keeps n−1 healthy; AllAtOnce drops to 0; both end with all healthy."""
    setup(aws, count=4)
    codedeploy = aws("codedeploy")
    one = frames.capacity_frame(frames.lifecycle_frame(
        codedeploy, deploy(aws, "CodeDeployDefault.OneAtATime")["deploymentId"]))
    every = frames.capacity_frame(frames.lifecycle_frame(
        codedeploy, deploy(aws, "CodeDeployDefault.AllAtOnce")["deploymentId"]))
    half = frames.capacity_frame(frames.lifecycle_frame(
        codedeploy, deploy(aws, "CodeDeployDefault.HalfAtATime")["deploymentId"]))
    assert list(one.columns) == frames.CAPACITY_COLUMNS
    assert one["healthy"].iloc[0] == 4 and one["healthy"].min() == 3
    assert every["healthy"].min() == 0
    assert half["healthy"].min() == 2
    for capacity in (one, every, half):
        assert capacity["healthy"].iloc[-1] == 4
        assert capacity["offset_s"].is_monotonic_increasing


def test_capacity_frame_counts_a_failed_instance_as_down_for_good():
    """A failed instance never comes back (pure, on a hand-made frame)."""
    rows = [{"target": "i-1", "offset_s": 0.0, "duration_s": 5.0, "failed": False},
            {"target": "i-2", "offset_s": 5.0, "duration_s": 5.0, "failed": True},
            {"target": "i-3", "offset_s": float("nan"), "duration_s": float("nan"),
             "failed": False}]
    capacity = frames.capacity_frame(pd.DataFrame(rows))
    assert capacity[["offset_s", "healthy"]].values.tolist() == [[0.0, 2], [5.0, 2]]
