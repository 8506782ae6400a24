"""Small pieces the CodeDeploy API modules share: engine wrappers, names, tags, batch limits."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from helpers.offline.services import Request, ServiceError

_NAME = re.compile(r"[A-Za-z0-9+=,.@_-]+")
#: BatchGet* limit (aws-semantics.md §A.10).
BATCH_LIMIT = 100
TAG_FILTER_TYPES = ("KEY_ONLY", "VALUE_ONLY", "KEY_AND_VALUE")


def write(method: Callable[[Any, Request], Any]) -> Callable[[Any, Request], Any]:
    """Run an operation that changes state on the engine thread."""
    @functools.wraps(method)
    def wrapper(self: Any, request: Request) -> Any:
        return self.engine.call(method, self, request)
    return wrapper


def read(method: Callable[[Any, Request], Any]) -> Callable[[Any, Request], Any]:
    """Run an operation that only reads state under the engine lock (a consistent snapshot)."""
    @functools.wraps(method)
    def wrapper(self: Any, request: Request) -> Any:
        with self.engine.lock:
            return method(self, request)
    return wrapper


def check_name(value: Any, what: str, required: str, invalid: str) -> str:
    """Validate an application or deployment group name (1-100 chars, AWS's character set)."""
    if value is None or value == "":
        raise ServiceError(required, f"{what} is required.")
    if not isinstance(value, str) or len(value) > 100 or not _NAME.fullmatch(value):
        raise ServiceError(invalid, f"{what} {value!r} is invalid: use 1-100 characters from "
                                    "letters, digits and . _ + = , @ -")
    return value


def batch(items: Any, what: str, required: str) -> list[Any]:
    """Validate a BatchGet* list (present, ≤100 items)."""
    if not items:
        raise ServiceError(required, f"{what} is required: pass at least one name.")
    if len(items) > BATCH_LIMIT:
        raise ServiceError("BatchLimitExceededException",
                           f"At most {BATCH_LIMIT} items per batch call; got {len(items)}.")
    return list(items)


def tag_matches(tags: dict[str, str], tag_filter: dict[str, Any]) -> bool:
    """True when a resource's tags satisfy one EC2TagFilter / TagFilter."""
    kind = tag_filter.get("Type") or "KEY_AND_VALUE"
    key, value = tag_filter.get("Key"), tag_filter.get("Value")
    if kind == "KEY_ONLY":
        return key in tags
    if kind == "VALUE_ONLY":
        return value in tags.values()
    return key in tags and tags[key] == value


def matches_any(tags: dict[str, str], filters: list[dict[str, Any]]) -> bool:
    """OR across a filter list."""
    return any(tag_matches(tags, f) for f in filters)


def matches_tag_set(tags: dict[str, str], groups: list[list[dict[str, Any]]]) -> bool:
    """A tag set: OR within each group, AND across groups (§A.8)."""
    return bool(groups) and all(matches_any(tags, group) for group in groups)


def check_tag_filters(filters: Any, code: str, where: str) -> list[dict[str, Any]]:
    """Validate a list of tag filters; return it."""
    for f in filters or []:
        kind = f.get("Type") or "KEY_AND_VALUE"
        if kind not in TAG_FILTER_TYPES:
            raise ServiceError(code, f"{where}: Type must be one of {', '.join(TAG_FILTER_TYPES)}.")
        if kind in ("KEY_ONLY", "KEY_AND_VALUE") and not f.get("Key"):
            raise ServiceError(code, f"{where}: a {kind} filter needs a Key.")
        if kind in ("VALUE_ONLY", "KEY_AND_VALUE") and f.get("Value") is None:
            raise ServiceError(code, f"{where}: a {kind} filter needs a Value.")
    return list(filters or [])


def tag_dict(tag_list: list[dict[str, str]] | None) -> dict[str, str]:
    """``[{Key, Value}]`` → ``{key: value}``."""
    return {t["Key"]: t.get("Value", "") for t in tag_list or []}


def merge_tags(old: list[dict[str, str]], new: list[dict[str, str]]) -> list[dict[str, str]]:
    """Add or replace tags by key, keeping order."""
    merged = tag_dict(old)
    merged.update(tag_dict(new))
    return [{"Key": k, "Value": v} for k, v in merged.items()]
