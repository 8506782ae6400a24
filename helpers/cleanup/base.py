"""The interface every cleanup module implements.

Each service adds its resource types in one place: a module ``helpers/cleanup/<service>.py``
that defines ``RESOURCE_TYPES: list[ResourceType]``. The package finds those modules itself
(see ``helpers.cleanup.registry``), so adding a service never touches another file.

A ``list_fn`` returns the ids of what the workbook created and still exists, within a
``Scope``; a ``delete_fn`` deletes one of them. Both take the boto3 client for ``service``
as their first argument and use only the public AWS API, so they work offline and in a
sandbox alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

ListFn = Callable[[Any, "Scope"], list[str]]
DeleteFn = Callable[[Any, str], None]


@dataclass(frozen=True)
class Scope:
    """What cleanup may touch.

    Attributes:
        prefix: Name prefix of resources the workbook created, e.g. ``"cdw-learner-"``.
            Used for resources that take no tags (and as a second guard for those that do).
        tags: Tags a resource must carry, all of them, e.g. ``{"cdw:participant": "learner"}``.
            Add ``cdw:run`` to narrow cleanup to one run.
    """

    prefix: str
    tags: Mapping[str, str] = field(default_factory=dict)

    def matches_name(self, name: str) -> bool:
        """Return True when ``name`` starts with the scope's prefix."""
        return name.startswith(self.prefix)

    def matches_tags(self, tags: Mapping[str, str] | list[dict[str, str]] | None) -> bool:
        """Return True when ``tags`` carries every tag of the scope.

        Args:
            tags: Either a mapping or an AWS tag list (``[{"Key": ..., "Value": ...}]``;
                some services spell the keys ``key``/``value``).
        """
        have = tag_dict(tags)
        return bool(self.tags) and all(have.get(k) == v for k, v in self.tags.items())


def tag_dict(tags: Mapping[str, str] | list[dict[str, str]] | None) -> dict[str, str]:
    """Turn an AWS tag list (any key casing) or a mapping into a plain dict."""
    if not tags:
        return {}
    if isinstance(tags, Mapping):
        return dict(tags)
    out: dict[str, str] = {}
    for item in tags:
        key = item.get("Key", item.get("key"))
        if key is not None:
            out[key] = item.get("Value", item.get("value", ""))
    return out


@dataclass(frozen=True)
class ResourceType:
    """One kind of resource cleanup knows how to find and delete.

    Attributes:
        name: Human name, e.g. ``"S3 bucket"``; shown in reports.
        service: boto3 service name of the client ``list_fn``/``delete_fn`` take, e.g. ``"s3"``.
        list_fn: ``list_fn(client, scope) -> list[str]``: ids in scope that still exist.
        delete_fn: ``delete_fn(client, id) -> None``: delete one (and what it contains).
        order: Lower runs first; use it when one type must go before another
            (e.g. deployment groups before applications). Default 100.
    """

    name: str
    service: str
    list_fn: ListFn
    delete_fn: DeleteFn
    order: int = 100
