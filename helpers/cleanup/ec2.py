"""EC2 fleets (notebooks 05, 06, 10): instances by tag, instance profiles by name prefix.

An instance is in scope when it carries the scope's tags or its ``Name`` tag starts with the
prefix; terminating ones (``shutting-down``, ``terminated``) count as gone. Instance profiles
take tags in IAM, but listing them by tag costs a call each, so they are found by name prefix
(:func:`helpers.fleet.launch_fleet` names them like the fleet). Their roles are IAM roles with
the same prefix, deleted by :mod:`helpers.cleanup.iam` afterwards.
"""

from __future__ import annotations

from typing import Any

from helpers.cleanup.base import ResourceType, Scope, tag_dict

_ALIVE = ["pending", "running", "stopping", "stopped"]


def list_instances(ec2: Any, scope: Scope) -> list[str]:
    """Instances in scope that are not terminating."""
    found = []
    for page in ec2.get_paginator("describe_instances").paginate(
            Filters=[{"Name": "instance-state-name", "Values": _ALIVE}]):
        for reservation in page["Reservations"]:
            for instance in reservation["Instances"]:
                tags = tag_dict(instance.get("Tags"))
                if scope.matches_tags(tags) or scope.matches_name(tags.get("Name", "")):
                    found.append(instance["InstanceId"])
    return sorted(found)


def terminate_instance(ec2: Any, instance_id: str) -> None:
    """Terminate one instance (it leaves the listing once it is shutting down)."""
    ec2.terminate_instances(InstanceIds=[instance_id])


def list_instance_profiles(iam: Any, scope: Scope) -> list[str]:
    """Instance profiles whose names start with the prefix."""
    return [p["InstanceProfileName"]
            for page in iam.get_paginator("list_instance_profiles").paginate()
            for p in page["InstanceProfiles"] if scope.matches_name(p["InstanceProfileName"])]


def delete_instance_profile(iam: Any, name: str) -> None:
    """Take the roles out of the profile and delete it (the roles stay for the IAM cleanup)."""
    profile = iam.get_instance_profile(InstanceProfileName=name)["InstanceProfile"]
    for role in profile["Roles"]:
        iam.remove_role_from_instance_profile(InstanceProfileName=name,
                                              RoleName=role["RoleName"])
    iam.delete_instance_profile(InstanceProfileName=name)


RESOURCE_TYPES = [
    # After deployments are stopped (10), before their groups and the IAM roles go.
    ResourceType("EC2 instance", "ec2", list_instances, terminate_instance, order=15),
    ResourceType("IAM instance profile", "iam", list_instance_profiles, delete_instance_profile,
                 order=850),
]
