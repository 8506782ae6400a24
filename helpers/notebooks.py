"""Re-execute notebooks in place, deterministically, and store them with stable JSON.

``python -m helpers run [PATH…]`` runs each notebook top to bottom in a fresh kernel with a fresh
in-kernel endpoint, the fixed virtual epoch, seeded ids and progress bars off — the same
conditions nbval checks the stored outputs under — then strips everything that differs from
machine to machine (timings, widget state, kernel display names, random cell ids).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: The environment notebooks run under in ``helpers run`` and nbval (ARCHITECTURE §3).
DETERMINISTIC_ENV = {"CDW_DETERMINISTIC": "1", "TQDM_DISABLE": "1", "CDW_MODE": "offline"}
#: Variables that would make a run attach elsewhere, or be less repeatable.
UNSET_ENV = ("CDW_ENDPOINT", "CDW_EPOCH", "CDW_SEED", "CDW_RUN", "CDW_PARTICIPANT",
             "CDW_NOTEBOOK")
DEFAULT_GLOBS = ("notebooks/*.ipynb", "labs/solutions/*.ipynb")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
#: Output MIME types that carry per-session state.
_VOLATILE_MIME = ("application/vnd.jupyter.widget-view+json",)


def apply_deterministic_env(environ: dict[str, str] | Any = None) -> None:
    """Set the deterministic environment in ``environ`` (default ``os.environ``)."""
    environ = os.environ if environ is None else environ
    for key in UNSET_ENV:
        environ.pop(key, None)
    environ.update(DETERMINISTIC_ENV)


@contextlib.contextmanager
def deterministic_env() -> Iterator[None]:
    """Run the block under the deterministic environment, restoring ``os.environ`` after."""
    saved = dict(os.environ)
    apply_deterministic_env()
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def default_paths(root: Path) -> list[Path]:
    """``notebooks/*.ipynb`` and ``labs/solutions/*.ipynb`` under ``root``, sorted."""
    return sorted(p for pattern in DEFAULT_GLOBS for p in root.glob(pattern))


def stable(nb: Any) -> Any:
    """Strip per-machine metadata from a notebook node (in place) and return it.

    Keeps cell tags (nbval's ``raises-exception`` lives there), drops timings, widget state and
    anything else a kernel or front end adds; cell ids become a hash of the cell's source, so
    they do not change when the notebook is re-run or another cell is inserted.
    """
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    seen: set[str] = set()
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags")
        cell.metadata = {"tags": tags} if tags else {}
        digest = hashlib.sha1(f"{cell.cell_type}\n{cell.source}".encode()).hexdigest()
        ident, n = digest[:8], 1
        while ident in seen:
            ident, n = f"{digest[:8]}-{n}", n + 1
        seen.add(ident)
        cell.id = ident
        for output in cell.get("outputs", []):
            output.get("metadata", {}).pop("execution", None)
            for mime in _VOLATILE_MIME:
                output.get("data", {}).pop(mime, None)
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


def execute(path: Path, timeout: int = 600) -> None:
    """Execute one notebook in place, in its own directory, under the deterministic environment.

    Raises:
        nbclient.exceptions.CellExecutionError: A cell raised that is not tagged
            ``raises-exception``; the notebook file is left unchanged.
    """
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    with deterministic_env():
        client = NotebookClient(
            nb, timeout=timeout, kernel_name="python3", record_timing=False,
            store_widget_state=False, resources={"metadata": {"path": str(path.parent)}})
        client.execute()
    nbformat.write(stable(nb), path)
    log.info("executed %s", path)


def strip(path: Path) -> None:
    """Rewrite ``path`` with stable metadata, without executing it."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nbformat.write(stable(nb), path)
