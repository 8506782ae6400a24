"""CodeDeploy's API on the offline endpoint: one class, its operations grouped by concern."""

from __future__ import annotations

# Strategies register themselves with the workflow when imported (issue 6).
from helpers.offline.codedeploy import ecs_strategy, lambda_strategy  # noqa: F401
from helpers.offline.codedeploy.api_apps import ApplicationsApi
from helpers.offline.codedeploy.api_configs import DeploymentConfigsApi
from helpers.offline.codedeploy.api_deployments import DeploymentsApi
from helpers.offline.codedeploy.api_onprem import OnPremisesApi
from helpers.offline.codedeploy.api_revisions import RevisionsApi
from helpers.offline.codedeploy.hooks import HooksApi
from helpers.offline.codedeploy.models import CodeDeployBackend, codedeploy_backends
from helpers.offline.services import OwnedService, Request


class CodeDeployService(DeploymentConfigsApi, ApplicationsApi, RevisionsApi, OnPremisesApi,
                        DeploymentsApi, HooksApi, OwnedService):
    """The CodeDeploy operations the emulator implements."""

    service_name = "codedeploy"

    def backend(self, request: Request) -> CodeDeployBackend:
        """The caller's backend (account and Region of the request)."""
        return self.backend_for(request.account_id, request.region)

    @staticmethod
    def backend_for(account_id: str, region: str) -> CodeDeployBackend:
        """The backend of an account and Region."""
        return codedeploy_backends[account_id][region]
