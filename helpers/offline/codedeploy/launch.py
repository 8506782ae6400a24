"""Start a deployment: the record, the revision's usage, the workflow. Used by
CreateDeployment and by automatic rollbacks."""

from __future__ import annotations

import copy
from typing import Any

from helpers.offline.codedeploy.deployments import Deployment, new_deployment_id
from helpers.offline.codedeploy.workflow import DeploymentWorkflow


def launch(service: Any, backend: Any, app: dict[str, Any], group: dict[str, Any],
           params: dict[str, Any], account: str, region: str,
           creator: str = "user") -> Deployment:
    """Record a validated deployment and start its workflow (call on the engine thread).

    ``params`` are CreateDeployment's, with ``revision``, ``deploymentConfigName`` and
    ``fileExistsBehavior`` already resolved.
    """
    engine = service.engine
    now = engine.now()
    revision = params["revision"]
    last = group.get("lastSuccessfulDeployment")
    deployment = Deployment(
        new_deployment_id(engine.random), app["applicationName"], group["deploymentGroupName"],
        group["deploymentGroupId"], params["deploymentConfigName"], copy.deepcopy(revision), now,
        compute_platform=app["computePlatform"], creator=creator,
        description=params.get("description"),
        ignore_stop_failures=bool(params.get("ignoreApplicationStopFailures")),
        file_exists_behavior=params["fileExistsBehavior"],
        style=copy.deepcopy(group["deploymentStyle"]),
        previous_revision=copy.deepcopy(group.get("targetRevision")) if last else None)
    rollback = params.get("autoRollbackConfiguration") or group.get("autoRollbackConfiguration")
    if rollback:
        deployment.extra["autoRollbackConfiguration"] = copy.deepcopy(rollback)
    if params.get("overrideAlarmConfiguration"):
        deployment.extra["overrideAlarmConfiguration"] = copy.deepcopy(
            params["overrideAlarmConfiguration"])
    if group.get("loadBalancerInfo"):
        deployment.extra["loadBalancerInfo"] = group["loadBalancerInfo"]
    if group["deploymentStyle"].get("deploymentType") == "BLUE_GREEN":
        deployment.extra["blueGreenDeploymentConfiguration"] = copy.deepcopy(
            group.get("blueGreenDeploymentConfiguration") or {})
        if params.get("targetInstances"):
            deployment.extra["targetInstances"] = copy.deepcopy(params["targetInstances"])
    backend.deployments[deployment.deployment_id] = deployment
    record = service.revision_record_for(backend, app["applicationName"], revision)
    info = record["genericRevisionInfo"]
    info.setdefault("firstUsedTime", now)
    info["lastUsedTime"] = now
    if group["deploymentGroupName"] not in info["deploymentGroups"]:
        info["deploymentGroups"].append(group["deploymentGroupName"])
    DeploymentWorkflow(service, backend, deployment, group, account, region).start()
    return deployment
