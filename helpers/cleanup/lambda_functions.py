"""Lambda: functions (with their versions and aliases), by name prefix or tags.

Notebooks 07–09 create functions under test and ``CodeDeployHook_<prefix>…`` hook functions;
a hook's name starts with ``CodeDeployHook_`` (the managed ECS role only allows those), so the
prefix is also looked for right after that word.
"""

from __future__ import annotations

from typing import Any

from helpers.cleanup.base import ResourceType, Scope

HOOK = "CodeDeployHook_"


def list_functions(client: Any, scope: Scope) -> list[str]:
    """Functions in scope."""
    out = []
    for page in client.get_paginator("list_functions").paginate():
        for fn in page["Functions"]:
            name = fn["FunctionName"]
            if scope.matches_name(name) or scope.matches_name(name.removeprefix(HOOK)):
                out.append(name)
            elif scope.tags and scope.matches_tags(
                    client.list_tags(Resource=fn["FunctionArn"]).get("Tags")):
                out.append(name)
    return out


def delete_function(client: Any, name: str) -> None:
    """Delete a function: its aliases and versions go with it."""
    client.delete_function(FunctionName=name)


RESOURCE_TYPES = [ResourceType("Lambda function", "lambda", list_functions, delete_function,
                               order=60)]
