"""CodeDeploy's API on the offline endpoint."""

from __future__ import annotations

from helpers.offline.services import OwnedService


class CodeDeployService(OwnedService):
    """The CodeDeploy operations the emulator implements."""

    service_name = "codedeploy"
