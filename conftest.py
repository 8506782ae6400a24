"""Root pytest hooks for nbval over ``notebooks/`` and ``labs/solutions/``.

* Notebooks checked by nbval run under the same conditions as ``helpers run``: the fixed virtual
  epoch, seeded ids, progress bars off and a fresh in-kernel endpoint (never a shared one from
  ``CDW_ENDPOINT``). nbval's kernels inherit this process's environment.
* Only notebooks are collected there: the example apps under ``notebooks/assets/`` carry their
  own tests (some fail on purpose, for a build to report), which are teaching material.
"""

from __future__ import annotations

from pathlib import Path

import pytest

_NOTEBOOK_TREES = ("notebooks", "labs")
_ROOT = Path(__file__).resolve().parent


def pytest_configure(config: pytest.Config) -> None:
    """Set the deterministic environment when nbval is on."""
    if config.getoption("nbval", default=False) or config.getoption("nbval_lax", default=False):
        from helpers.notebooks import apply_deterministic_env

        apply_deterministic_env()


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Collect nothing but ``.ipynb`` files inside the notebook trees."""
    try:
        parts = collection_path.resolve().relative_to(_ROOT).parts
    except ValueError:
        return None
    if parts and parts[0] in _NOTEBOOK_TREES and collection_path.is_file():
        return collection_path.suffix != ".ipynb"
    return None
