"""What the Lambda and ECS strategies share: the AppSpec, running one target's events in order
(hooks, pauses, stops), and waiting on the virtual clock while a stop can interrupt."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from helpers.offline.codedeploy import hooks
from helpers.offline.codedeploy.deployments import Target
from helpers.offline.codedeploy.revision_content import appspec_text
from helpers.offline.codedeploy.workflow import DeploymentWorkflow
from helpers.specs import appspec_compute

BLUE_GREEN = {"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"}
#: How often a waiting traffic shift looks at stop requests and alarms (virtual seconds).
STOP_CHECK = 10.0


def wait_or_stop(wf: DeploymentWorkflow, until: float) -> Generator:
    """Wait until virtual second ``until``; return False early when a stop was requested."""
    env, d = wf.engine.env, wf.deployment
    while env.now < until:
        if d.stop_requested:
            return False
        yield env.timeout(min(STOP_CHECK, until - env.now))
    return not d.stop_requested


def load_spec(wf: DeploymentWorkflow, platform: str) -> Any:
    """Read and validate the deployment's AppSpec (real work: may read S3)."""
    text, where = appspec_text(wf.endpoint, wf.deployment.revision)
    return appspec_compute.loads(text, platform, where)


def run_events(wf: DeploymentWorkflow, target: Target, steps: dict[str, Any],
               on_success: Any = None, pauses: dict[str, Any] | None = None) -> Generator:
    """Run ``target``'s events in order; ``steps[name]`` is a generator factory returning
    ``(ok, message)`` (events without a step succeed at once). ``pauses[name]()`` runs before
    that event and returns False when the deployment ended meanwhile. ``on_success()`` (a
    generator factory) runs after the last event. Finishes the deployment."""
    engine, d = wf.engine, wf.deployment

    def now() -> Any:
        # The process's own clock: at a finite scale engine.now() runs ahead of it by the wall
        # time since the last step, and event times must match the traffic schedule exactly.
        return engine.to_datetime(engine.env.now)
    target.status, target.updated = "InProgress", now()
    for event in target.events:
        if d.stop_requested:
            break
        pause = (pauses or {}).get(event.name)
        if pause is not None and not (yield from pause()):
            return
        if d.stop_requested:  # stopped during the pause
            break
        event.status, event.start = "InProgress", now()
        target.updated = now()
        step = steps.get(event.name)
        ok, message = (yield from step()) if step else (True, "")
        event.end, target.updated = now(), now()
        if ok is None:  # stopped while the step waited
            event.status = "Failed"
            event.diagnostics = {"errorCode": "UnknownError", "scriptName": "",
                                 "message": "The deployment was stopped.", "logTail": ""}
            break
        if not ok:
            event.status = "Failed"
            event.diagnostics = {"errorCode": "ScriptFailed", "scriptName": event.name,
                                 "message": message, "logTail": ""}
            _skip_rest(target)
            target.status = "Failed"
            wf.finish("Failed", "HOOK_EXECUTION_FAILURE", message)
            return
        event.status = "Succeeded"
    if d.stop_requested:
        _skip_rest(target)
        target.status = "Failed"
        wf.finish("Stopped", *(d.stop_reason or ("MANUAL_STOP",
                                                  "The deployment was stopped by a user.")))
        return
    if on_success is not None:
        yield from on_success()
    target.status = "Succeeded"
    wf.finish("Succeeded")


def _skip_rest(target: Target) -> None:
    for event in target.events:
        if event.status == "Pending":
            event.status = "Skipped"


def hook_step(wf: DeploymentWorkflow, target_id: str, event: str, function: str | None) -> Any:
    """A step running one hook function (None: nothing to run)."""
    if not function or wf.deployment.creator == "codeDeployRollback":
        return None
    return lambda: hooks.run_hook(wf, target_id, event, function)
