"""CodeDeploy API: on-premises instances (§A.8) and resource tags."""

from __future__ import annotations

import re
from typing import Any

from helpers.offline.codedeploy.common import (
    batch,
    check_tag_filters,
    matches_any,
    merge_tags,
    read,
    tag_dict,
    write,
)
from helpers.offline.codedeploy.paging import page
from helpers.offline.services import Request, ServiceError

_USER_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:user/[\w+=,.@/-]+")
_SESSION_ARN = re.compile(r"arn:aws[a-z-]*:sts::\d{12}:assumed-role/[\w+=,.@-]+/[\w+=,.@-]+")
_RESOURCE_ARN = re.compile(
    r"arn:aws[a-z-]*:codedeploy:[a-z0-9-]+:\d{12}:(application|deploymentgroup|"
    r"deploymentconfig):(.+)")
MAX_TAGS = 10


def _instance_name(value: Any) -> str:
    if not value:
        raise ServiceError("InstanceNameRequiredException", "instanceName is required.")
    if not isinstance(value, str) or len(value) > 100 or not re.fullmatch(r"[\w.+=,@-]+", value):
        raise ServiceError("InvalidInstanceNameException",
                           f"instanceName {value!r} is invalid: use letters, digits and . _ - "
                           "(at most 100 characters).")
    return value


