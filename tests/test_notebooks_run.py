"""`python -m helpers run`: deterministic re-execution in place, with stable notebook JSON."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from helpers import notebooks
from helpers.__main__ import main


def _messy() -> nbformat.NotebookNode:
    nb = new_notebook(cells=[new_markdown_cell("# t"), new_code_cell("1 + 1"),
                             new_code_cell("1 + 1"), new_code_cell("raise ValueError")])
    nb.metadata = {"kernelspec": {"display_name": "My venv (3.11.7)", "name": "venv311"},
                   "language_info": {"name": "python", "version": "3.11.7"},
                   "widgets": {"application/vnd.jupyter.widget-state+json": {}}}
    nb.cells[1].metadata = {"execution": {"iopub.execute_input": "2026-01-01T00:00:00Z"},
                            "scrolled": True}
    nb.cells[3].metadata = {"tags": ["raises-exception"], "collapsed": False}
    nb.cells[1].outputs = [nbformat.v4.new_output(
        "display_data", data={"text/plain": "x",
                              "application/vnd.jupyter.widget-view+json": {"model_id": "1"}})]
    return nb


def test_stable_strips_per_machine_metadata() -> None:
    """Kernel display names, timings and widget state go; tags stay."""
    nb = notebooks.stable(_messy())
    assert nb.metadata == {"kernelspec": notebooks.KERNELSPEC,
                           "language_info": {"name": "python"}}
    assert nb.cells[1].metadata == {} and nb.cells[3].metadata == {"tags": ["raises-exception"]}
    assert nb.cells[1].outputs[0]["data"] == {"text/plain": "x"}


def test_stable_cell_ids_are_deterministic_and_unique() -> None:
    """Ids depend on the cell's content only; duplicates get a suffix."""
    first, second = notebooks.stable(_messy()), notebooks.stable(_messy())
    ids = [c.id for c in first.cells]
    assert ids == [c.id for c in second.cells]
    assert len(set(ids)) == len(ids) and ids[2] == f"{ids[1]}-1"
    nbformat.validate(first)


def test_deterministic_env_is_restored() -> None:
    """The run environment is set inside the block and the old one is back afterwards."""
    os.environ["CDW_ENDPOINT"] = "http://127.0.0.1:1"
    try:
        with notebooks.deterministic_env():
            assert os.environ["CDW_DETERMINISTIC"] == "1" and os.environ["TQDM_DISABLE"] == "1"
            assert "CDW_ENDPOINT" not in os.environ
        assert os.environ["CDW_ENDPOINT"] == "http://127.0.0.1:1"
    finally:
        del os.environ["CDW_ENDPOINT"]


@pytest.mark.slow
def test_run_executes_in_place_deterministically(tmp_path: Path) -> None:
    """Two runs give byte-identical files: fixed epoch, fresh endpoint, no progress bars."""
    nb = new_notebook(cells=[
        new_code_cell("import os\nfrom helpers import workbench\n"
                      "wb = workbench.start(notebook='99')"),
        new_code_cell("wb.clock.now().isoformat(), wb.tags['cdw:run']"),
        new_code_cell("os.environ['TQDM_DISABLE'], 'CDW_ENDPOINT' in os.environ"),
        new_code_cell("1 / 0")])
    nb.cells[3].metadata["tags"] = ["raises-exception"]
    path = tmp_path / "t.ipynb"
    nbformat.write(nb, path)
    os.environ["CDW_ENDPOINT"] = "http://127.0.0.1:1"  # must be ignored: a fresh endpoint is used
    try:
        assert main(["run", str(path)]) == 0
    finally:
        del os.environ["CDW_ENDPOINT"]
    first = path.read_text()
    done = nbformat.read(path, as_version=4)
    assert done.cells[1].outputs[0]["data"]["text/plain"] == \
        "('2026-01-05T09:00:00+00:00', 'run-fixed')"
    assert done.cells[2].outputs[0]["data"]["text/plain"] == "('1', False)"
    assert done.cells[3].outputs[0]["ename"] == "ZeroDivisionError"
    assert main(["run", str(path)]) == 0
    assert path.read_text() == first


def test_run_refuses_missing_path(tmp_path: Path) -> None:
    """A path that is not a notebook is an error, not a traceback."""
    assert main(["run", str(tmp_path / "nope.ipynb")]) == 1
