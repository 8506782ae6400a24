"""The emulated agent's real work, without the endpoint: unpacking, installing, scripts."""

from __future__ import annotations

import io
import os
import tarfile

import pytest

from helpers.offline import work
from helpers.offline.codedeploy import agent
from helpers.specs import appspec
from tests.offline.codedeploy.fleet import bundle


def test_zip_keeps_unix_mode_bits(tmp_path):
    """Unix zip members keep their mode; scripts stay executable."""
    agent.unpack(bundle({"run.sh": "echo", "a.txt": "x"}), "zip", tmp_path)
    assert os.access(tmp_path / "run.sh", os.X_OK)
    assert not os.access(tmp_path / "a.txt", os.X_OK)


def test_tar_member_escaping_is_refused(tmp_path):
    """A tar member ../x is refused before anything is written."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as archive:
        info = tarfile.TarInfo("../x")
        info.size = 1
        archive.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(agent.AgentError, match="leaves the instance"):
        agent.unpack(buf.getvalue(), "tar", tmp_path / "dest")
    assert not (tmp_path / "x").exists()


def test_install_destination_cannot_escape_root(tmp_path):
    """An AppSpec destination with .. cannot write outside the instance root."""
    (tmp_path / "bundle").mkdir()
    (tmp_path / "bundle" / "f").write_text("x")
    spec = appspec.loads("version: 0.0\nos: linux\nfiles:\n  - source: f\n"
                         "    destination: /../../outside\n")
    with pytest.raises(agent.AgentError):
        agent.install(spec, tmp_path / "bundle", tmp_path / "root", [], "DISALLOW")
    assert not (tmp_path / "outside").exists()


def test_install_removes_previous_files_and_retains(tmp_path):
    """Files of the previous install are removed first; RETAIN keeps a foreign file."""
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "new.txt").write_text("new")
    (tmp_path / "b" / "keep.txt").write_text("from bundle")
    root = tmp_path / "root"
    (root / "app").mkdir(parents=True)
    (root / "app" / "old.txt").write_text("old")
    (root / "app" / "keep.txt").write_text("mine")
    spec = appspec.loads("version: 0.0\nos: linux\nfiles:\n  - source: /\n"
                         "    destination: /app\nfile_exists_behavior: RETAIN\n")
    written = agent.install(spec, tmp_path / "b", root, ["/app/old.txt"], "DISALLOW")
    assert not (root / "app" / "old.txt").exists()
    assert (root / "app" / "keep.txt").read_text() == "mine"
    assert "/app/new.txt" in written and "/app/keep.txt" not in written


def test_log_tail_is_the_last_4_kb(tmp_path):
    """A failing script's logTail is at most 4096 characters, its last ones."""
    script = tmp_path / "s.sh"
    script.write_text("for i in $(seq 1 2000); do echo line-$i; done\nexit 2\n")
    script.chmod(0o755)
    env = work.job_env("http://127.0.0.1:1", "AKIDTEST", extra={})
    with pytest.raises(agent.AgentError) as err:
        agent.run_script(appspec.Script("s.sh", 30), tmp_path, env)
    tail = err.value.diagnostics["logTail"]
    assert len(tail) == 4096 and tail.endswith("[stdout]line-2000\n")
    assert err.value.diagnostics["errorCode"] == "ScriptFailed"
