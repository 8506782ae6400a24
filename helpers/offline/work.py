"""Real work: subprocesses with timeouts, their own process group, and a clean environment.

Everything the endpoint starts (build commands, hook scripts, Lambda handlers, git) runs through
:func:`run`. Its environment never carries the learner's real credentials: every ``AWS_*``
variable is dropped, config and credential files point at nothing, and the job gets the endpoint
URL and fake access keys of its own (:mod:`helpers.offline.identity`).
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_live: set[subprocess.Popen] = set()
_live_lock = threading.Lock()

#: Environment variables that could carry the learner's identity or point a client elsewhere.
_DROPPED_PREFIXES = ("AWS_", "BOTO_", "BOTOCORE_")


def pool() -> ThreadPoolExecutor:
    """The shared worker pool (created on first use)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=max(4, (os.cpu_count() or 2) * 4),
                                       thread_name_prefix="cdw-work")
        return _pool


@dataclass
class Completed:
    """The outcome of one subprocess."""

    returncode: int
    stdout: str
    stderr: str
    timed_out: bool
    duration: float  # real seconds


def job_env(endpoint: str, access_key: str, region: str = "us-east-1",
            extra: dict[str, str] | None = None) -> dict[str, str]:
    """A clean environment for a process the endpoint starts.

    Args:
        endpoint: The endpoint URL the process must talk to.
        access_key: The job's own fake access key id (see :mod:`helpers.offline.identity`).
        region: The region to pin.
        extra: Variables to add last (they may not reintroduce dropped names).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(_DROPPED_PREFIXES)}
    env.update({
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": access_key,
        "AWS_SECRET_ACCESS_KEY": "cdw-offline-secret",
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_MAX_ATTEMPTS": "2",
        "AWS_PAGER": "",
    })
    for key, value in (extra or {}).items():
        if key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                   "AWS_PROFILE", "AWS_ENDPOINT_URL"):
            continue
        env[key] = value
    return env


def run(argv: list[str], env: dict[str, str], cwd: str | Path | None = None,
        timeout: float | None = None, stdin: str | None = None) -> Completed:
    """Run one subprocess in its own process group; kill the whole group on timeout."""
    started = time.monotonic()
    proc = subprocess.Popen(
        argv, env=env, cwd=cwd, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    with _live_lock:
        _live.add(proc)
    timed_out = False
    try:
        out, err = proc.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(proc)
        out, err = proc.communicate()
    finally:
        with _live_lock:
            _live.discard(proc)
    return Completed(proc.returncode, out, err, timed_out, time.monotonic() - started)


def track(proc: subprocess.Popen) -> None:
    """Count a long-lived process (started with ``start_new_session=True``) as the endpoint's,
    so stopping or resetting the endpoint kills its process group."""
    with _live_lock:
        _live.add(proc)


def untrack(proc: subprocess.Popen) -> None:
    """Forget a process :func:`track` registered (it ended or was stopped)."""
    with _live_lock:
        _live.discard(proc)


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def kill_all() -> int:
    """Kill every process group the endpoint started that is still running. Returns how many."""
    with _live_lock:
        procs = list(_live)
    for proc in procs:
        _kill_group(proc)
    return len(procs)
