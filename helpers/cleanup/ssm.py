"""SSM Parameter Store: parameters (build variables of type PARAMETER_STORE, for example).

A parameter is in scope when its name, without a leading ``/``, starts with the scope's prefix
(``/cdw-ana-03/db-host``) or it carries the scope's tags.
"""

from __future__ import annotations

from typing import Any

from helpers.cleanup.base import ResourceType, Scope


def list_parameters(ssm: Any, scope: Scope) -> list[str]:
    """Parameter names in scope."""
    found = []
    for page in ssm.get_paginator("describe_parameters").paginate():
        for param in page["Parameters"]:
            name = param["Name"]
            if scope.matches_name(name.lstrip("/")):
                found.append(name)
            elif scope.tags and scope.matches_tags(ssm.list_tags_for_resource(
                    ResourceType="Parameter", ResourceId=name)["TagList"]):
                found.append(name)
    return found


def delete_parameter(ssm: Any, name: str) -> None:
    """Delete one parameter."""
    ssm.delete_parameter(Name=name)


RESOURCE_TYPES = [ResourceType("SSM parameter", "ssm", list_parameters, delete_parameter,
                               order=200)]
