"""CodeDeploy API: applications and deployment groups (§A.8), kept and returned whole."""

from __future__ import annotations

import copy
import re
from typing import Any

from helpers.offline.codedeploy import configs
from helpers.offline.codedeploy.common import batch, check_name, check_tag_filters, read, write
from helpers.offline.codedeploy.models import new_id
from helpers.offline.codedeploy.paging import page
from helpers.offline.services import Request, ServiceError

MAX_APPLICATIONS = 1000
MAX_GROUPS_PER_APP = 1000
_ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+")
#: A Server group that names no config deploys with OneAtATime; Lambda and ECS groups default to
#: their AllAtOnce configs.
DEFAULT_CONFIG = {"Server": "CodeDeployDefault.OneAtATime",
                  "Lambda": "CodeDeployDefault.LambdaAllAtOnce",
                  "ECS": "CodeDeployDefault.ECSAllAtOnce"}
_GROUP_FIELDS = ("deploymentConfigName", "ec2TagFilters", "onPremisesInstanceTagFilters",
                 "autoScalingGroups", "serviceRoleArn", "triggerConfigurations",
                 "alarmConfiguration", "autoRollbackConfiguration", "outdatedInstancesStrategy",
                 "deploymentStyle", "blueGreenDeploymentConfiguration", "loadBalancerInfo",
                 "ec2TagSet", "onPremisesTagSet", "ecsServices", "ec2DeploymentOptions",
                 "terminationHookEnabled")


def _app_name(params: dict[str, Any], key: str = "applicationName") -> str:
    return check_name(params.get(key), "applicationName", "ApplicationNameRequiredException",
                      "InvalidApplicationNameException")


def _group_name(value: Any) -> str:
    return check_name(value, "deploymentGroupName", "DeploymentGroupNameRequiredException",
                      "InvalidDeploymentGroupNameException")


