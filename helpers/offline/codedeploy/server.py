"""The EC2/on-premises in-place strategy: targets, the minimum-healthy-hosts window, and each
instance's lifecycle events run by the emulated agent (§A.3, §A.4.1)."""

from __future__ import annotations

import logging
from collections.abc import Generator
from pathlib import Path
from typing import Any

from helpers.offline.codedeploy import agent, scheduler, targets, traffic, triggers
from helpers.offline.codedeploy.agent import AgentError
from helpers.offline.codedeploy.deployments import LifecycleEvent, Target
from helpers.offline.codedeploy.workflow import DeploymentWorkflow, Timing, strategy
from helpers.specs import appspec

log = logging.getLogger(__name__)

IN_PLACE = ("ApplicationStop", "DownloadBundle", "BeforeInstall", "Install", "AfterInstall",
            "ApplicationStart", "ValidateService")
BLOCK = ("BeforeBlockTraffic", "BlockTraffic", "AfterBlockTraffic")
ALLOW = ("BeforeAllowTraffic", "AllowTraffic", "AfterAllowTraffic")
#: hooks that run the scripts of the last successful revision (§A.4.1)
PREVIOUS_REVISION_HOOKS = ("ApplicationStop", "BeforeBlockTraffic", "AfterBlockTraffic")


def event_names(group: dict[str, Any]) -> tuple[str, ...]:
    """The in-place events, with the traffic events when a load balancer is configured."""
    style = group.get("deploymentStyle") or {}
    if style.get("deploymentOption") == "WITH_TRAFFIC_CONTROL" and group.get("loadBalancerInfo"):
        return BLOCK + IN_PLACE + ALLOW
    return IN_PLACE


