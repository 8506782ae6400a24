"""Which instances a deployment group targets, and whether CodeDeploy may assume its role.

Runs in the worker pool: it reads EC2, Auto Scaling and IAM through the endpoint's own clients,
as CodeDeploy reads them through its service role.

An instance runs an emulated agent unless it carries the tag ``cdw:agent = stopped`` (the
documented way to demo AGENT_ISSUE offline) or is stopped.
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from helpers.offline.codedeploy.common import matches_any, matches_tag_set, tag_dict

AGENT_TAG = "cdw:agent"


@dataclass
class Candidate:
    """One instance the group targets."""

    target_id: str
    arn: str
    kind: str  # "EC2" | "OnPremises"
    agent_running: bool = True
    zone: str = ""
    tags: dict[str, str] = field(default_factory=dict)


def role_problem(iam: Any, role_arn: str) -> tuple[str, str] | None:
    """``(error code, message)`` when CodeDeploy cannot use the service role, else None."""
    name = role_arn.rsplit("/", 1)[-1]
    try:
        role = iam.get_role(RoleName=name)["Role"]
    except iam.exceptions.NoSuchEntityException:
        return ("IAM_ROLE_MISSING", f"The service role {role_arn} does not exist; create it "
                                    "with a trust policy for codedeploy.amazonaws.com.")
    doc = role.get("AssumeRolePolicyDocument") or {}
    if isinstance(doc, str):
        doc = json.loads(urllib.parse.unquote(doc))
    for statement in _list(doc.get("Statement")):
        services = _list((statement.get("Principal") or {}).get("Service"))
        actions = _list(statement.get("Action"))
        if statement.get("Effect") == "Allow" and \
                any(s.startswith("codedeploy.") for s in services) and \
                any(a in ("sts:AssumeRole", "sts:*", "*") for a in actions):
            return None
    return ("IAM_ROLE_PERMISSIONS", f"CodeDeploy does not have the permissions required to "
                                    f"assume the role {role_arn}: its trust policy must allow "
                                    "codedeploy.amazonaws.com to sts:AssumeRole.")


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _ec2_selected(tags: dict[str, str], group: dict[str, Any]) -> bool:
    sets = (group.get("ec2TagSet") or {}).get("ec2TagSetList") or []
    if sets:
        return matches_tag_set(tags, sets)
    return matches_any(tags, group.get("ec2TagFilters") or [])


def _onprem_selected(tags: dict[str, str], group: dict[str, Any]) -> bool:
    sets = (group.get("onPremisesTagSet") or {}).get("onPremisesTagSetList") or []
    if sets:
        return matches_tag_set(tags, sets)
    return matches_any(tags, group.get("onPremisesInstanceTagFilters") or [])


def discover(ec2: Any, autoscaling: Any, group: dict[str, Any], onprem: list[dict[str, Any]],
             region: str, account: str, zones: bool = False) -> list[Candidate]:
    """Every instance the group targets: tagged or in its Auto Scaling groups, plus on-prem.

    Reads tags with ``describe_tags`` and only the instances that are *not* running with
    ``describe_instance_status`` (both cheap for large fleets, unlike ``describe_instances``);
    Availability Zones are read only when ``zones`` (zonal configurations need them).
    """
    found: dict[str, Candidate] = {}
    asg_names = [a["name"] for a in group.get("autoScalingGroups") or []]
    asg_ids: set[str] = set()
    if asg_names:
        for asg in autoscaling.describe_auto_scaling_groups(
                AutoScalingGroupNames=asg_names)["AutoScalingGroups"]:
            asg_ids.update(i["InstanceId"] for i in asg.get("Instances", []))
    wants_ec2 = bool(asg_ids or group.get("ec2TagFilters")
                     or (group.get("ec2TagSet") or {}).get("ec2TagSetList"))
    if wants_ec2:
        tags: dict[str, dict[str, str]] = {i: {} for i in asg_ids}
        for page in ec2.get_paginator("describe_tags").paginate(
                Filters=[{"Name": "resource-type", "Values": ["instance"]}]):
            for tag in page["Tags"]:
                tags.setdefault(tag["ResourceId"], {})[tag["Key"]] = tag.get("Value", "")
        selected = [i for i, t in sorted(tags.items()) if i in asg_ids or _ec2_selected(t, group)]
        state = _not_running(ec2, selected)
        zone = _zones(ec2, selected) if zones else {}
        for instance_id in selected:
            if state.get(instance_id, "running") not in ("running", "stopped"):
                continue
            found[instance_id] = Candidate(
                instance_id, f"arn:aws:ec2:{region}:{account}:instance/{instance_id}", "EC2",
                agent_running=state.get(instance_id, "running") == "running"
                and tags[instance_id].get(AGENT_TAG) != "stopped",
                zone=zone.get(instance_id, ""), tags=tags[instance_id])
    for info in onprem:
        tags_ = tag_dict(info.get("tags"))
        if "deregisterTime" in info or not _onprem_selected(tags_, group):
            continue
        found[info["instanceName"]] = Candidate(
            info["instanceName"], info["instanceArn"], "OnPremises",
            agent_running=tags_.get(AGENT_TAG) != "stopped", tags=tags_)
    return list(found.values())


def _not_running(ec2: Any, ids: list[str]) -> dict[str, str]:
    """instance id → state, for the instances among ``ids`` that are not running."""
    if not ids:
        return {}
    wanted = set(ids)
    out = {}
    for page in ec2.get_paginator("describe_instance_status").paginate(
            IncludeAllInstances=True, Filters=[{"Name": "instance-state-name", "Values": [
                "pending", "stopping", "stopped", "shutting-down", "terminated"]}]):
        for status in page["InstanceStatuses"]:
            if status["InstanceId"] in wanted:
                out[status["InstanceId"]] = status["InstanceState"]["Name"]
    return out


def _zones(ec2: Any, ids: list[str]) -> dict[str, str]:
    out = {}
    for start in range(0, len(ids), 100):
        for status in ec2.describe_instance_status(InstanceIds=ids[start:start + 100],
                                                   IncludeAllInstances=True)["InstanceStatuses"]:
            out[status["InstanceId"]] = status.get("AvailabilityZone", "")
    return out
