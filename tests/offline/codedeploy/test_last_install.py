"""The agent's record of the last *installed* revision (written right after Install).

The agent writes ``<group id>-cleanup`` and ``<group id>_last_successful_install`` as soon as
Install succeeds (aws-codedeploy-agent installer.rb / command_executor.rb), so a deployment that
fails later (say in ValidateService) still counts: the next Install removes its files, and the next
ApplicationStop runs its scripts. aws-semantics §A.4.1 says "last successfully deployed revision";
the agent's code refines that, and the emulator follows the agent.
"""

from __future__ import annotations

from tests.codedeploy_setup import FAILING_VALIDATE, setup
from tests.offline.codedeploy import fleet as cd


def test_redeploy_after_validate_service_failure_replaces_the_files(aws):
    """Install succeeded, ValidateService failed; the next deployment (DISALLOW) succeeds."""
    setup(aws, count=1)
    bad = {"appspec.yml": cd.APPSPEC, "site/index.html": "<h1>v2</h1>",
           "scripts/before.sh": cd.SCRIPT_OK, "scripts/validate.sh": FAILING_VALIDATE}
    failed = cd.deploy(aws, cd.revision(aws, bad, key="bad.zip"))
    assert failed["status"] == "Failed"
    events = dict(next(iter(cd.events(aws, failed["deploymentId"]).values())))
    assert events["Install"] == "Succeeded" and events["ValidateService"] == "Failed"
    again = cd.deploy(aws, cd.revision(aws))
    assert again["status"] == "Succeeded", again.get("errorInformation")


def _stop_revision(aws, version: str, validate: str) -> dict:
    spec = ("version: 0.0\nos: linux\nfiles:\n  - source: site\n    destination: /srv/web\n"
            "file_exists_behavior: OVERWRITE\nhooks:\n  ApplicationStop:\n"
            "    - location: stop.sh\n  ValidateService:\n    - location: validate.sh\n")
    files = {"appspec.yml": spec, "site/index.html": version,
             "stop.sh": f"#!/bin/bash\necho stop-{version}\n", "validate.sh": validate}
    return cd.revision(aws, files, key=f"{version}.zip")


def test_application_stop_uses_the_last_installed_revision(aws):
    """v1 ok; v2 installs then fails ValidateService; v3's ApplicationStop runs v2's stop.sh."""
    setup(aws, count=1)
    assert cd.deploy(aws, _stop_revision(aws, "v1", cd.SCRIPT_OK))["status"] == "Succeeded"
    assert cd.deploy(aws, _stop_revision(aws, "v2", FAILING_VALIDATE))["status"] == "Failed"
    third = cd.deploy(aws, _stop_revision(aws, "v3", cd.SCRIPT_OK))
    codedeploy = aws("codedeploy")
    target = codedeploy.list_deployment_targets(deploymentId=third["deploymentId"])["targetIds"][0]
    stop = codedeploy.get_deployment_target(deploymentId=third["deploymentId"], targetId=target)[
        "deploymentTarget"]["instanceTarget"]["lifecycleEvents"][0]
    assert stop["lifecycleEventName"] == "ApplicationStop"
    assert stop["diagnostics"]["logTail"] == "[stdout]stop-v2\n"
