"""The whole test suite's wall time: lint, unit and emulator tests, nbval over the notebooks.

Run: ``python benchmarks/bench_test_suite.py`` from the repository root (inside .venv).
Prints figures; asserts nothing. Each step runs as its own process, as ``make test`` runs it.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from subprocess import run

ROOT = Path(__file__).resolve().parent.parent


def _steps() -> list[tuple[str, list[str]]]:
    nb_dirs = [d for d in ("notebooks", "labs/solutions") if (ROOT / d).is_dir()]
    steps = [("ruff", [sys.executable, "-m", "ruff", "check", "helpers", "tests", "benchmarks"]),
             ("pytest tests", [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                               "tests"])]
    if nb_dirs:
        steps.append(("nbval " + " ".join(nb_dirs),
                      [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
                       *nb_dirs]))
    return steps


def main() -> None:
    """Run each step and print its wall time and exit code, then the total."""
    total = 0.0
    for name, cmd in _steps():
        start = time.perf_counter()
        done = run(cmd, cwd=ROOT, capture_output=True, text=True)
        took = time.perf_counter() - start
        total += took
        last = (done.stdout.strip().splitlines() or [""])[-1]
        print(f"{name:<32} {took:8.1f} s  (exit {done.returncode}) {last}")
    print(f"{'whole suite':<32} {total:8.1f} s")


if __name__ == "__main__":
    main()
