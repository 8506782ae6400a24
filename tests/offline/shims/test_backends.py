"""Contract: moto's BackendDict is reset by moto's reset, so owned services' state is too."""

from __future__ import annotations

from helpers.offline.shims import core
from helpers.offline.shims.backends import BackendDict, BaseBackend


class _Probe(BaseBackend):
    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.items: list[str] = []


def test_reset_clears_a_project_backend_dict():
    """State put into a project-owned BackendDict is gone after moto's reset."""
    probes = BackendDict(_Probe, "codedeploy")
    probes["123456789012"]["us-east-1"].items.append("x")
    core.reset_backends()
    assert probes["123456789012"]["us-east-1"].items == []