class ApplicationsApi:
    """Applications and deployment groups."""

    # -- applications ----------------------------------------------------------------------------

    def application(self, request: Request, key: str = "applicationName") -> dict[str, Any]:
        """The named application, or ApplicationDoesNotExistException."""
        name = _app_name(request.params, key)
        app = self.backend(request).applications.get(name)
        if app is None:
            raise ServiceError("ApplicationDoesNotExistException",
                               f"No application is named {name!r}.")
        return app

    @write
    def create_application(self, request: Request) -> dict[str, Any]:
        """CreateApplication."""
        backend = self.backend(request)
        name = _app_name(request.params)
        platform = request.params.get("computePlatform") or "Server"
        if platform not in configs.COMPUTE_PLATFORMS:
            raise ServiceError("InvalidComputePlatformException",
                               f"computePlatform {platform!r} is invalid: use Server, Lambda "
                               "or ECS.")
        if name in backend.applications:
            raise ServiceError("ApplicationAlreadyExistsException",
                               f"An application named {name!r} already exists.")
        if len(backend.applications) >= MAX_APPLICATIONS:
            raise ServiceError("ApplicationLimitExceededException",
                               f"At most {MAX_APPLICATIONS} applications per Region.")
        app = {"applicationId": new_id(self.engine), "applicationName": name,
               "createTime": self.engine.now(), "linkedToGitHub": False,
               "computePlatform": platform}
        backend.applications[name] = app
        if request.params.get("tags"):
            backend.tags[backend.arn("application", name)] = list(request.params["tags"])
        return {"applicationId": app["applicationId"]}

    @read
    def get_application(self, request: Request) -> dict[str, Any]:
        """GetApplication."""
        return {"application": self.application(request)}

    @read
    def batch_get_applications(self, request: Request) -> dict[str, Any]:
        """BatchGetApplications (every name must exist)."""
        names = batch(request.params.get("applicationNames"), "applicationNames",
                      "ApplicationNameRequiredException")
        out = []
        for name in names:
            out.append(self.application(Request("", {"applicationName": name},
                                                request.account_id, request.region, None)))
        return {"applicationsInfo": out}

    @read
    def list_applications(self, request: Request) -> dict[str, Any]:
        """ListApplications."""
        names, token = page(sorted(self.backend(request).applications),
                            request.params.get("nextToken"))
        return {"applications": names, **({"nextToken": token} if token else {})}

    @write
    def update_application(self, request: Request) -> dict[str, Any]:
        """UpdateApplication (rename)."""
        backend = self.backend(request)
        app = self.application(request)
        new = request.params.get("newApplicationName")
        if new is None or new == app["applicationName"]:
            return {}
        new = _app_name(request.params, "newApplicationName")
        if new in backend.applications:
            raise ServiceError("ApplicationAlreadyExistsException",
                               f"An application named {new!r} already exists.")
        old = app["applicationName"]
        backend.applications[new] = backend.applications.pop(old)
        app["applicationName"] = new
        for (a, g) in list(backend.groups):
            if a == old:
                group = backend.groups.pop((a, g))
                group["applicationName"] = new
                backend.groups[(new, g)] = group
        backend.revisions = {(new if a == old else a, k): v
                             for (a, k), v in backend.revisions.items()}
        return {}

    @write
    def delete_application(self, request: Request) -> dict[str, Any]:
        """DeleteApplication (its groups and revisions go too; a missing one is no error)."""
        backend = self.backend(request)
        name = _app_name(request.params)
        if backend.applications.pop(name, None) is None:
            return {}
        for key in [k for k in backend.groups if k[0] == name]:
            backend.groups.pop(key)
            backend.tags.pop(backend.arn("deploymentgroup", f"{name}/{key[1]}"), None)
        backend.revisions = {k: v for k, v in backend.revisions.items() if k[0] != name}
        backend.tags.pop(backend.arn("application", name), None)
        return {}

    # -- deployment groups -----------------------------------------------------------------------

    def group(self, request: Request, key: str = "deploymentGroupName") -> dict[str, Any]:
        """The named deployment group, or DeploymentGroupDoesNotExistException."""
        app = self.application(request)
        name = _group_name(request.params.get(key))
        group = self.backend(request).groups.get((app["applicationName"], name))
        if group is None:
            raise ServiceError("DeploymentGroupDoesNotExistException",
                               f"Application {app['applicationName']!r} has no deployment group "
                               f"named {name!r}.")
        return group

    @write
    def create_deployment_group(self, request: Request) -> dict[str, Any]:
        """CreateDeploymentGroup."""
        backend = self.backend(request)
        params = request.params
        app = self.application(request)
        name = _group_name(params.get("deploymentGroupName"))
        if (app["applicationName"], name) in backend.groups:
            raise ServiceError("DeploymentGroupAlreadyExistsException",
                               f"Application {app['applicationName']!r} already has a deployment "
                               f"group named {name!r}.")
        if sum(1 for a, _ in backend.groups if a == app["applicationName"]) >= MAX_GROUPS_PER_APP:
            raise ServiceError("DeploymentGroupLimitExceededException",
                               f"At most {MAX_GROUPS_PER_APP} deployment groups per application.")
        if not params.get("serviceRoleArn"):
            raise ServiceError("RoleRequiredException",
                               "serviceRoleArn is required: the role CodeDeploy assumes.")
        platform = app["computePlatform"]
        group: dict[str, Any] = {
            "applicationName": app["applicationName"], "deploymentGroupId": new_id(self.engine),
            "deploymentGroupName": name, "deploymentConfigName": DEFAULT_CONFIG[platform],
            "ec2TagFilters": [], "onPremisesInstanceTagFilters": [], "autoScalingGroups": [],
            "triggerConfigurations": [],
            "alarmConfiguration": {"enabled": False, "ignorePollAlarmFailure": False,
                                   "alarms": []},
            # Lambda and ECS deployments are always blue/green with traffic control (§A.1).
            "deploymentStyle": {"deploymentType": "IN_PLACE",
                                "deploymentOption": "WITHOUT_TRAFFIC_CONTROL"}
            if platform == "Server" else {"deploymentType": "BLUE_GREEN",
                                          "deploymentOption": "WITH_TRAFFIC_CONTROL"},
            "outdatedInstancesStrategy": "UPDATE", "computePlatform": platform,
            "terminationHookEnabled": False,
        }
        self._apply_group_fields(request, group, params)
        backend.groups[(app["applicationName"], name)] = group
        if params.get("tags"):
            backend.tags[backend.arn("deploymentgroup", f"{app['applicationName']}/{name}")] = \
                list(params["tags"])
        return {"deploymentGroupId": group["deploymentGroupId"]}

    def _apply_group_fields(self, request: Request, group: dict[str, Any],
                            params: dict[str, Any]) -> None:
        """Validate the given group fields and copy them into ``group``."""
        merged = {**group, **{k: params[k] for k in _GROUP_FIELDS if k in params}}
        if params.get("serviceRoleArn") is not None and \
                not _ROLE_ARN.fullmatch(params["serviceRoleArn"]):
            raise ServiceError("InvalidRoleException",
                               f"serviceRoleArn {params['serviceRoleArn']!r} is not an IAM role "
                               "ARN (arn:aws:iam::<account>:role/<name>).")
        config = self.backend(request).get_config(merged["deploymentConfigName"])
        if config["computePlatform"] != group["computePlatform"]:
            raise ServiceError("InvalidDeploymentConfigNameException",
                               f"Deployment configuration {config['deploymentConfigName']} is for "
                               f"the {config['computePlatform']} platform, but the application "
                               f"is {group['computePlatform']}.")
        _check_tags(merged)
        if len((merged.get("alarmConfiguration") or {}).get("alarms") or []) > 10:
            raise ServiceError("AlarmsLimitExceededException",
                               "A deployment group can have at most 10 alarms.")
        if len(merged.get("triggerConfigurations") or []) > 10:
            raise ServiceError("TriggerTargetsLimitExceededException",
                               "A deployment group can have at most 10 triggers.")
        if len(merged.get("autoScalingGroups") or []) > 10:
            raise ServiceError("InvalidAutoScalingGroupException",
                               "A deployment group can list at most 10 Auto Scaling groups.")
        style = merged.get("deploymentStyle") or {}
        if style.get("deploymentType", "IN_PLACE") not in ("IN_PLACE", "BLUE_GREEN") or \
                style.get("deploymentOption", "WITHOUT_TRAFFIC_CONTROL") not in (
                    "WITH_TRAFFIC_CONTROL", "WITHOUT_TRAFFIC_CONTROL"):
            raise ServiceError("InvalidDeploymentStyleException",
                               "deploymentStyle needs deploymentType IN_PLACE|BLUE_GREEN and "
                               "deploymentOption WITH_TRAFFIC_CONTROL|WITHOUT_TRAFFIC_CONTROL.")
        for key in _GROUP_FIELDS:
            if key in params and key != "autoScalingGroups":
                group[key] = copy.deepcopy(params[key])
        if "autoScalingGroups" in params:
            group["autoScalingGroups"] = [
                {"name": n, "hook": f"CodeDeploy-managed-automatic-launch-deployment-hook-"
                                    f"{group['deploymentGroupName']}-{new_id(self.engine)[:8]}"}
                for n in params["autoScalingGroups"]]

    @read
    def get_deployment_group(self, request: Request) -> dict[str, Any]:
        """GetDeploymentGroup."""
        return {"deploymentGroupInfo": self.group(request)}

    @read
    def batch_get_deployment_groups(self, request: Request) -> dict[str, Any]:
        """BatchGetDeploymentGroups (unknown names are reported in errorMessage)."""
        app = self.application(request)
        names = batch(request.params.get("deploymentGroupNames"), "deploymentGroupNames",
                      "DeploymentGroupNameRequiredException")
        groups = self.backend(request).groups
        found = [groups[(app["applicationName"], n)] for n in names
                 if (app["applicationName"], n) in groups]
        missing = [n for n in names if (app["applicationName"], n) not in groups]
        out: dict[str, Any] = {"deploymentGroupsInfo": found}
        if missing:
            out["errorMessage"] = f"Deployment groups not found: {', '.join(missing)}"
        return out

    @read
    def list_deployment_groups(self, request: Request) -> dict[str, Any]:
        """ListDeploymentGroups."""
        app = self.application(request)
        names = sorted(g for a, g in self.backend(request).groups if a == app["applicationName"])
        items, token = page(names, request.params.get("nextToken"))
        return {"applicationName": app["applicationName"], "deploymentGroups": items,
                **({"nextToken": token} if token else {})}

    @write
    def update_deployment_group(self, request: Request) -> dict[str, Any]:
        """UpdateDeploymentGroup (only the given fields change; may rename)."""
        backend = self.backend(request)
        group = self.group(request, "currentDeploymentGroupName")
        updated = copy.deepcopy(group)
        self._apply_group_fields(request, updated, request.params)
        new = request.params.get("newDeploymentGroupName")
        app = group["applicationName"]
        if new and new != group["deploymentGroupName"]:
            new = _group_name(new)
            if (app, new) in backend.groups:
                raise ServiceError("DeploymentGroupAlreadyExistsException",
                                   f"Application {app!r} already has a group named {new!r}.")
            backend.groups.pop((app, group["deploymentGroupName"]))
            old_arn = backend.arn("deploymentgroup", f"{app}/{group['deploymentGroupName']}")
            if old_arn in backend.tags:
                backend.tags[backend.arn("deploymentgroup", f"{app}/{new}")] = \
                    backend.tags.pop(old_arn)
            updated["deploymentGroupName"] = new
        backend.groups[(app, updated["deploymentGroupName"])] = updated
        return {"hooksNotCleanedUp": []}

    @write
    def delete_deployment_group(self, request: Request) -> dict[str, Any]:
        """DeleteDeploymentGroup (a missing group is no error)."""
        backend = self.backend(request)
        app = _app_name(request.params)
        name = _group_name(request.params.get("deploymentGroupName"))
        if backend.groups.pop((app, name), None) is not None:
            backend.tags.pop(backend.arn("deploymentgroup", f"{app}/{name}"), None)
        return {"hooksNotCleanedUp": []}


