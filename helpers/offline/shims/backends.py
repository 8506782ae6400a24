"""moto's backend base classes, for the state of the services the emulator owns.

``moto.core`` does not re-export ``BaseBackend`` and ``BackendDict`` in the pinned version, so
owned services (``helpers/offline/<service>/models.py``) import them from here: a
``BackendDict`` is reset by moto's reset together with moto's own backends.
"""

from __future__ import annotations

from moto.core.base_backend import BackendDict, BaseBackend

__all__ = ["BackendDict", "BaseBackend", "install"]


def install() -> None:
    """Nothing to patch: this module only re-exports."""
