"""CodeDeploy state: one backend per account and Region, cleared by moto's reset."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from helpers.offline.codedeploy import configs
from helpers.offline.services import ServiceError
from helpers.offline.shims.backends import BackendDict, BaseBackend


class CodeDeployBackend(BaseBackend):
    """Everything CodeDeploy keeps for one account in one Region."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        #: custom deployment configurations, by name (DeploymentConfigInfo dicts)
        self.configs: dict[str, dict[str, Any]] = {}
        #: applications by name, deployment groups by (application, group name)
        self.applications: dict[str, Any] = {}
        self.groups: dict[tuple[str, str], Any] = {}
        #: registered revisions by (application, revision key)
        self.revisions: dict[tuple[str, str], dict[str, Any]] = {}
        #: deployments by id, in creation order
        self.deployments: dict[str, Any] = {}
        #: on-premises instances by name
        self.onprem: dict[str, Any] = {}
        #: tags by resource ARN
        self.tags: dict[str, list[dict[str, str]]] = {}
        #: what each instance's agent keeps: its folder, and per deployment group id the last
        #: successful revision (AppSpec, archive, cleanup list, health)
        self.hosts: dict[str, dict[str, Any]] = {}
        self._workdir: Path | None = None

    def reset(self) -> None:
        """Forget everything, including the instances' folders."""
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
        super().reset()

    def host_dir(self, instance_id: str, create: bool = True) -> Path:
        """The folder standing for one instance (its ``root`` and ``deployment-root``)."""
        if self._workdir is None:
            self._workdir = Path(tempfile.mkdtemp(prefix="cdw-codedeploy-"))
        path = self._workdir / instance_id
        if create:
            path.mkdir(parents=True, exist_ok=True)
        return path

    # -- ARNs ------------------------------------------------------------------------------------

    def arn(self, kind: str, name: str) -> str:
        """The ARN of a CodeDeploy resource (``application``, ``deploymentgroup``, …)."""
        return f"arn:aws:codedeploy:{self.region_name}:{self.account_id}:{kind}:{name}"

    # -- deployment configurations ---------------------------------------------------------------

    def get_config(self, name: Any) -> dict[str, Any]:
        """The ``DeploymentConfigInfo`` named ``name`` (predefined or custom)."""
        configs.check_name(name)
        info = configs.predefined(name) or self.configs.get(name)
        if info is None:
            raise ServiceError("DeploymentConfigDoesNotExistException",
                               f"No deployment configuration is named {name!r}; "
                               "list_deployment_configs shows the ones that exist.")
        return info

    def config_names(self) -> list[str]:
        """Every configuration name, predefined and custom, sorted."""
        return sorted([*configs.PREDEFINED_NAMES, *self.configs])

    def create_config(self, params: dict[str, Any], now: datetime, config_id: str) -> str:
        """Create a custom configuration; return its id."""
        fields = configs.validate_custom(params)
        name = params["deploymentConfigName"]
        if name in self.configs:
            raise ServiceError("DeploymentConfigAlreadyExistsException",
                               f"A deployment configuration named {name!r} already exists.")
        if len(self.configs) >= configs.MAX_CUSTOM_CONFIGS:
            raise ServiceError("DeploymentConfigLimitExceededException",
                               f"This account already has {configs.MAX_CUSTOM_CONFIGS} custom "
                               "deployment configurations; delete one first.")
        self.configs[name] = {"deploymentConfigId": config_id, "deploymentConfigName": name,
                              "createTime": now, **fields}
        return config_id

    def delete_config(self, name: Any) -> None:
        """Delete a custom configuration (deleting one that does not exist succeeds)."""
        configs.check_name(name)
        if configs.predefined(name) is not None:
            raise ServiceError("InvalidOperationException",
                               f"{name} is a predefined deployment configuration and cannot be "
                               "deleted.")
        users = [f"deployment group {app}/{group}" for (app, group), g in self.groups.items()
                 if _group_config(g) == name]
        users += [f"deployment {d_id}" for d_id, d in self.deployments.items()
                  if _active_with_config(d, name)]
        if users:
            raise ServiceError("DeploymentConfigInUseException",
                               f"Deployment configuration {name!r} is still in use by "
                               f"{', '.join(users)}.")
        self.configs.pop(name, None)


def _group_config(group: Any) -> str | None:
    if isinstance(group, dict):
        return group.get("deploymentConfigName")
    return getattr(group, "config_name", None)


def _active_with_config(deployment: Any, name: str) -> bool:
    status = getattr(deployment, "status", None)
    return (getattr(deployment, "config_name", None) == name
            and status in ("Created", "Queued", "InProgress", "Baking", "Ready"))


def new_id(engine: Any) -> str:
    """A UUID from the engine's seeded random source (repeats under a fixed seed)."""
    return str(uuid.UUID(int=engine.random.getrandbits(128), version=4))


codedeploy_backends = BackendDict(CodeDeployBackend, "codedeploy")