def _check_tags(group: dict[str, Any]) -> None:
    if group.get("ec2TagFilters") and (group.get("ec2TagSet") or {}).get("ec2TagSetList"):
        raise ServiceError("InvalidEC2TagCombinationException",
                           "Use either ec2TagFilters or ec2TagSet, not both.")
    if group.get("onPremisesInstanceTagFilters") and \
            (group.get("onPremisesTagSet") or {}).get("onPremisesTagSetList"):
        raise ServiceError("InvalidOnPremisesTagCombinationException",
                           "Use either onPremisesInstanceTagFilters or onPremisesTagSet, not both.")
    check_tag_filters(group.get("ec2TagFilters"), "InvalidEC2TagException", "ec2TagFilters")
    check_tag_filters(group.get("onPremisesInstanceTagFilters"), "InvalidTagException",
                      "onPremisesInstanceTagFilters")
    for key, inner, code in (("ec2TagSet", "ec2TagSetList", "InvalidEC2TagException"),
                             ("onPremisesTagSet", "onPremisesTagSetList", "InvalidTagException")):
        groups = (group.get(key) or {}).get(inner) or []
        if len(groups) > 3:
            raise ServiceError("TagSetListLimitExceededException",
                               f"{key} can have at most 3 tag groups; got {len(groups)}.")
        for i, tag_group in enumerate(groups):
            check_tag_filters(tag_group, code, f"{key}.{inner}[{i}]")
