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
             region: str, account: str) -> list[Candidate]:
    """Every instance the group targets: tagged or in its Auto Scaling groups, plus on-prem."""
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
        pages = ec2.get_paginator("describe_instances").paginate(Filters=[
            {"Name": "instance-state-name", "Values": ["running", "stopped"]}])
        for page in pages:
            for reservation in page["Reservations"]:
                for inst in reservation["Instances"]:
                    tags = tag_dict(inst.get("Tags"))
                    if inst["InstanceId"] not in asg_ids and not _ec2_selected(tags, group):
                        continue
                    found[inst["InstanceId"]] = Candidate(
                        inst["InstanceId"],
                        f"arn:aws:ec2:{region}:{account}:instance/{inst['InstanceId']}", "EC2",
                        agent_running=inst["State"]["Name"] == "running"
                        and tags.get(AGENT_TAG) != "stopped",
                        zone=inst.get("Placement", {}).get("AvailabilityZone", ""), tags=tags)
    for info in onprem:
        tags = tag_dict(info.get("tags"))
        if "deregisterTime" in info or not _onprem_selected(tags, group):
            continue
        found[info["instanceName"]] = Candidate(
            info["instanceName"], info["instanceArn"], "OnPremises",
            agent_running=tags.get(AGENT_TAG) != "stopped", tags=tags)
    return list(found.values())
