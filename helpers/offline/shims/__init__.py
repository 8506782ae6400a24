"""Fixes for moto's own services, each at its source, each checked against the pinned version.

Only modules in this package import moto's private modules. :func:`install` applies every shim
once; each shim module has an ``install()`` and a contract test in ``tests/offline/shims``.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil

from helpers.offline.shims.core import check_version

log = logging.getLogger(__name__)


def shim_names() -> list[str]:
    """Every shim module in this package: ``core`` first, then alphabetical."""
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    return ["core"] + [n for n in names if n != "core"]


_installed = False


def install() -> None:
    """Apply every shim (idempotent)."""
    global _installed
    if _installed:
        return
    check_version()
    for name in shim_names():
        importlib.import_module(f"helpers.offline.shims.{name}").install()
    _installed = True
