"""Verified teardown of what the workbook created, by tag and by name prefix (ARCHITECTURE §4).

``helpers.cleanup.run(wb, wb.scope())`` (or ``wb.cleanup()``) deletes every resource in scope,
then lists again and reports what is left. ``python -m helpers cleanup`` does the same from a
shell and exits non-zero when anything remains.

Each service adds its resource types in one place: a module ``helpers/cleanup/<service>.py``
defining ``RESOURCE_TYPES`` (see :mod:`helpers.cleanup.base`). Modules are found automatically.
"""

from helpers.cleanup.base import ResourceType, Scope
from helpers.cleanup.registry import resource_types
from helpers.cleanup.report import Report
from helpers.cleanup.runner import run

__all__ = ["Report", "ResourceType", "Scope", "resource_types", "run"]
