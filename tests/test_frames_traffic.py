"""traffic_frame / rollback_frame: built only from public API responses (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import matplotlib

from helpers import charts, frames

matplotlib.use("Agg")

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
LINEAR = {"trafficRoutingConfig": {"type": "TimeBasedLinear", "timeBasedLinear": {
    "linearPercentage": 10, "linearInterval": 10}}}


def _info(deployment_id="d-AAAAAAAAA", status="Succeeded", minutes=91, **extra):
    return {"deploymentId": deployment_id, "status": status, "createTime": T0,
            "startTime": T0 + timedelta(seconds=1),
            "completeTime": T0 + timedelta(minutes=minutes), "deploymentConfigName": "x",
            **extra}


def _target(start_s: float, end_s: float | None):
    event = {"lifecycleEventName": "AllowTraffic", "status": "Succeeded",
             "startTime": T0 + timedelta(seconds=start_s)}
    if end_s is not None:
        event["endTime"] = T0 + timedelta(seconds=end_s)
    return {"deploymentTargetType": "LambdaTarget", "lambdaTarget": {"lifecycleEvents": [
        {"lifecycleEventName": "BeforeAllowTraffic", "status": "Succeeded"}, event]}}


def test_linear_schedule_on_allow_traffic():
    """Ten steps of 10 %, ten minutes apart, from AllowTraffic's start."""
    frame = frames.traffic_frame_from(_info(), LINEAR, [_target(61, 61 + 5400)])
    steps = frame[frame["source"] == "schedule"]
    assert list(steps["weight"]) == [0.0] + [float(p) for p in range(10, 101, 10)]
    assert steps["offset_s"].iloc[1] == 60
    assert steps["offset_s"].iloc[-1] == 60 + 5400


def test_stopped_shift_is_cut_and_observed_rows_kept():
    """A shift that ended at minute 25 stops at 30 %; observed samples are separate rows."""
    seen = [(T0 + timedelta(minutes=12), 20.0)]
    frame = frames.traffic_frame_from(_info(status="Stopped", minutes=26), LINEAR,
                                      [_target(60, 60 + 25 * 60)], observed=seen)
    steps = frame[frame["source"] == "schedule"]
    assert steps["weight"].iloc[-1] == 30.0
    assert steps["offset_s"].iloc[-1] == 60 + 25 * 60 - 1
    observed = frame[frame["source"] == "observed"]
    assert list(observed["weight"]) == [20.0]
    ax = charts.plot_traffic_shift(frame)
    assert "stopped at 30 %" in ax.get_legend().get_texts()[0].get_text()


def test_rollback_frame_names_the_trigger():
    """The failed deployment's error code becomes the trigger; the rollback comes after."""
    failed = _info("d-FAILED000", "Stopped", 26,
                   errorInformation={"code": "ALARM_ACTIVE", "message": "alarm"},
                   rollbackInfo={"rollbackDeploymentId": "d-ROLLBACK0"})
    rollback = {**_info("d-ROLLBACK0", "Succeeded", 27), "creator": "codeDeployRollback",
                "startTime": T0 + timedelta(minutes=26, seconds=1)}
    frame = frames.rollback_frame_from([failed, rollback])
    assert list(frame["role"]) == ["deployment", "rollback"]
    assert frame["trigger"].iloc[0] == "alarm" and frame["trigger"].isna().iloc[1]
    assert frame["start_s"].iloc[1] == 26 * 60
    ax = charts.plot_rollback_timeline(frame)
    assert [t.get_text() for t in ax.texts if "Succeeded" not in t.get_text()
            and "Stopped" not in t.get_text()] == ["alarm"]