class OnPremisesApi:
    """On-premises instances and TagResource/UntagResource/ListTagsForResource."""

    @write
    def register_on_premises_instance(self, request: Request) -> dict[str, Any]:
        """RegisterOnPremisesInstance: exactly one of iamUserArn / iamSessionArn."""
        backend = self.backend(request)
        params = request.params
        name = _instance_name(params.get("instanceName"))
        user, session = params.get("iamUserArn"), params.get("iamSessionArn")
        if user and session:
            raise ServiceError("MultipleIamArnsProvidedException",
                               "Give either iamUserArn or iamSessionArn, not both.")
        if not user and not session:
            raise ServiceError("IamArnRequiredException",
                               "Give iamSessionArn (recommended) or iamUserArn.")
        if user and not _USER_ARN.fullmatch(user):
            raise ServiceError("InvalidIamUserArnException",
                               f"{user!r} is not an IAM user ARN (arn:aws:iam::<acct>:user/<n>).")
        if session and not _SESSION_ARN.fullmatch(session):
            raise ServiceError("InvalidIamSessionArnException",
                               f"{session!r} is not an IAM session ARN "
                               "(arn:aws:sts::<acct>:assumed-role/<role>/<session>).")
        existing = backend.onprem.get(name)
        if existing and "deregisterTime" not in existing:
            raise ServiceError("InstanceNameAlreadyRegisteredException",
                               f"An on-premises instance named {name!r} is already registered.")
        for other in backend.onprem.values():
            if "deregisterTime" in other:
                continue
            if session and other.get("iamSessionArn") == session:
                raise ServiceError("IamSessionArnAlreadyRegisteredException",
                                   f"{session} is already registered to {other['instanceName']}.")
            if user and other.get("iamUserArn") == user:
                raise ServiceError("IamUserArnAlreadyRegisteredException",
                                   f"{user} is already registered to {other['instanceName']}.")
        info: dict[str, Any] = {"instanceName": name,
                                "instanceArn": f"arn:aws:codedeploy:{backend.region_name}:"
                                               f"{backend.account_id}:instance/{name}",
                                "registerTime": self.engine.now(), "tags": []}
        info["iamUserArn" if user else "iamSessionArn"] = user or session
        backend.onprem[name] = info
        return {}

    @write
    def deregister_on_premises_instance(self, request: Request) -> dict[str, Any]:
        """DeregisterOnPremisesInstance (the record stays, as Deregistered)."""
        name = _instance_name(request.params.get("instanceName"))
        info = self.backend(request).onprem.get(name)
        if info is not None and "deregisterTime" not in info:
            info["deregisterTime"] = self.engine.now()
        return {}

    def _registered(self, request: Request, name: str) -> dict[str, Any]:
        info = self.backend(request).onprem.get(_instance_name(name))
        if info is None or "deregisterTime" in info:
            raise ServiceError("InstanceNotRegisteredException",
                               f"No on-premises instance named {name!r} is registered.")
        return info

    @read
    def get_on_premises_instance(self, request: Request) -> dict[str, Any]:
        """GetOnPremisesInstance."""
        name = _instance_name(request.params.get("instanceName"))
        info = self.backend(request).onprem.get(name)
        if info is None:
            raise ServiceError("InstanceNotRegisteredException",
                               f"No on-premises instance named {name!r} is registered.")
        return {"instanceInfo": info}

    @read
    def batch_get_on_premises_instances(self, request: Request) -> dict[str, Any]:
        """BatchGetOnPremisesInstances (unknown names are left out)."""
        names = batch(request.params.get("instanceNames"), "instanceNames",
                      "InstanceNameRequiredException")
        onprem = self.backend(request).onprem
        return {"instanceInfos": [onprem[n] for n in names if n in onprem]}

    @read
    def list_on_premises_instances(self, request: Request) -> dict[str, Any]:
        """ListOnPremisesInstances, by registration status and tag filters."""
        status = request.params.get("registrationStatus")
        if status not in (None, "Registered", "Deregistered"):
            raise ServiceError("InvalidRegistrationStatusException",
                               "registrationStatus must be Registered or Deregistered.")
        filters = check_tag_filters(request.params.get("tagFilters"), "InvalidTagFilterException",
                                    "tagFilters")
        names = []
        for name, info in sorted(self.backend(request).onprem.items()):
            state = "Deregistered" if "deregisterTime" in info else "Registered"
            if status and state != status:
                continue
            if filters and not matches_any(tag_dict(info["tags"]), filters):
                continue
            names.append(name)
        items, token = page(names, request.params.get("nextToken"))
        return {"instanceNames": items, **({"nextToken": token} if token else {})}

    def _tag_instances(self, request: Request, add: bool) -> dict[str, Any]:
        tags = request.params.get("tags") or []
        if not tags:
            raise ServiceError("TagRequiredException", "tags is required.")
        names = request.params.get("instanceNames") or []
        if not names:
            raise ServiceError("InstanceNameRequiredException", "instanceNames is required.")
        if add and any(not t.get("Key") or t.get("Value") in (None, "") for t in tags):
            raise ServiceError("InvalidTagException",
                               "On-premises instance tags need both a Key and a Value.")
        infos = [self._registered(request, n) for n in names]
        for info in infos:
            if add:
                merged = merge_tags(info["tags"], tags)
                if len(merged) > MAX_TAGS:
                    raise ServiceError("TagLimitExceededException",
                                       f"An on-premises instance can have at most {MAX_TAGS} tags.")
                info["tags"] = merged
            else:
                drop = {(t["Key"], t.get("Value")) for t in tags}
                info["tags"] = [t for t in info["tags"] if (t["Key"], t["Value"]) not in drop
                                and (t["Key"], None) not in drop]
        return {}

    @write
    def add_tags_to_on_premises_instances(self, request: Request) -> dict[str, Any]:
        """AddTagsToOnPremisesInstances."""
        return self._tag_instances(request, add=True)

    @write
    def remove_tags_from_on_premises_instances(self, request: Request) -> dict[str, Any]:
        """RemoveTagsFromOnPremisesInstances."""
        return self._tag_instances(request, add=False)

    # -- resource tags ---------------------------------------------------------------------------

    def _tagged(self, request: Request) -> str:
        arn = request.params.get("ResourceArn")
        if not arn:
            raise ServiceError("ResourceArnRequiredException", "ResourceArn is required.")
        match = _RESOURCE_ARN.fullmatch(arn)
        if not match:
            if arn.startswith("arn:"):
                raise ServiceError("ArnNotSupportedException",
                                   f"{arn} is not a CodeDeploy application, deployment group or "
                                   "deployment configuration ARN.")
            raise ServiceError("InvalidArnException", f"{arn!r} is not an ARN.")
        backend = self.backend(request)
        kind, name = match.groups()
        if kind == "application" and name not in backend.applications:
            raise ServiceError("ApplicationDoesNotExistException", f"No application {name!r}.")
        if kind == "deploymentgroup" and tuple(name.split("/", 1)) not in backend.groups:
            raise ServiceError("DeploymentGroupDoesNotExistException",
                               f"No deployment group {name!r}.")
        if kind == "deploymentconfig" and name not in backend.configs:
            raise ServiceError("DeploymentConfigDoesNotExistException",
                               f"No custom deployment configuration {name!r}.")
        return arn

    @write
    def tag_resource(self, request: Request) -> dict[str, Any]:
        """TagResource."""
        arn = self._tagged(request)
        tags = self.backend(request).tags
        tags[arn] = merge_tags(tags.get(arn, []), request.params.get("Tags") or [])
        return {}

    @write
    def untag_resource(self, request: Request) -> dict[str, Any]:
        """UntagResource."""
        arn = self._tagged(request)
        keys = set(request.params.get("TagKeys") or [])
        tags = self.backend(request).tags
        tags[arn] = [t for t in tags.get(arn, []) if t["Key"] not in keys]
        return {}

    @read
    def list_tags_for_resource(self, request: Request) -> dict[str, Any]:
        """ListTagsForResource."""
        arn = self._tagged(request)
        return {"Tags": self.backend(request).tags.get(arn, [])}
