"""One build, run phase by phase on the engine (reference §B.3, §B.4).

Timing model (virtual seconds; documented in notebook 03): SUBMITTED 1, QUEUED 1,
PROVISIONING 20, DOWNLOAD_SOURCE 3, each command 1 plus the seconds it asks ``sleep`` for,
UPLOAD_ARTIFACTS 2, FINALIZING 2. Under a finite time scale commands take their real duration.

Transitions when a phase fails (no ``on-failure``): INSTALL, PRE_BUILD → FINALIZING; BUILD →
POST_BUILD; POST_BUILD → UPLOAD_ARTIFACTS; ``CONTINUE`` goes to the next phase, ``ABORT`` to
FINALIZING (inferred), ``RETRY…`` runs the phase's commands again first. A timeout or a stop ends
the open phase as TIMED_OUT / STOPPED and goes to FINALIZING.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import simpy

from helpers.offline.codebuild import buildenv, download, notify
from helpers.offline.codebuild.cwlogs import BuildLog
from helpers.offline.codebuild.models import discard_dir
from helpers.offline.codebuild.shell import BuildShell
from helpers.offline.engine import MAX
from helpers.specs import buildspec as specs

log = logging.getLogger(__name__)

SECONDS = {"SUBMITTED": 1, "QUEUED": 1, "PROVISIONING": 20, "DOWNLOAD_SOURCE": 3,
           "UPLOAD_ARTIFACTS": 2, "FINALIZING": 2}
COMMAND_SECONDS = 1
SHELL_PHASES = ("install", "pre_build", "build", "post_build")


class _Ended(Exception):
    """The build timed out (raised inside the process)."""


class BuildRun:
    """The SimPy process of one build and everything it holds (shell, work folder, log)."""

    def __init__(self, service: Any, backend: Any, build: dict[str, Any],
                 project: dict[str, Any], buildspec_text: str | None,
                 override_vars: list[dict[str, Any]], account_id: str, region: str) -> None:
        self.service = service
        self.endpoint = service.endpoint
        self.engine = service.engine
        self.backend = backend
        self.build = build
        self.build_id = build["id"]
        self.project = project
        self.buildspec_text = buildspec_text
        self.override_vars = override_vars
        self.account_id = account_id
        self.region = region
        self.root: Path | None = None
        self.shell: BuildShell | None = None
        self.spec: specs.Buildspec | None = None
        self.resolved = buildenv.Resolved()
        self.log = BuildLog(self.endpoint, build["logs"]["groupName"],
                            build["logs"]["streamName"])
        self.process: simpy.Process | None = None
        self.open: dict[str, Any] | None = None
        self.failure: str | None = None  # the first failure's status
        self.stopping = False
        self.finishing = False
        self._last_status = 0
        self.deadline = float("inf")
        self._events: list[tuple[str, dict[str, Any]]] = []

    # -- bookkeeping ----------------------------------------------------------------------------

    def now(self) -> Any:
        return self.engine.to_datetime(self.engine.env.now)

    def agent(self, message: str) -> None:
        self.log.agent(self.now(), message)

    def begin(self, phase_type: str) -> None:
        entry = {"phaseType": phase_type, "startTime": self.now()}
        self.build["phases"].append(entry)
        self.build["currentPhase"] = phase_type
        self.open = entry
        if phase_type in ("INSTALL", "PRE_BUILD", "BUILD", "POST_BUILD", "UPLOAD_ARTIFACTS",
                          "FINALIZING"):
            self.agent(f"Entering phase {phase_type}")

    def end(self, status: str, code: str = "", message: str = "") -> None:
        entry = self.open
        if entry is None:
            return
        self.open = None
        entry["endTime"] = self.now()
        entry["durationInSeconds"] = int(round(
            (entry["endTime"] - entry["startTime"]).total_seconds()))
        entry["phaseStatus"] = status
        if entry["phaseType"] not in ("SUBMITTED", "QUEUED"):
            entry["contexts"] = [{"statusCode": code, "message": message}]
            self.agent(f"Phase complete: {entry['phaseType']} State: {status}")
            self.agent(f"Phase context status code: {code} Message: {message}")
        if status != "SUCCEEDED" and self.failure is None:
            self.failure = status
        self._events.append((notify.PHASE_CHANGE, notify.phase_change(self.build, entry)))

    def flush(self, final: bool = False):
        """Publish the events gathered so far and write the log (real work, no time).

        Under ``max`` outside readers only see a settled build, so the log is written once, at
        the end (each write is an HTTP call); under a finite scale it is written phase by phase.
        """
        events, self._events = self._events, []
        write_log = final or self.engine.scale != MAX

        def send() -> None:
            if write_log:
                self.log.flush()
            for detail_type, detail in events:
                notify.publish(self.endpoint, self.account_id, self.region, detail_type,
                               detail, self.build["arn"])
        yield from self.engine.run_work(send, modelled=0)

    def state_event(self, status: str) -> None:
        self._events.append((notify.STATE_CHANGE, notify.state_change(self.build, status)))

    # -- the process -----------------------------------------------------------------------------

    def start(self) -> None:
        """Open SUBMITTED and start the process (call on the engine thread)."""
        self.begin("SUBMITTED")
        self.state_event("IN_PROGRESS")
        self.process = self.engine.process(self.main())

    def stop(self) -> None:
        """StopBuild: interrupt the process and kill the shell (call on the engine thread)."""
        if self.stopping or self.finishing or self.process is None:
            return
        self.stopping = True
        if self.shell is not None:
            self.shell.kill()
        if self.process.is_alive:
            self.process.interrupt("STOPPED")

    def main(self):
        try:
            for name in ("SUBMITTED", "QUEUED"):
                if name != "SUBMITTED":
                    self.begin(name)
                yield self.engine.env.timeout(SECONDS[name])
                self.end("SUCCEEDED")
            self.deadline = self.engine.env.now + self.build["timeoutInMinutes"] * 60
            yield from self.provision()
            if (yield from self.download()):
                yield from self.phases()
        except simpy.Interrupt:
            self.agent("Build stopped by StopBuild")
            if self.open is not None:
                self.end("STOPPED")
            self.failure = "STOPPED"
        except _Ended:
            minutes = self.build["timeoutInMinutes"]
            self.agent(f"Build timed out after {minutes} minutes")
            if self.open is not None:
                self.end("TIMED_OUT", "BUILD_TIMED_OUT", f"Build has timed out. Build timeout "
                         f"is {minutes} minutes.")
            self.failure = "TIMED_OUT"
        yield from self.finish()

    def provision(self):
        self.begin("PROVISIONING")
        self.agent("Waiting for agent ping")
        # One folder per endpoint process and build (two endpoints may share a seed).
        self.root = (Path(tempfile.gettempdir()) / f"cdw-codebuild-{os.getpid()}"
                     / self.build_id.split(":")[-1])
        discard_dir(self.root)
        self.root.mkdir(parents=True)
        for sub in ("src", "home", "tmp"):
            (self.root / sub).mkdir()
        yield self.engine.env.timeout(SECONDS["PROVISIONING"])
        self.agent("Waiting for DOWNLOAD_SOURCE")
        self.end("SUCCEEDED")
        yield from self.flush()

    def download(self):
        """DOWNLOAD_SOURCE: sources, buildspec, variables, the shell. False when it failed."""
        self.begin("DOWNLOAD_SOURCE")
        result = yield from self.engine.run_work(lambda: download.prepare(self), modelled=0)
        yield self.engine.env.timeout(SECONDS["DOWNLOAD_SOURCE"])
        ok, code, message, resolved = result
        if resolved is not None:
            self.build["resolvedSourceVersion"] = resolved
        self.end("SUCCEEDED" if ok else "FAILED", code, message)
        yield from self.flush()
        return ok

    # -- the buildspec phases ---------------------------------------------------------------------

    def phases(self):
        assert self.spec is not None
        jump_to_finalizing = False
        for name in SHELL_PHASES:
            phase = self.spec.phases.get(name) or specs.Phase(name)
            status = yield from self.run_phase(phase)
            if status == "SUCCEEDED":
                continue
            yield from self.internal("CODEBUILD_BUILD_SUCCEEDING=0; "
                                     "export CODEBUILD_BUILD_SUCCEEDING")
            if phase.on_failure == "ABORT" or (
                    phase.on_failure != "CONTINUE" and name in ("install", "pre_build")):
                jump_to_finalizing = True
                break
        yield from self.capture_exports()
        if not jump_to_finalizing:
            yield from self.upload()

    def run_phase(self, phase: specs.Phase):
        self.begin(phase.name.upper())
        if phase.runtime_versions:
            asked = ", ".join(f"{k} {v}" for k, v in phase.runtime_versions.items())
            self.agent(f"Runtime versions requested: {asked}. Offline the build runs on the "
                       "host, not in a CodeBuild image: the host's tools are used")
        policy = phase.retry_policy()
        attempts = 0
        while True:
            status, code, message, output = yield from self.run_commands(phase)
            if status == "SUCCEEDED" or policy is None or attempts >= policy[0]:
                break
            if not re.search(policy[1], output, re.MULTILINE):
                break
            attempts += 1
            self.agent(f"Phase {phase.name.upper()} failed; retrying ({attempts} of "
                       f"{policy[0]})")
        self.end(status, code, message)
        yield from self.flush()
        return status

    def run_commands(self, phase: specs.Phase):
        failed: tuple[str, int] | None = None
        output = ""
        for cmd in phase.commands:
            ok, text = yield from self.command(cmd.text)
            output += text
            if not ok:
                failed = (cmd.text, self._last_status)
                break
        for cmd in phase.finally_:
            ok, text = yield from self.command(cmd.text)
            output += text
            if not ok:
                failed = failed or (cmd.text, self._last_status)
                break
        if failed is None:
            return "SUCCEEDED", "", "", output
        text, status = failed
        return ("FAILED", "COMMAND_EXECUTION_ERROR",
                f"Error while executing command: {text}. Reason: exit status {status}", output)

    def command(self, text: str):
        """Run one command; return (succeeded, output)."""
        assert self.shell is not None
        self.agent(f"Running command {text.strip()}")
        remaining = max(0.0, self.deadline - self.engine.now_seconds())
        # Under max a command may still not run longer in wall time than the build has left
        # (a command that never ends would otherwise hold the clock for ever).
        wall = remaining if self.engine.scale == MAX else remaining / float(self.engine.scale)
        shell = self.shell
        outcome = yield from self.engine.run_work(lambda: shell.run(text, wall), modelled=0)
        if outcome.restarted:
            self.agent("The previous command ended the shell; this command runs in a new shell "
                       "without the earlier variables and directory (offline)")
        self.log.output(self.now(), outcome.output)
        if self.engine.scale == MAX:
            cost = COMMAND_SECONDS + outcome.slept
            if self.engine.env.now + cost > self.deadline:
                yield self.engine.env.timeout(max(0.0, self.deadline - self.engine.env.now))
                raise _Ended()
            yield self.engine.env.timeout(cost)
        if outcome.timed_out:
            raise _Ended()
        self._last_status = outcome.status
        if outcome.status != 0:
            self.agent(f"Command did not exit successfully {text.strip()} exit status "
                       f"{outcome.status}")
            return False, outcome.output
        return True, outcome.output

    def internal(self, text: str):
        """Run a command of the agent's own (not logged, no modelled time)."""
        if self.shell is not None:
            shell = self.shell
            yield from self.engine.run_work(lambda: (shell.run(text), shell._read_output()),
                                            modelled=0)

    def capture_exports(self):
        """exported-variables are frozen at the end of the last shell phase."""
        if self.spec is None or not self.spec.exported_variables or self.shell is None:
            return
        names = [n for n in self.spec.exported_variables
                 if n not in self.resolved.project_secrets]
        shell = self.shell
        values = yield from self.engine.run_work(lambda: shell.values(names), modelled=0)
        self.build["exportedEnvironmentVariables"] = [
            {"name": n, "value": values.get(n) or ""} for n in names]

    # -- artifacts, reports, the end --------------------------------------------------------------

    def upload(self):
        from helpers.offline.codebuild import uploads

        self.begin("UPLOAD_ARTIFACTS")
        result = yield from self.engine.run_work(lambda: uploads.run(self), modelled=0)
        yield self.engine.env.timeout(SECONDS["UPLOAD_ARTIFACTS"])
        uploads.apply(self, result)
        self.end(result.status, result.code, result.message)
        yield from self.flush()

    def finish(self):
        self.finishing = True
        self.begin("FINALIZING")
        shell, root = self.shell, self.root

        def clean() -> None:
            if shell is not None:
                shell.kill()
            if root is not None:
                discard_dir(root)
        yield from self.engine.run_work(clean, modelled=0)
        yield self.engine.env.timeout(SECONDS["FINALIZING"])
        self.end("SUCCEEDED")
        self.begin("COMPLETED")
        build = self.build
        build["buildComplete"] = True
        build["endTime"] = self.now()
        build["buildStatus"] = self.failure or "SUCCEEDED"
        self.state_event(build["buildStatus"])
        yield from self.flush(final=True)
        self.backend.runs.pop(self.build_id, None)

    def discard(self) -> None:
        """Forget the build at a reset: kill the shell, remove the folder."""
        if self.shell is not None:
            self.shell.kill()
        if self.root is not None:
            discard_dir(self.root)