@strategy("Server")
class ServerInPlace:
    """Deploy a revision to every targeted instance, as many at once as the minimum allows."""

    def __init__(self, workflow: DeploymentWorkflow) -> None:
        self.wf = workflow
        self.engine = workflow.engine
        self.d = workflow.deployment
        self.lb = None
        self.bundle: Any = None
        self.archive: Path | None = None

    def execute(self) -> Generator:
        """Prepare, check the start conditions, then run the instance window."""
        wf, d = self.wf, self.d
        ep, group = wf.endpoint, wf.group
        onprem = [dict(i) for i in wf.backend.onprem.values()]

        def prepare() -> tuple[Any, list[targets.Candidate]]:
            problem = targets.role_problem(ep.client("iam"), group["serviceRoleArn"])
            if problem:
                return problem, []
            found = targets.discover(ep.client("ec2"), ep.client("autoscaling"), group, onprem,
                                     wf.region, wf.account)
            return None, found
        problem, found = yield from self.engine.run_work(prepare, modelled=0)
        if problem:
            wf.finish("Failed", *problem)
            return
        config = wf.backend.get_config(d.config_name)
        required = scheduler.required_healthy(len(found), config["minimumHealthyHosts"])
        error = scheduler.start_error(len(found), required)
        if error == scheduler.NO_INSTANCES:
            wf.finish("Failed", error, "The deployment group matches no instances: check its tag "
                                       "filters, tag sets and Auto Scaling groups.")
            return
        ordered = self._order(found)
        names = event_names(group)
        for cand in ordered:
            d.targets[cand.target_id] = Target(cand.target_id, cand.arn, cand.kind,
                                               [LifecycleEvent(n) for n in names],
                                               updated=self.engine.now(),
                                               agent_running=cand.agent_running)
        if error:
            wf.finish("Failed", error, f"The deployment can't start because the minimum number "
                                       f"of healthy instances ({required} of {len(found)}) "
                                       "would not be available.")
            return
        if "BlockTraffic" in names:
            self.lb = traffic.LoadBalancer(ep, group.get("loadBalancerInfo") or {})
        yield from self._window(ordered, required)

    def _order(self, found: list[targets.Candidate]) -> list[targets.Candidate]:
        hosts = self.wf.backend.hosts
        items = []
        for cand in sorted(found, key=lambda c: c.target_id):
            last = hosts.get(cand.target_id, {}).get(self.d.group_id)
            healthy = bool(last and last.get("healthy"))
            revision = "Unknown" if not last else (
                "Current" if last.get("revision") == self.d.revision else "Old")
            items.append({"cand": cand, "healthy": healthy, "revision": revision})
        return [i["cand"] for i in scheduler.order_targets(items)]

    def _window(self, ordered: list[targets.Candidate], required: int) -> Generator:
        """A sliding window: start instances while the minimum allows; stop when it cannot."""
        env, total = self.engine.env, len(ordered)
        pending = [c.target_id for c in ordered]
        running: dict[str, Any] = {}
        failed = succeeded = 0
        agent_failures = 0
        while pending or running:
            if self.d.stop_requested:
                pending = []
            elif not scheduler.blocked(total, required, failed, len(pending)):
                for _ in range(scheduler.launchable(total, required, failed, len(running),
                                                    len(pending))):
                    target_id = pending.pop(0)
                    running[target_id] = env.process(self._instance(self.d.targets[target_id]))
            else:
                pending = []
            if not running:
                break
            yield env.any_of(list(running.values()))
            for target_id, proc in list(running.items()):
                if proc.triggered:
                    running.pop(target_id)
                    ok, agent_issue = proc.value
                    succeeded += ok
                    failed += not ok
                    agent_failures += agent_issue
        if self.d.stop_requested:
            self.wf.finish("Stopped", "MANUAL_STOP", "The deployment was stopped by a user.")
        elif succeeded + failed == total and scheduler.verdict(required, succeeded):
            self.wf.finish("Succeeded")
        elif failed and agent_failures == failed:
            self.wf.finish("Failed", "AGENT_ISSUE", "The deployment failed because the "
                                                    "CodeDeploy agent is not running on "
                                                    f"{failed} instance(s).")
        else:
            self.wf.finish("Failed", scheduler.HEALTH_CONSTRAINTS,
                           f"The overall deployment failed because too many individual "
                           f"instances failed deployment ({failed} failed, {succeeded} "
                           f"succeeded, at least {max(1, required)} had to succeed).")

    # -- one instance ----------------------------------------------------------------------------

    def _instance(self, target: Target) -> Generator:
        """One instance's lifecycle; returns ``(succeeded, failed_for_agent)``."""
        env, now = self.engine.env, self.engine.now
        target.status, target.updated = "InProgress", now()
        self.wf.publish_instance(target.target_id, target.arn, "START")
        triggers.notify(self.wf, "InstanceStart", target)
        if not target.agent_running:
            first = target.events[0]
            first.status, first.start = "InProgress", now()
            yield env.timeout(Timing.AGENT_TIMEOUT)
            self._fail(target, first, {"errorCode": "UnknownError", "scriptName": "",
                                       "message": "The CodeDeploy agent did not start the "
                                                  "lifecycle event within 5 minutes: is the agent "
                                                  "running on the instance?", "logTail": ""})
            return False, True
        yield env.timeout(Timing.AGENT_POLL)
        ctx: dict[str, Any] = {"host": self._host(target)}
        for event in target.events:
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
        host.setdefault("dir", self.wf.backend.host_dir(target.target_id))
        return host

    def _event(self, target: Target, name: str, ctx: dict[str, Any]) -> Generator:
        """Carry out one event; return its log text; raise AgentError on failure."""
        run_work, d = self.engine.run_work, self.d
        host: dict[str, Any] = ctx["host"]
        root = Path(host["dir"]) / "root"
        if name == "DownloadBundle":
            ctx["spec"], ctx["archive"] = yield from self._bundle()
            return ""
        if name == "Install":
            previous = (host.get(d.group_id) or {}).get("cleanup") or []
            spec, archive = ctx["spec"], ctx["archive"]
            if not spec.files and not previous:
                yield self.engine.env.timeout(Timing.INSTALL)
                ctx["cleanup"] = []
                return ""
            root.mkdir(parents=True, exist_ok=True)
            ctx["cleanup"] = yield from run_work(
                lambda: agent.install(spec, archive, root, previous, d.file_exists_behavior),
                modelled=Timing.INSTALL)
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
