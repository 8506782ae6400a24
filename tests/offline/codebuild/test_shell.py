"""BuildShell: one shell per build, fed command by command."""

from __future__ import annotations

import os

import pytest

from helpers.offline.codebuild.shell import BuildShell


@pytest.fixture(params=["bash", "/bin/sh"])
def shell(request, tmp_path):
    """A build shell (bash and sh) in a temporary folder, killed afterwards."""
    sh = BuildShell(tmp_path, request.param, dict(os.environ), tmp_path, model_sleep=True)
    yield sh
    sh.kill()


def test_state_persists_between_commands(shell, tmp_path):
    """Variables and the working directory survive from one command to the next."""
    assert shell.run("X=5; mkdir -p sub && cd sub").status == 0
    outcome = shell.run('echo "$X $(pwd)"; echo err >&2')
    assert outcome.output == f"5 {tmp_path / 'sub'}\nerr\n"


def test_status_and_exit(shell):
    """A failing command reports its status; `exit` ends the shell, the next command restarts."""
    assert shell.run("false").status == 1
    ended = shell.run("exit 3")
    assert (ended.status, ended.shell_exited) == (3, True)
    after = shell.run("echo ${X-unset}")
    assert after.restarted and after.output == "unset\n"


def test_sleep_is_recorded_not_waited(shell):
    """Under max, sleep records its seconds (units s, m, h, d) instead of waiting."""
    outcome = shell.run("sleep 2m; sleep 3; sleep 0.5; type sleep")
    assert outcome.slept == 123.5 and "function" in outcome.output


def test_wall_timeout_kills_the_command(tmp_path):
    """A command longer than its wall timeout is killed and reported as timed out."""
    sh = BuildShell(tmp_path, "bash", dict(os.environ), tmp_path, model_sleep=False)
    try:
        outcome = sh.run("sleep 30", timeout=0.5)
        assert outcome.timed_out and outcome.status == 124 and sh.proc is None
    finally:
        sh.kill()


def test_values_reads_variables(shell):
    """values() reads shell variables, None when unset, without printing them."""
    shell.run("A='two words'; B=")
    assert shell.values(["A", "B", "C"]) == {"A": "two words", "B": "", "C": None}
