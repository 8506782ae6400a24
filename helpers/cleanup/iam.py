"""IAM: roles (service roles for CodeBuild, CodeDeploy, CodePipeline, Lambda, instances).

A role is in scope when its name starts with the scope's prefix or it carries the scope's tags.
Roles go last (order 900): the resources that use them are deleted first.
"""

from __future__ import annotations

from typing import Any

from helpers.cleanup.base import ResourceType, Scope

#: AWS's own roles: never ours, never looked at.
_AWS_PATHS = ("/aws-service-role/", "/aws-reserved/")


def list_roles(iam: Any, scope: Scope) -> list[str]:
    """Roles in scope."""
    found = []
    for page in iam.get_paginator("list_roles").paginate():
        for role in page["Roles"]:
            name = role["RoleName"]
            if role.get("Path", "/").startswith(_AWS_PATHS):
                continue
            if scope.matches_name(name):
                found.append(name)
            elif scope.tags and scope.matches_tags(iam.list_role_tags(RoleName=name)["Tags"]):
                found.append(name)
    return found


def delete_role(iam: Any, name: str) -> None:
    """Detach and delete the role's policies, leave its instance profiles, delete the role."""
    for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=name):
        for policy in page["AttachedPolicies"]:
            iam.detach_role_policy(RoleName=name, PolicyArn=policy["PolicyArn"])
    for page in iam.get_paginator("list_role_policies").paginate(RoleName=name):
        for policy in page["PolicyNames"]:
            iam.delete_role_policy(RoleName=name, PolicyName=policy)
    for page in iam.get_paginator("list_instance_profiles_for_role").paginate(RoleName=name):
        for profile in page["InstanceProfiles"]:
            iam.remove_role_from_instance_profile(
                InstanceProfileName=profile["InstanceProfileName"], RoleName=name)
    iam.delete_role(RoleName=name)


RESOURCE_TYPES = [ResourceType("IAM role", "iam", list_roles, delete_role, order=900)]
