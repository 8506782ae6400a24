"""Find the resource types: every module of this package that defines ``RESOURCE_TYPES``."""

from __future__ import annotations

import importlib
import logging
import pkgutil

from helpers.cleanup.base import ResourceType

log = logging.getLogger(__name__)

#: Modules of the package that hold machinery, not resource types.
_MACHINERY = {"base", "registry", "report", "runner", "cli"}


def resource_types() -> list[ResourceType]:
    """Every ``ResourceType`` of every service module, in deletion order (``order``, then name)."""
    import helpers.cleanup as package

    found: list[ResourceType] = []
    for module in pkgutil.iter_modules(package.__path__):
        if module.name in _MACHINERY or module.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{package.__name__}.{module.name}")
        types = getattr(mod, "RESOURCE_TYPES", None)
        if types is None:
            log.warning("helpers/cleanup/%s.py defines no RESOURCE_TYPES; skipped", module.name)
            continue
        found += list(types)
    return sorted(found, key=lambda t: (t.order, t.service, t.name))
