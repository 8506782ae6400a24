"""CodeDeploy API: deployments, their targets and instances (§A.6)."""

from __future__ import annotations

from typing import Any

from helpers.offline.codedeploy import hooks
from helpers.offline.codedeploy.api_revisions import check_revision
from helpers.offline.codedeploy.common import read, write
from helpers.offline.codedeploy.deployments import ACTIVE, FINAL, Deployment
from helpers.offline.codedeploy.launch import launch
from helpers.offline.codedeploy.paging import page
from helpers.offline.services import Request, ServiceError

#: compute platforms with a deployment strategy (Lambda and ECS: issue 6)
STRATEGY_PLATFORMS = ("Server", "Lambda", "ECS")
STATUSES = ("Created", "Queued", "InProgress", "Baking", "Succeeded", "Failed", "Stopped", "Ready")


class DeploymentsApi:
    """Create, describe, list and stop deployments."""

    def deployment(self, request: Request, deployment_id: Any = None) -> Deployment:
        """The deployment with the given (or the request's) id."""
        deployment_id = deployment_id or request.params.get("deploymentId")
        if not deployment_id:
            raise ServiceError("DeploymentIdRequiredException", "deploymentId is required.")
        if not isinstance(deployment_id, str) or not deployment_id.startswith("d-"):
            raise ServiceError("InvalidDeploymentIdException",
                               f"{deployment_id!r} is not a deployment id (d-XXXXXXXXX).")
        found = self.backend(request).deployments.get(deployment_id)
        if found is None:
            raise ServiceError("DeploymentDoesNotExistException",
                               f"Deployment {deployment_id} does not exist.")
        return found

    @write
    def create_deployment(self, request: Request) -> dict[str, Any]:
        """CreateDeployment: record it and start its workflow on the engine."""
        backend, params = self.backend(request), request.params
        app = self.application(request)
        if not params.get("deploymentGroupName"):
            raise ServiceError("DeploymentGroupNameRequiredException",
                               "deploymentGroupName is required.")
        group = self.group(request)
        revision = params.get("revision") or group.get("targetRevision")
        if not revision:
            raise ServiceError("RevisionRequiredException",
                               "revision is required (the group has no target revision yet).")
        check_revision(revision)
        config = params.get("deploymentConfigName") or group["deploymentConfigName"]
        backend.get_config(config)
        behaviour = params.get("fileExistsBehavior") or "DISALLOW"
        if behaviour not in ("DISALLOW", "OVERWRITE", "RETAIN"):
            raise ServiceError("InvalidFileExistsBehaviorException",
                               "fileExistsBehavior must be DISALLOW, OVERWRITE or RETAIN.")
        for other in backend.deployments.values():
            if other.group_id == group["deploymentGroupId"] and other.status in ACTIVE:
                raise ServiceError("DeploymentLimitExceededException",
                                   f"The deployment group {app['applicationName']}/"
                                   f"{group['deploymentGroupName']} already has an active "
                                   f"deployment {other.deployment_id}.")
        if app["computePlatform"] not in STRATEGY_PLATFORMS:
            raise ServiceError("InvalidComputePlatformException",
                               f"{app['computePlatform']} deployments are not emulated yet.")
        if (app["computePlatform"] == "Server"
                and group["deploymentStyle"].get("deploymentType") == "BLUE_GREEN"
                and not params.get("targetInstances")
                and ((group.get("blueGreenDeploymentConfiguration") or {}).get(
                    "greenFleetProvisioningOption") or {}).get(
                    "action", "DISCOVER_EXISTING") == "DISCOVER_EXISTING"):
            raise ServiceError("InvalidTargetInstancesException",
                               "A blue/green deployment that discovers existing instances "
                               "needs targetInstances (tagFilters, ec2TagSet or "
                               "autoScalingGroups) naming the replacement fleet.")
        deployment = launch(self, backend, app, group, {**params, "revision": revision,
                                                        "deploymentConfigName": config,
                                                        "fileExistsBehavior": behaviour},
                            request.account_id, request.region)
        deployment_id = deployment.deployment_id
        return {"deploymentId": deployment_id}

    @read
    def get_deployment(self, request: Request) -> dict[str, Any]:
        """GetDeployment."""
        return {"deploymentInfo": self.deployment(request).view()}

    @read
    def batch_get_deployments(self, request: Request) -> dict[str, Any]:
        """BatchGetDeployments (unknown ids are left out; at most 25)."""
        ids = request.params.get("deploymentIds") or []
        if len(ids) > 25:
            raise ServiceError("BatchLimitExceededException", "At most 25 deployment ids.")
        found = self.backend(request).deployments
        return {"deploymentsInfo": [found[i].view() for i in ids if i in found]}

    @read
    def list_deployments(self, request: Request) -> dict[str, Any]:
        """ListDeployments, newest first, with its filters."""
        params = request.params
        items = list(self.backend(request).deployments.values())
        if params.get("deploymentGroupName") and not params.get("applicationName"):
            raise ServiceError("ApplicationNameRequiredException",
                               "Filtering by deploymentGroupName needs applicationName too.")
        if params.get("applicationName"):
            app = self.application(request)["applicationName"]
            items = [d for d in items if d.application == app]
            if params.get("deploymentGroupName"):
                group = self.group(request)["deploymentGroupName"]
                items = [d for d in items if d.group_name == group]
        statuses = params.get("includeOnlyStatuses")
        if statuses:
            bad = [s for s in statuses if s not in STATUSES]
            if bad:
                raise ServiceError("InvalidDeploymentStatusException",
                                   f"Unknown status {bad[0]!r}; use one of {', '.join(STATUSES)}.")
            items = [d for d in items if d.status in statuses]
        window = params.get("createTimeRange") or {}
        if window.get("start"):
            items = [d for d in items if d.create_time.timestamp() >= float(window["start"])]
        if window.get("end"):
            items = [d for d in items if d.create_time.timestamp() <= float(window["end"])]
        ids = [d.deployment_id for d in reversed(items)]
        ids, token = page(ids, params.get("nextToken"))
        return {"deployments": ids, **({"nextToken": token} if token else {})}

    @write
    def stop_deployment(self, request: Request) -> dict[str, Any]:
        """StopDeployment: no new lifecycle events start; running ones finish."""
        deployment = self.deployment(request)
        if deployment.status in FINAL:
            raise ServiceError("DeploymentAlreadyCompletedException",
                               f"Deployment {deployment.deployment_id} is already "
                               f"{deployment.status}.")
        deployment.stop_requested = True
        deployment.stop_reason = ("MANUAL_STOP", "The deployment was stopped by a user.")
        hooks.stop_waiting(self.engine, deployment)
        if request.params.get("autoRollbackEnabled") is not None:
            deployment.stop_rollback = bool(request.params["autoRollbackEnabled"])
        if deployment.status == "Created":
            deployment.status = "Stopped"
            deployment.complete_time = self.engine.now()
            deployment.error = {"code": "MANUAL_STOP", "message": "Stopped by a user."}
            return {"status": "Succeeded", "statusMessage": "The deployment was stopped."}
        running = any(t.status == "InProgress" for t in deployment.targets.values())
        return {"status": "Pending" if running else "Succeeded",
                "statusMessage": "Stopping: lifecycle events already running will finish."
                if running else "The deployment was stopped."}

    @write
    def continue_deployment(self, request: Request) -> dict[str, Any]:
        """ContinueDeployment: READY_WAIT reroutes a Ready blue/green deployment;
        TERMINATION_WAIT ends the wait before the original instances are terminated."""
        deployment = self.deployment(request)
        kind = request.params.get("deploymentWaitType") or "READY_WAIT"
        if kind not in ("READY_WAIT", "TERMINATION_WAIT"):
            raise ServiceError("InvalidDeploymentWaitTypeException",
                               "deploymentWaitType must be READY_WAIT or TERMINATION_WAIT.")
        if deployment.status in FINAL:
            raise ServiceError("DeploymentAlreadyCompletedException",
                               f"Deployment {deployment.deployment_id} is already "
                               f"{deployment.status}.")
        if kind == "READY_WAIT":
            hold = deployment.waits.get("ready")
            if deployment.status != "Ready" or hold is None:
                raise ServiceError("DeploymentIsNotInReadyStateException",
                                   f"Deployment {deployment.deployment_id} is "
                                   f"{deployment.status}, not Ready.")
            self.engine.release(hold)
            return {}
        event = deployment.waits.get("termination")
        if event is None:
            raise ServiceError("InvalidDeploymentWaitTypeException",
                               f"Deployment {deployment.deployment_id} is not waiting to "
                               "terminate its original instances.")
        if not event.triggered:
            event.succeed()
        return {}

    @write
    def skip_wait_time_for_instance_termination(self, request: Request) -> dict[str, Any]:
        """SkipWaitTimeForInstanceTermination (deprecated twin of TERMINATION_WAIT)."""
        request.params["deploymentWaitType"] = "TERMINATION_WAIT"
        return self.continue_deployment.__wrapped__(self, request)

    # -- targets and instances -------------------------------------------------------------------

    @read
    def list_deployment_targets(self, request: Request) -> dict[str, Any]:
        """ListDeploymentTargets, filtered by TargetStatus / ServerInstanceLabel."""
        deployment = self.deployment(request)
        filters = request.params.get("targetFilters") or {}
        ids = [t.target_id for t in deployment.targets.values()
               if (not filters.get("TargetStatus") or t.status in filters["TargetStatus"])
               and (not filters.get("ServerInstanceLabel")
                    or t.label in filters["ServerInstanceLabel"])]
        ids, token = page(ids, request.params.get("nextToken"))
        return {"targetIds": ids, **({"nextToken": token} if token else {})}

    def _target(self, request: Request, deployment: Deployment, target_id: Any) -> Any:
        if not target_id:
            raise ServiceError("DeploymentTargetIdRequiredException", "targetId is required.")
        target = deployment.targets.get(target_id)
        if target is None:
            raise ServiceError("DeploymentTargetDoesNotExistException",
                               f"{target_id} is not a target of {deployment.deployment_id}.")
        return target

    @read
    def get_deployment_target(self, request: Request) -> dict[str, Any]:
        """GetDeploymentTarget."""
        deployment = self.deployment(request)
        target = self._target(request, deployment, request.params.get("targetId"))
        return {"deploymentTarget": target.view(deployment.deployment_id)}

    @read
    def batch_get_deployment_targets(self, request: Request) -> dict[str, Any]:
        """BatchGetDeploymentTargets (at most 25)."""
        deployment = self.deployment(request)
        ids = request.params.get("targetIds") or []
        if len(ids) > 25:
            raise ServiceError("DeploymentTargetListSizeExceededException",
                               "At most 25 target ids per call.")
        return {"deploymentTargets": [self._target(request, deployment, i).view(
            deployment.deployment_id) for i in ids]}

    @read
    def list_deployment_instances(self, request: Request) -> dict[str, Any]:
        """ListDeploymentInstances (deprecated API), filtered by status and Blue/Green."""
        deployment = self.deployment(request)
        statuses = request.params.get("instanceStatusFilter")
        labels = request.params.get("instanceTypeFilter")
        ids = [t.target_id for t in deployment.targets.values()
               if (not statuses or t.status in statuses) and (not labels or t.label in labels)]
        ids, token = page(ids, request.params.get("nextToken"))
        return {"instancesList": ids, **({"nextToken": token} if token else {})}

    @read
    def get_deployment_instance(self, request: Request) -> dict[str, Any]:
        """GetDeploymentInstance (deprecated API)."""
        deployment = self.deployment(request)
        target = deployment.targets.get(request.params.get("instanceId"))
        if target is None:
            raise ServiceError("InstanceDoesNotExistException",
                               f"{request.params.get('instanceId')} is not an instance of "
                               f"{deployment.deployment_id}.")
        return {"instanceSummary": target.summary(deployment.deployment_id)}

    @read
    def batch_get_deployment_instances(self, request: Request) -> dict[str, Any]:
        """BatchGetDeploymentInstances (deprecated API); unknown ids go to errorMessage."""
        deployment = self.deployment(request)
        ids = request.params.get("instanceIds") or []
        if not ids:
            raise ServiceError("InstanceIdRequiredException", "instanceIds is required.")
        if len(ids) > 100:
            raise ServiceError("BatchLimitExceededException", "At most 100 instance ids.")
        found = [deployment.targets[i].summary(deployment.deployment_id)
                 for i in ids if i in deployment.targets]
        missing = [i for i in ids if i not in deployment.targets]
        out: dict[str, Any] = {"instancesSummary": found}
        if missing:
            out["errorMessage"] = f"Instances not in the deployment: {', '.join(missing)}"
        return out
