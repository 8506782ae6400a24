"""IAM users: the identities of on-premises instances registered by IAM user ARN (notebook 10).

A user is in scope when its name starts with the scope's prefix or it carries the scope's
tags. Deleting one removes its access keys, inline and attached policies first.
"""

from __future__ import annotations

from typing import Any

from helpers.cleanup.base import ResourceType, Scope


def list_users(iam: Any, scope: Scope) -> list[str]:
    """Users in scope."""
    found = []
    for page in iam.get_paginator("list_users").paginate():
        for user in page["Users"]:
            name = user["UserName"]
            if scope.matches_name(name) or (
                    scope.tags and scope.matches_tags(iam.list_user_tags(UserName=name)["Tags"])):
                found.append(name)
    return found


def delete_user(iam: Any, name: str) -> None:
    """Delete the user's access keys and policies, then the user."""
    for key in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]:
        iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    for policy in iam.list_user_policies(UserName=name)["PolicyNames"]:
        iam.delete_user_policy(UserName=name, PolicyName=policy)
    for policy in iam.list_attached_user_policies(UserName=name)["AttachedPolicies"]:
        iam.detach_user_policy(UserName=name, PolicyArn=policy["PolicyArn"])
    iam.delete_user(UserName=name)


RESOURCE_TYPES = [ResourceType("IAM user", "iam", list_users, delete_user, order=900)]
