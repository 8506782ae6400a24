"""In-place deployments to emulated EC2 instances (§A.3, §A.4)."""

from __future__ import annotations

from tests.offline.codedeploy import fleet


def test_one_instance_deployment_succeeds_with_events_in_order(aws, role_arn):
    """A deployment runs every in-place event in order and succeeds."""
    ids = fleet.launch(aws, 1)
    fleet.group(aws, role_arn)
    info = fleet.deploy(aws, fleet.revision(aws))
    assert info["status"] == "Succeeded", info.get("errorInformation")
    assert info["deploymentOverview"]["Succeeded"] == 1
    events = fleet.events(aws, info["deploymentId"])
    assert events[ids[0]] == [(n, "Succeeded") for n in (
        "ApplicationStop", "DownloadBundle", "BeforeInstall", "Install", "AfterInstall",
        "ApplicationStart", "ValidateService")]
