"""SNS triggers of a deployment group (``triggerConfigurations``), in AWS's message format
(monitoring-sns-event-notifications-json-format)."""

from __future__ import annotations

import json
import logging
from typing import Any

log = logging.getLogger(__name__)


def _time(value: Any) -> str:
    return value.strftime("%a %b %d %H:%M:%S UTC %Y") if value else ""


def notify(workflow: Any, event: str, target: Any = None) -> None:
    """Publish ``event`` to every trigger of the group that asks for it (on the engine thread:
    the publish itself runs in the worker pool)."""
    d = workflow.deployment
    wanted = [t for t in workflow.group.get("triggerConfigurations") or []
              if event in (t.get("triggerEvents") or [])]
    if not wanted:
        return
    for trigger in wanted:
        message: dict[str, Any] = {
            "region": workflow.region, "accountId": workflow.account,
            "eventTriggerName": trigger.get("triggerName"), "applicationName": d.application,
            "deploymentId": d.deployment_id, "deploymentGroupName": d.group_name,
            "createTime": _time(d.create_time), "completeTime": _time(d.complete_time),
            "deploymentOverview": json.dumps(d.overview()),
            "status": {"Succeeded": "SUCCEEDED", "Failed": "FAILED", "Stopped": "STOPPED"}.get(
                d.status, "CREATED" if d.status == "Created" else "IN_PROGRESS")}
        if d.error:
            message["errorInformation"] = json.dumps({"ErrorCode": d.error["code"],
                                                      "ErrorMessage": d.error["message"]})
        if target is not None:
            message.update({"instanceId": target.arn, "lastUpdatedAt": _time(target.updated),
                            "instanceStatus": target.status.upper(),
                            "lifecycleEvents": json.dumps([
                                {"LifecycleEvent": e.name, "LifecycleEventStatus": e.status.upper(),
                                 "StartTime": _time(e.start), "EndTime": _time(e.end)}
                                for e in target.events])})
        subject = f"{event.upper()}: AWS CodeDeploy {d.deployment_id} in {workflow.region} " \
                  f"to {d.application}"
        workflow.engine.process(_publish(workflow, trigger["triggerTargetArn"], subject,
                                         json.dumps(message)))


def _publish(workflow: Any, topic: str, subject: str, body: str) -> Any:
    sns = workflow.endpoint.client("sns")

    def send() -> None:
        try:
            sns.publish(TopicArn=topic, Subject=subject[:100], Message=body)
        except Exception:  # noqa: BLE001 - a trigger that cannot be delivered fails nothing
            log.warning("trigger to %s could not be published", topic, exc_info=True)
    yield from workflow.engine.run_work(send, modelled=0)
