"""Root pytest hooks: notebooks checked by nbval run under the same conditions as ``helpers run``.

The fixed virtual epoch, seeded ids, progress bars off and a fresh in-kernel endpoint (never a
shared one from ``CDW_ENDPOINT``): nbval's kernels inherit this process's environment.
"""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """Set the deterministic environment when nbval is on."""
    if config.getoption("nbval", default=False) or config.getoption("nbval_lax", default=False):
        from helpers.notebooks import apply_deterministic_env

        apply_deterministic_env()
