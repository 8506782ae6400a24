"""Lambda/ECS hook functions: CodeDeploy invokes one, the function reports back (§A.4.5).

:func:`run_hook` is one lifecycle hook inside a deployment's process: it invokes the hook
function's real handler through the offline Lambda runtime with ``{"DeploymentId",
"LifecycleEventHookExecutionId"}``, then waits for ``PutLifecycleEventHookExecutionStatus``.
The wait is a *held* wait (a caller has to act): under time scale ``max`` it lasts until someone
reports or the clock is advanced; at a finite scale its one-hour limit fails the hook.

Decision (documented in docs/offline-differences.md): a handler that *raises* without reporting
fails the hook at once with the handler's error, instead of AWS's silent one-hour wait, so a
learner sees the cause; a handler that returns without reporting gets the held wait.
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from helpers.offline.codedeploy.common import write
from helpers.offline.codedeploy.deployments import FINAL
from helpers.offline.codedeploy.models import new_id
from helpers.offline.engine import Hold, HoldExpired
from helpers.offline.services import Request, ServiceError

log = logging.getLogger(__name__)

#: A hook function must report within one hour (§A.4.5).
HOOK_TIMEOUT = 3600.0
#: Virtual seconds one hook invocation takes under time scale ``max``.
HOOK_INVOKE = 2.0


@dataclass
class HookExecution:
    """One invocation of a hook function, waiting for its report."""

    execution_id: str
    event: str
    function: str
    hold: Hold
    status: str = "Pending"  # Pending | Succeeded | Failed


def _fault(wf: Any, hook: str, target_id: str) -> bool:
    """A ``hook-failure`` fault for this hook on this target (``instance_id`` or ``target_id``
    naming the Lambda ``function:alias`` / ECS ``cluster:service``; either may be omitted)."""
    for fault in wf.endpoint.faults.matching("hook-failure", hook=hook, instance_id=target_id,
                                             target_id=target_id):
        if fault.anchor == "deployment" and fault.anchored_to != wf.deployment.deployment_id:
            continue
        return True
    return False


def run_hook(wf: Any, target_id: str, event: str, function: str) -> Generator:
    """A process step: run one hook; return ``(succeeded, message)``."""
    from helpers.offline import lambda_runtime

    engine, d = wf.engine, wf.deployment
    record = HookExecution(new_id(engine), event, function,
                           engine.hold(f"{d.deployment_id} {event} hook {function}",
                                       timeout=HOOK_TIMEOUT))
    d.waits.setdefault("hooks", {})[record.execution_id] = record

    def fail(message: str) -> tuple[bool, str]:
        record.status = "Failed"
        engine.release(record.hold, "Failed")
        return False, message
    if _fault(wf, event, target_id):
        yield engine.env.timeout(HOOK_INVOKE)
        return fail(f"The {event} hook {function} reported Failed (a hook-failure fault).")
    payload = {"DeploymentId": d.deployment_id,
               "LifecycleEventHookExecutionId": record.execution_id}
    try:
        result = yield from engine.run_work(
            lambda: lambda_runtime.invoke(wf.endpoint, function, payload,
                                          account_id=wf.account, region=wf.region),
            modelled=HOOK_INVOKE)
    except lambda_runtime.FunctionNotFound as err:
        return fail(f"The {event} hook function {function} could not be invoked: {err}")
    if result.function_error and record.status == "Pending":
        error = result.payload if isinstance(result.payload, dict) else {}
        return fail(f"The {event} hook function {function} failed before reporting: "
                    f"{error.get('errorType', 'Error')}: {error.get('errorMessage', '')}".strip())
    try:
        status = yield record.hold.event
    except HoldExpired:
        record.status = "Failed"
        return False, (f"The {event} hook function {function} did not call "
                       "PutLifecycleEventHookExecutionStatus within one hour.")
    if status == "Succeeded":
        return True, f"The {event} hook {function} reported Succeeded."
    if status == "Stopped":
        return None, "The deployment was stopped while the hook waited for its report."
    return False, f"The {event} hook {function} reported Failed."


def pending(deployment: Any) -> HookExecution | None:
    """A hook of the deployment still waiting for its report, if any."""
    for record in (deployment.waits.get("hooks") or {}).values():
        if record.status == "Pending":
            return record
    return None


def stop_waiting(engine: Any, deployment: Any) -> None:
    """A stop (by request or alarm) ends the hooks still waiting for a report, and an ECS
    deployment's Ready wait (engine thread)."""
    for record in (deployment.waits.get("hooks") or {}).values():
        if record.status == "Pending":
            record.status = "Stopped"
            engine.release(record.hold, "Stopped")
    if deployment.compute_platform == "ECS" and deployment.waits.get("ready") is not None:
        engine.release(deployment.waits["ready"], "Stopped")


class HooksApi:
    """PutLifecycleEventHookExecutionStatus."""

    @write
    def put_lifecycle_event_hook_execution_status(self, request: Request) -> dict[str, Any]:
        """A hook function reports its validation result."""
        params = request.params
        deployment = self.deployment(request)
        if deployment.compute_platform == "Server":
            raise ServiceError("UnsupportedActionForDeploymentTypeException",
                               "PutLifecycleEventHookExecutionStatus applies to Lambda and ECS "
                               "deployments; EC2/on-premises hooks are scripts.")
        execution_id = params.get("lifecycleEventHookExecutionId")
        record = (deployment.waits.get("hooks") or {}).get(execution_id)
        if record is None:
            raise ServiceError("InvalidLifecycleEventHookExecutionIdException",
                               f"{execution_id!r} is not a lifecycle event hook execution of "
                               f"{deployment.deployment_id}; use the "
                               "LifecycleEventHookExecutionId from the hook's event.")
        status = params.get("status")
        if status not in ("Succeeded", "Failed"):
            raise ServiceError("InvalidLifecycleEventHookExecutionStatusException",
                               f"status must be Succeeded or Failed, got {status!r}.")
        if record.status != "Pending" or deployment.status in FINAL:
            raise ServiceError("LifecycleEventAlreadyCompletedException",
                               f"The {record.event} hook of {deployment.deployment_id} has "
                               "already completed.")
        record.status = status
        self.engine.release(record.hold, status)
        log.info("deployment %s: %s hook reported %s", deployment.deployment_id, record.event,
                 status)
        return {"lifecycleEventHookExecutionId": execution_id}
