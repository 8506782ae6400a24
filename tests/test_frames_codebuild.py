"""build_phases_frame and plot_build_phases on real builds from the endpoint."""

from __future__ import annotations

import matplotlib

from helpers import charts, frames
from tests.offline.codebuild.conftest import ENVIRONMENT, ROLE

matplotlib.use("Agg")


def _builds(aws):
    codebuild = aws("codebuild")
    ids = []
    for name, command in (("ok", "echo fine"), ("bad", "false")):
        spec = f"version: 0.2\nphases:\n  build:\n    commands: ['{command}']\n"
        codebuild.create_project(name=name, source={"type": "NO_SOURCE", "buildspec": spec},
                                 artifacts={"type": "NO_ARTIFACTS"}, environment=ENVIRONMENT,
                                 serviceRole=ROLE)
        ids.append(codebuild.start_build(projectName=name)["build"]["id"])
    return codebuild.batch_get_builds(ids=ids)


def test_build_phases_frame(aws):
    """One row per phase; offsets from the build start; the failed BUILD phase is marked."""
    frame = frames.build_phases_frame(_builds(aws))
    assert list(frame.columns) == frames.BUILD_PHASE_COLUMNS
    assert frame.groupby("build").size().tolist() == [11, 11]
    ok = frame[frame["project"] == "ok"]
    assert ok["offset_s"].tolist() == sorted(ok["offset_s"].tolist())
    assert ok.loc[ok["phase"] == "PROVISIONING", "duration_s"].item() == 20
    assert not ok["failed"].any()
    bad = frame[frame["project"] == "bad"]
    assert bad.loc[bad["failed"], "phase"].tolist() == ["BUILD"]
    completed = frame[frame["phase"] == "COMPLETED"]
    assert completed["status"].isna().all() and completed["duration_s"].isna().all()


def test_frame_accepts_a_list_or_one_build(aws):
    """The response, its builds list, or one build dict give the same rows."""
    response = _builds(aws)
    whole = frames.build_phases_frame(response)
    assert len(frames.build_phases_frame(response["builds"])) == len(whole)
    assert len(frames.build_phases_frame(response["builds"][0])) == 11


def test_plot_build_phases_marks_failures(aws):
    """One row per build; the failed phase is named with its status."""
    ax = charts.plot_build_phases(frames.build_phases_frame(_builds(aws)))
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["#1 SUCCEEDED", "#1 FAILED"]
    assert [t.get_text().strip() for t in ax.texts] == ["BUILD FAILED"]
    assert len(ax.patches) == 20  # ten drawn phases per build, COMPLETED not drawn
