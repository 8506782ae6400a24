"""Fixes for moto's own services, each at its source, each checked against the pinned version.

Only modules in this package import moto's private modules. :func:`install` applies every shim
once; each shim module has an ``install()`` and a contract test in ``tests/offline/shims``.
"""

from __future__ import annotations

import importlib
import logging

from helpers.offline.shims.core import check_version

log = logging.getLogger(__name__)

#: Shim modules, applied in this order.
SHIMS: tuple[str, ...] = ("core",)

_installed = False


def install() -> None:
    """Apply every shim (idempotent)."""
    global _installed
    if _installed:
        return
    check_version()
    for name in SHIMS:
        importlib.import_module(f"helpers.offline.shims.{name}").install()
    _installed = True
