"""One shell per build: buildspec v0.2 runs every command in the same shell instance.

The protocol (decided here, documented in docs/offline-differences.md):

* The build starts one ``bash`` (or ``/bin/sh``, from ``env.shell``) running a small driver loop.
  The driver reads, from its stdin, the path of a file holding the next command, *sources* that
  file in the shell itself (so ``cd``, variables and functions persist), and writes the exit status
  to a FIFO of its own. Commands get ``/dev/null`` as stdin and do not see the FIFO.
* Output (stdout and stderr, interleaved as written) goes to one file; after each command the
  runner reads what the command added.
* Under time scale ``max``, ``sleep`` inside a command is a shell function that records the
  seconds asked for instead of waiting; the runner adds them to the command's virtual duration.
  Under a finite scale the real ``sleep`` runs.
* A command that ends the shell (``exit 3``, ``set -e`` then a failure) fails with that status;
  the next command gets a fresh shell (:attr:`Outcome.restarted`), which the runner says in the
  build log.
"""

from __future__ import annotations

import logging
import os
import re
import select
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from helpers.offline import work

log = logging.getLogger(__name__)

_DRIVER = r"""
exec 9>"$CDW_STATUS_FIFO"
{sleep}
while IFS= read -r __cdw_file; do
  . "$__cdw_file" </dev/null 9>&-
  echo "$?" >&9
done
"""
_SLEEP_FUNCTION = 'sleep() { echo "$*" >> "$CDW_SLEEP_FILE"; }'
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass
class Outcome:
    """What one command did."""

    status: int
    output: str
    slept: float
    wall: float
    shell_exited: bool = False
    timed_out: bool = False
    #: The shell had ended during an earlier command; this one ran in a new shell.
    restarted: bool = False


class BuildShell:
    """A long-lived shell that runs a build's commands one by one."""

    def __init__(self, root: Path, shell: str, env: dict[str, str], cwd: Path,
                 model_sleep: bool) -> None:
        self.root = root / ".cdw"
        self.root.mkdir(parents=True, exist_ok=True)
        self.shell = shutil.which("bash") if shell in ("bash", "/bin/bash") else "/bin/sh"
        self.env = dict(env)
        self.cwd = cwd
        self.model_sleep = model_sleep
        self.proc: subprocess.Popen | None = None
        self._count = 0
        self._offset = 0
        self.out_path = self.root / "output.log"
        self.sleep_path = self.root / "sleep"
        self.restarts = 0

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> None:
        """Start (or restart) the shell process."""
        fifo = self.root / f"status-{self.restarts}"
        os.mkfifo(fifo)
        # O_RDWR: the open never blocks and the read side never sees a spurious EOF.
        self._status_fd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
        self._status_buf = b""
        env = dict(self.env, CDW_STATUS_FIFO=str(fifo), CDW_SLEEP_FILE=str(self.sleep_path))
        driver = _DRIVER.replace("{sleep}", _SLEEP_FUNCTION if self.model_sleep else "")
        out = open(self.out_path, "ab")  # noqa: SIM115 - handed to the child, closed below
        self.proc = subprocess.Popen(
            [self.shell, "-c", driver], stdin=subprocess.PIPE, stdout=out,
            stderr=subprocess.STDOUT, env=env, cwd=self.cwd, start_new_session=True)
        out.close()
        work.track(self.proc)  # so endpoint stop/reset kills build shells too

    def kill(self) -> None:
        """Kill the shell and everything it started (its process group)."""
        proc = self.proc
        if proc is None:
            return
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            log.warning("build shell %s did not exit after SIGKILL", proc.pid)
        work.untrack(proc)
        try:
            os.close(self._status_fd)
        except OSError:
            pass
        self.proc = None

    # -- commands ------------------------------------------------------------------------------

    def run(self, command: str, timeout: float | None = None) -> Outcome:
        """Run one command in the shell; return its status, output and modelled sleep."""
        restarted = False
        if self.proc is None or self.proc.poll() is not None:
            if self.proc is not None:
                self.kill()
                self.restarts += 1
                restarted = True
            self.start()
        self._count += 1
        path = self.root / f"cmd-{self._count}.sh"
        path.write_text(command if command.endswith("\n") else command + "\n")
        self.sleep_path.write_text("")
        started = time.monotonic()
        status, exited, timed_out = self._send(path, timeout)
        wall = time.monotonic() - started
        output = self._read_output()
        return Outcome(status, output, self._slept(), wall, exited, timed_out, restarted)

    def _send(self, path: Path, timeout: float | None) -> tuple[int, bool, bool]:
        assert self.proc is not None and self.proc.stdin is not None
        try:
            self.proc.stdin.write(f"{path}\n".encode())
            self.proc.stdin.flush()
        except BrokenPipeError:
            return self.proc.wait(), True, False
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if b"\n" in self._status_buf:
                line, self._status_buf = self._status_buf.split(b"\n", 1)
                return int(line or 0), False, False
            if deadline is not None and time.monotonic() >= deadline:
                self.kill()
                return 124, True, True
            ready, _, _ = select.select([self._status_fd], [], [], 0.05)
            if ready:
                try:
                    self._status_buf += os.read(self._status_fd, 4096)
                except BlockingIOError:
                    pass
                continue
            if self.proc is None:
                return 137, True, False
            code = self.proc.poll()
            if code is not None:
                # The shell ended during the command (exit, set -e): that is the status.
                return code, True, False

    def _read_output(self) -> str:
        with open(self.out_path, "rb") as fh:
            fh.seek(self._offset)
            data = fh.read()
        self._offset += len(data)
        return data.decode(errors="replace")

    def _slept(self) -> float:
        total = 0.0
        for line in self.sleep_path.read_text().splitlines():
            for arg in line.split():
                match = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)([smhd]?)", arg)
                if match:
                    total += float(match.group(1)) * _UNITS[match.group(2)]
        return total

    def values(self, names: list[str]) -> dict[str, str | None]:
        """The current values of shell variables (None when unset), read without logging."""
        if not names:
            return {}
        target = self.root / "values"
        parts = " ".join(f'"${{{n}+1}}" "${{{n}-}}"' for n in names)
        outcome = self.run(f"printf '%s\\0' {parts} > '{target}'")
        self._read_output()
        if outcome.status != 0 or not target.exists():
            return dict.fromkeys(names)
        fields = target.read_text().split("\0")
        result: dict[str, str | None] = {}
        for i, name in enumerate(names):
            is_set, value = fields[2 * i], fields[2 * i + 1]
            result[name] = value if is_set == "1" else None
        return result
