"""wait_for_deployment returns the finished (or Ready) deployment."""

from __future__ import annotations

import pytest

from helpers.waiting import WaitTimeout, wait_for_deployment
from tests.codedeploy_setup import setup
from tests.offline.codedeploy import fleet as cd


def test_wait_for_deployment_returns_the_final_state(aws):
    """Offline under max the first read is already final."""
    setup(aws, count=2)
    codedeploy = aws("codedeploy")
    deployment_id = codedeploy.create_deployment(
        applicationName="app", deploymentGroupName="web",
        revision=cd.revision(aws))["deploymentId"]
    info = wait_for_deployment(codedeploy, deployment_id)
    assert info["status"] == "Succeeded"
    assert info["deploymentOverview"]["Succeeded"] == 2


class _Stuck:
    """A client whose deployment never moves (to exercise the timeout without AWS)."""

    calls = 0

    def get_deployment(self, deploymentId):  # noqa: N803 - boto3's parameter name
        self.calls += 1
        return {"deploymentInfo": {"deploymentId": deploymentId, "status": "InProgress",
                                   "deploymentOverview": {"Pending": 1, "InProgress": 1}}}


def test_wait_for_deployment_times_out_with_advice():
    """Past the timeout it raises, naming the status and how to stop the deployment."""
    stuck = _Stuck()
    with pytest.raises(WaitTimeout, match="still InProgress.*stop_deployment"):
        wait_for_deployment(stuck, "d-1", timeout=0.05, poll=0.02)
    assert stuck.calls >= 2
