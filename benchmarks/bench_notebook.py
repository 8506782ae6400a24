"""Notebook 00's execution time next to a bare kernel's start-up time.

Run: ``python benchmarks/bench_notebook.py [NOTEBOOK]`` from the repository root (inside .venv).
The notebook runs on a copy (the committed one is not touched) under the same deterministic
environment as ``python -m helpers run``. Prints figures; asserts nothing.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from helpers.notebooks import deterministic_env

ROOT = Path(__file__).resolve().parent.parent
RUNS = 3


def _execute(nb: nbformat.NotebookNode, where: Path) -> float:
    start = time.perf_counter()
    with deterministic_env():
        NotebookClient(nb, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(where)}}).execute()
    return time.perf_counter() - start


def main() -> None:
    """Time a bare kernel (start, run `pass`, stop) and the notebook, RUNS times each."""
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "notebooks/00_start_here.ipynb"
    bare, full = [], []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / source.name
        shutil.copy(source, copy)
        for _ in range(RUNS):
            bare.append(_execute(new_notebook(cells=[new_code_cell("pass")]), Path(tmp)))
            full.append(_execute(nbformat.read(copy, as_version=4), source.parent))
    print(f"bare kernel start-up + stop   median {statistics.median(bare):6.2f} s  "
          f"(min {min(bare):.2f}, max {max(bare):.2f}, {RUNS} runs)")
    print(f"{source.name:<29} median {statistics.median(full):6.2f} s  "
          f"(min {min(full):.2f}, max {max(full):.2f}, {RUNS} runs)")
    print(f"notebook minus bare kernel    median "
          f"{statistics.median(full) - statistics.median(bare):6.2f} s")


if __name__ == "__main__":
    main()
