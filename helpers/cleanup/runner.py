"""Delete what is in scope, then list again and verify nothing is left."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from helpers.cleanup.base import ResourceType, Scope
from helpers.cleanup.registry import resource_types
from helpers.cleanup.report import Report

log = logging.getLogger(__name__)


def _client_factory(source: Any) -> Callable[[str], Any]:
    """Turn a workbench, a boto3 Session, a ``{service: client}`` mapping or a callable into
    ``service -> client``."""
    if hasattr(source, "client"):
        cache: dict[str, Any] = {}

        def make(service: str) -> Any:
            if service not in cache:
                cache[service] = source.client(service)
            return cache[service]
        return make
    if isinstance(source, Mapping):
        return lambda service: source[service]
    if callable(source):
        return source
    raise TypeError("cleanup.run needs a workbench, a boto3 Session, a {service: client} "
                    f"mapping or a callable service -> client; got {type(source).__name__}")


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"


def run(session_or_clients: Any, scope: Scope,
        types: list[ResourceType] | None = None) -> Report:
    """Delete every resource in ``scope``, then list again and report what is left.

    Args:
        session_or_clients: Where the clients come from: a workbench (``wb``), a boto3 Session,
            a ``{service: client}`` mapping, or a callable ``service -> client``.
        scope: What may be deleted (name prefix and tags).
        types: The resource types to clean; default: every type of every service module.

    Returns:
        The :class:`Report`; ``report.ok`` is False when something is left or could not be listed.
    """
    client_for = _client_factory(session_or_clients)
    types = resource_types() if types is None else sorted(types, key=lambda t: t.order)
    report = Report()
    for kind in types:
        try:
            client = client_for(kind.service)
            ids = kind.list_fn(client, scope)
        except Exception as exc:  # noqa: BLE001 - reported; the verifying pass reports it too
            log.warning("cleanup: cannot list %s: %s", kind.name, _describe(exc))
            continue
        for ident in ids:
            try:
                kind.delete_fn(client, ident)
                report.deleted.append((kind.name, ident))
                log.info("cleanup: deleted %s %s", kind.name, ident)
            except Exception as exc:  # noqa: BLE001 - one failure must not stop the rest
                report.failed.append((kind.name, ident, _describe(exc)))
                log.warning("cleanup: could not delete %s %s: %s", kind.name, ident,
                            _describe(exc))
    for kind in types:
        try:
            left = kind.list_fn(client_for(kind.service), scope)
        except Exception as exc:  # noqa: BLE001 - an unverifiable type is not clean
            report.unlisted.append((kind.name, _describe(exc)))
            continue
        report.remaining += [(kind.name, ident) for ident in left]
    return report
