"""One instance's lifecycle events, carried out by its emulated agent (§A.4.1, §A.4.2).

Shared by every EC2/on-premises strategy: in-place, and both fleets of blue/green. The events a
target runs are listed on the target itself; this module knows what each event does.
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from pathlib import Path
from typing import Any

from helpers.offline.codedeploy import agent, triggers
from helpers.offline.codedeploy.agent import AgentError
from helpers.offline.codedeploy.deployments import LifecycleEvent, Target
from helpers.offline.codedeploy.workflow import DeploymentWorkflow, Timing
from helpers.specs import appspec

log = logging.getLogger(__name__)

IN_PLACE = ("ApplicationStop", "DownloadBundle", "BeforeInstall", "Install", "AfterInstall",
            "ApplicationStart", "ValidateService")
BLOCK = ("BeforeBlockTraffic", "BlockTraffic", "AfterBlockTraffic")
ALLOW = ("BeforeAllowTraffic", "AllowTraffic", "AfterAllowTraffic")
#: hooks that run the scripts of the last successful revision (§A.4.1)
PREVIOUS_REVISION_HOOKS = ("ApplicationStop", "BeforeBlockTraffic", "AfterBlockTraffic")


class InstanceLifecycle:
    """Runs the lifecycle events of the targets of one deployment."""

    def __init__(self, workflow: DeploymentWorkflow, lb: Any = None) -> None:
        self.wf = workflow
        self.engine = workflow.engine
        self.d = workflow.deployment
        self.lb = lb
        self.bundle: Any = None
        self.archive: Path | None = None
        #: per target: its host record and what DownloadBundle/Install produced
        self.ctx: dict[str, dict[str, Any]] = {}

    def run(self, target: Target, names: tuple[str, ...] | None = None,
            final: bool = True) -> Generator:
        """Run the target's events (only those in ``names`` when given); returns
        ``(succeeded, failed_for_agent)``. With ``final=False`` a successful target is left
        ``Ready`` (a blue/green replacement waiting for traffic) and resumes on the next call."""
        env, now = self.engine.env, self.engine.now
        resuming = target.status == "Ready"
        target.status, target.updated = "InProgress", now()
        selected = [e for e in target.events if names is None or e.name in names]
        if not resuming:
            self.wf.publish_instance(target.target_id, target.arn, "START")
            triggers.notify(self.wf, "InstanceStart", target)
            if not target.agent_running:
                first = selected[0]
                first.status, first.start = "InProgress", now()
                yield env.timeout(Timing.AGENT_TIMEOUT)
                self._fail(target, first, {"errorCode": "UnknownError", "scriptName": "",
                                           "message": "The CodeDeploy agent did not start the "
                                                      "lifecycle event within 5 minutes: is the "
                                                      "agent running on the instance?",
                                           "logTail": ""})
                return False, True
            yield env.timeout(Timing.AGENT_POLL)
        ctx = self.ctx.setdefault(target.target_id, {"host": self._host(target)})
        for event in selected:
            if self.d.stop_requested:
                self._fail(target, None, None)
                return False, False
            event.status, event.start = "InProgress", now()
            target.updated = now()
            try:
                log_text = yield from self._event(target, event.name, ctx)
            except AgentError as err:
                if event.name in PREVIOUS_REVISION_HOOKS and self.d.ignore_stop_failures:
                    diag = dict(err.diagnostics)
                    diag["message"] = "Ignored (ignoreApplicationStopFailures): " + diag["message"]
                    event.status, event.end, event.diagnostics = "Succeeded", now(), diag
                    continue
                self._fail(target, event, err.diagnostics)
                return False, False
            except Exception as err:  # noqa: BLE001 - an emulator fault fails this instance only
                log.exception("%s: %s on %s failed", self.d.deployment_id, event.name,
                              target.target_id)
                self._fail(target, event, {"errorCode": "UnknownError", "scriptName": "",
                                           "message": f"{event.name} failed: {err}",
                                           "logTail": ""})
                return False, False
            event.status, event.end = "Succeeded", now()
            event.diagnostics = {"errorCode": "Success", "scriptName": "",
                                 "message": "Succeeded", "logTail": log_text[-agent.LOG_TAIL:]}
        if not final:
            target.status, target.updated = "Ready", now()
            self.wf.publish_instance(target.target_id, target.arn, "READY")
            triggers.notify(self.wf, "InstanceReady", target)
            return True, False
        target.status, target.updated = "Succeeded", now()
        ctx["host"][self.d.group_id] = {"healthy": True, "revision": self.d.revision,
                                        "archive": ctx.get("archive"), "spec": ctx.get("spec"),
                                        "cleanup": ctx.get("cleanup", [])}
        self.wf.publish_instance(target.target_id, target.arn, "SUCCESS")
        triggers.notify(self.wf, "InstanceSuccess", target)
        return True, False

    def _fail(self, target: Target, event: LifecycleEvent | None,
              diagnostics: dict[str, Any] | None) -> None:
        now = self.engine.now()
        if event is not None:
            event.status, event.end, event.diagnostics = "Failed", now, diagnostics
        for other in target.events:
            if other.status == "Pending":
                other.status = "Skipped"
        target.status, target.updated = "Failed", now
        last = self.wf.backend.hosts.setdefault(target.target_id, {}).get(self.d.group_id)
        if last is not None:
            last["healthy"] = False
        self.wf.publish_instance(target.target_id, target.arn, "FAILURE")
        triggers.notify(self.wf, "InstanceFailure", target)

    def _host(self, target: Target) -> dict[str, Any]:
        host = self.wf.backend.hosts.setdefault(target.target_id, {})
        if "dir" not in host:  # created when something is written into it
            host["dir"] = self.wf.backend.host_dir(target.target_id, create=False)
        return host

    def _event(self, target: Target, name: str, ctx: dict[str, Any]) -> Generator:
        """Carry out one event; return its log text; raise AgentError on failure."""
        run_work, d = self.engine.run_work, self.d
        host: dict[str, Any] = ctx["host"]
        if name == "DownloadBundle":
            ctx["spec"], ctx["archive"] = yield from self._bundle()
            return ""
        if name == "Install":
            previous = (host.get(d.group_id) or {}).get("cleanup") or []
            spec, archive = ctx["spec"], ctx["archive"]
            if not spec.files and not previous:
                yield self.engine.env.timeout(Timing.INSTALL)
                ctx["cleanup"] = []
            else:
                root = Path(host["dir"]) / "root"
                root.mkdir(parents=True, exist_ok=True)
                ctx["cleanup"] = yield from run_work(
                    lambda: agent.install(spec, archive, root, previous, d.file_exists_behavior),
                    modelled=Timing.INSTALL)
            # Like the agent (it writes <group id>-cleanup and <group id>_last_successful_install
            # right after Install), this revision is now the instance's last installed one: the
            # next Install removes its files, and the next ApplicationStop / BlockTraffic hooks
            # run its scripts, even if a later event of this deployment fails.
            host[d.group_id] = {"healthy": True, "revision": d.revision, "archive": archive,
                                "spec": spec, "cleanup": ctx["cleanup"]}
            return ""
        if name in ("BlockTraffic", "AllowTraffic"):
            yield from self.lb.step(self.engine, name, target)
            return ""
        if name in PREVIOUS_REVISION_HOOKS:
            last = host.get(d.group_id) or {}
            spec, archive = last.get("spec"), last.get("archive")
        else:
            spec, archive = ctx.get("spec"), ctx.get("archive")
        scripts = (spec.hooks.get(name) or []) if spec else []
        if not scripts:
            yield self.engine.env.timeout(Timing.EVENT)
            return ""
        root = Path(host["dir"]) / "root"
        root.mkdir(parents=True, exist_ok=True)
        return (yield from self._scripts(target, name, scripts, archive, root))

    def _bundle(self) -> Generator:
        """Download, unpack and validate the revision once per deployment; every instance's
        DownloadBundle then takes its modelled time and shares the unpacked, read-only archive
        (``deployment-root/<group id>/<deployment id>/deployment-archive``)."""
        if self.bundle is None:
            d = self.d
            archive = (self.wf.backend.host_dir("_bundles") / d.group_id / d.deployment_id
                       / "deployment-archive")
            s3 = self.wf.endpoint.client("s3")
            self.bundle = self.engine.env.process(self.engine.run_work(
                lambda: agent.download_bundle(s3, d.revision, archive), modelled=0))
            self.archive = archive
        started = self.engine.env.now
        spec = yield self.bundle
        yield self.engine.env.timeout(max(0.0, Timing.DOWNLOAD_BUNDLE -
                                          (self.engine.env.now - started)))
        return spec, self.archive

    def _scripts(self, target: Target, name: str, scripts: list[Any], archive: Path,
                 root: Path) -> Generator:
        d, ep = self.d, self.wf.endpoint
        extra = {"LIFECYCLE_EVENT": name, "DEPLOYMENT_ID": d.deployment_id,
                 "APPLICATION_NAME": d.application, "DEPLOYMENT_GROUP_NAME": d.group_name,
                 "DEPLOYMENT_GROUP_ID": d.group_id, "CDW_INSTANCE_ID": target.target_id,
                 "CDW_INSTANCE_ROOT": str(root)}
        s3 = d.revision.get("s3Location") or {}
        if d.revision.get("revisionType") == "S3":
            extra.update({"BUNDLE_BUCKET": s3.get("bucket", ""), "BUNDLE_KEY": s3.get("key", ""),
                          "BUNDLE_ETAG": (s3.get("eTag") or "").strip('"')})
            if s3.get("version"):
                extra["BUNDLE_VERSION"] = s3["version"]
        text = ""
        label = f"codedeploy-{d.deployment_id}-{target.target_id}"
        budget = float(appspec.MAX_EVENT_SECONDS)  # for all the event's scripts together
        for script in scripts:
            if budget <= 0:
                raise AgentError("ScriptTimedOut", f"Lifecycle event {name} used its "
                                                   f"{appspec.MAX_EVENT_SECONDS} s before "
                                                   f"{script.location} could run",
                                 script.location, text)
            script = appspec.Script(script.location, int(min(script.timeout, budget)),
                                          script.runas)
            if self._fault(name, target.target_id):
                raise AgentError("ScriptFailed", f"Script at specified location: "
                                                 f"{script.location} failed with exit code 1 "
                                                 "(a hook-failure fault)", script.location, text)
            try:
                result = yield from self.engine.run_work(
                    lambda s=script: agent.run_script(s, archive,
                                                      ep.job_env(label, extra)),
                    modelled=Timing.SCRIPT)
            except AgentError as err:
                if err.diagnostics["errorCode"] == "ScriptTimedOut":
                    yield self.engine.env.timeout(max(0.0, script.timeout - Timing.SCRIPT))
                err.diagnostics["logTail"] = (text + err.diagnostics["logTail"])[-agent.LOG_TAIL:]
                raise
            log.debug("%s %s %s took %.2fs", d.deployment_id, target.target_id, name,
                      result.duration)
            budget -= max(result.duration, Timing.SCRIPT)
            text += result.log
        return text

    def _fault(self, hook: str, instance_id: str) -> bool:
        for fault in self.wf.endpoint.faults.matching("hook-failure", hook=hook,
                                                      instance_id=instance_id):
            if fault.anchor == "deployment" and fault.anchored_to != self.d.deployment_id:
                continue
            return True
        return False
