"""CodeDeploy API: deployment configurations (§A.2)."""

from __future__ import annotations

from typing import Any

from helpers.offline.codedeploy.models import new_id
from helpers.offline.codedeploy.paging import page
from helpers.offline.services import Request


class DeploymentConfigsApi:
    """Create, get, list and delete deployment configurations."""

    def create_deployment_config(self, request: Request) -> dict[str, Any]:
        """CreateDeploymentConfig."""
        def _do() -> str:
            return self.backend(request).create_config(request.params, self.engine.now(),
                                                       new_id(self.engine))
        return {"deploymentConfigId": self.engine.call(_do)}

    def get_deployment_config(self, request: Request) -> dict[str, Any]:
        """GetDeploymentConfig."""
        with self.engine.lock:
            info = self.backend(request).get_config(request.params.get("deploymentConfigName"))
            return {"deploymentConfigInfo": info}

    def list_deployment_configs(self, request: Request) -> dict[str, Any]:
        """ListDeploymentConfigs (names, paged by nextToken)."""
        with self.engine.lock:
            names = self.backend(request).config_names()
        items, token = page(names, request.params.get("nextToken"))
        return {"deploymentConfigsList": items, **({"nextToken": token} if token else {})}

    def delete_deployment_config(self, request: Request) -> dict[str, Any]:
        """DeleteDeploymentConfig."""
        name = request.params.get("deploymentConfigName")
        self.engine.call(lambda: self.backend(request).delete_config(name))
        return {}
