"""Instances for CodeDeploy to deploy to: emulated offline, EC2 with the agent in a sandbox.

This is one of the two helpers that may know the mode (ARCHITECTURE §4): the only difference
between the modes is *who runs the CodeDeploy agent*.

* **Offline** every running EC2 instance of the endpoint, and every registered on-premises
  instance, runs an emulated agent. The instances are the endpoint's (moto's) EC2 instances;
  the AMI, user data and instance profile are recorded but nothing boots.
* **Sandbox** the instances are real EC2 instances (default VPC, one per Availability Zone in
  turn) from the latest Amazon Linux 2023 AMI, found through the SSM public parameter
  :data:`AMI_PARAMETER`. Their user data (:func:`agent_user_data`) installs the CodeDeploy agent
  from the regional bucket ``aws-codedeploy-<region>`` and starts it; give it one or two minutes
  after launch before the first deployment. The instance profile carries
  ``AmazonEC2RoleforAWSCodeDeploy`` (read bundles from S3) and ``AmazonSSMManagedInstanceCore``
  (so :func:`stop_agent` can reach the instance with Run Command). Instances cost money while
  they run: :func:`terminate_fleet` or ``wb.cleanup()`` ends them.

Both modes make the same calls (SSM parameter, IAM, ``run_instances`` with ``Placement``), so a
learner sees the same code path; the sandbox half cannot be tested offline.

AGENT_ISSUE: :func:`stop_agent` makes an instance's agent stop answering. Offline it tags the
instance ``cdw:agent = stopped`` (the emulator's documented switch: the instance's first
lifecycle event fails after 5 virtual minutes, and a deployment whose only failures are such
instances fails with ``AGENT_ISSUE``); in a sandbox it runs ``systemctl stop codedeploy-agent``
through SSM Run Command. :func:`start_agent` undoes either. Introduced in notebook 05.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

#: The latest Amazon Linux 2023 AMI, as an SSM public parameter (answers offline too).
AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
#: The managed policy an instance needs to fetch bundles (and the agent) from S3.
INSTANCE_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforAWSCodeDeploy"
#: Lets SSM Run Command reach the instance (used by stop_agent / start_agent in a sandbox).
SSM_POLICY = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
#: The tag the offline emulator reads: ``stopped`` means the instance's agent does not answer.
AGENT_TAG = "cdw:agent"
EC2_TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
    "Action": "sts:AssumeRole"}]}
MODES = ("offline", "sandbox")


class FleetError(RuntimeError):
    """A fleet cannot be launched or changed as asked; the message says how to fix it."""


@dataclass
class Fleet:
    """What :func:`launch_fleet` made: instances (in launch order), their zones, the profile."""

    name: str
    instance_ids: list[str]
    zones: dict[str, str]
    profile_name: str
    role_name: str
    tags: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.instance_ids)

    def __iter__(self) -> Iterator[str]:
        return iter(self.instance_ids)

    def by_zone(self) -> dict[str, list[str]]:
        """Availability Zone → instance ids."""
        out: dict[str, list[str]] = {}
        for instance_id in self.instance_ids:
            out.setdefault(self.zones[instance_id], []).append(instance_id)
        return dict(sorted(out.items()))


def agent_user_data(region: str) -> str:
    """User data that installs and starts the CodeDeploy agent on Amazon Linux 2023.

    The agent's installer lives in the regional bucket ``aws-codedeploy-<region>``; it needs
    Ruby. Offline the user data is recorded and not run.
    """
    bucket = f"aws-codedeploy-{region}"
    return "\n".join([
        "#!/bin/bash",
        "set -euxo pipefail",
        "dnf install -y ruby wget",
        "cd /tmp",
        f"wget -q https://{bucket}.s3.{region}.amazonaws.com/latest/install",
        "chmod +x ./install",
        "./install auto",
        "systemctl enable --now codedeploy-agent",
        ""])


def create_instance_profile(iam: Any, name: str, tags: dict[str, str]) -> str:
    """Create role ``name`` (trusting EC2, with the CodeDeploy and SSM managed policies) and an
    instance profile of the same name holding it; return the profile's name.

    Calling it again for an existing profile reuses it.
    """
    tag_list = [{"Key": k, "Value": v} for k, v in tags.items()]
    try:
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(EC2_TRUST),
                        Description="CodeDeploy fleet instances (cdw)", Tags=tag_list)
    except iam.exceptions.EntityAlreadyExistsException:
        log.info("role %s exists; reusing it", name)
    for policy in (INSTANCE_POLICY, SSM_POLICY):
        iam.attach_role_policy(RoleName=name, PolicyArn=policy)
    try:
        iam.create_instance_profile(InstanceProfileName=name, Tags=tag_list)
        iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)
    except iam.exceptions.EntityAlreadyExistsException:
        log.info("instance profile %s exists; reusing it", name)
    return name


def spread(count: int, zones: list[str]) -> dict[str, int]:
    """How many of ``count`` instances go to each zone, round robin in the given order."""
    if count < 1:
        raise FleetError(f"count={count}: a fleet needs at least one instance.")
    if not zones:
        raise FleetError("no Availability Zones to launch into: pass azs=['us-east-1a', ...].")
    out = {zone: 0 for zone in zones}
    for i in range(count):
        out[zones[i % len(zones)]] += 1
    return {zone: n for zone, n in out.items() if n}


def _zones(ec2: Any, azs: list[str] | int | None, count: int) -> list[str]:
    available = sorted(z["ZoneName"] for z in ec2.describe_availability_zones(
        Filters=[{"Name": "state", "Values": ["available"]}])["AvailabilityZones"])
    if azs is None or isinstance(azs, int):
        wanted = min(count, 3 if azs is None else azs)
        return available[:wanted]
    unknown = [z for z in azs if z not in available]
    if unknown:
        raise FleetError(f"azs={unknown} are not Availability Zones of "
                         f"{ec2.meta.region_name}; choose among {available}.")
    return list(azs)


def launch_fleet(ec2: Any, iam: Any, name: str, count: int, tags: dict[str, str],
                 azs: list[str] | int | None = None, *, ssm: Any = None, mode: str = "offline",
                 instance_type: str = "t3.micro") -> Fleet:
    """Launch ``count`` instances tagged ``tags`` and ``Name=<name>``, spread over zones.

    Args:
        ec2: A boto3 EC2 client.
        iam: A boto3 IAM client (for the instance profile ``name``).
        name: The fleet's name: the ``Name`` tag and the role / instance profile name.
        count: How many instances.
        tags: Tags for the instances, role and profile (``wb.tags`` plus what the deployment
            group selects on, e.g. ``{"fleet": "web"}``).
        azs: Zone names, or how many zones (the first ones, sorted); default up to 3.
        ssm: A boto3 SSM client for the AMI lookup; default one made like ``ec2``'s.
        mode: ``wb.mode``. In a sandbox the call waits until the instances are running.
        instance_type: The EC2 instance type.

    Returns:
        The :class:`Fleet`.
    """
    if mode not in MODES:
        raise FleetError(f"mode={mode!r}: pass wb.mode ('offline' or 'sandbox').")
    zones = _zones(ec2, azs, count)
    ssm = ssm or sibling_client(ec2, "ssm")
    image = ssm.get_parameter(Name=AMI_PARAMETER)["Parameter"]["Value"]
    profile = create_instance_profile(iam, name, tags)
    all_tags = [{"Key": k, "Value": v} for k, v in {**tags, "Name": name}.items()]
    user_data = agent_user_data(ec2.meta.region_name)
    launched: dict[str, str] = {}
    for zone, n in spread(count, zones).items():
        for instance in _run(ec2, mode, ImageId=image, MinCount=n, MaxCount=n,
                             InstanceType=instance_type, UserData=user_data,
                             Placement={"AvailabilityZone": zone},
                             IamInstanceProfile={"Name": profile},
                             TagSpecifications=[{"ResourceType": "instance", "Tags": all_tags}]):
            launched[instance["InstanceId"]] = zone
    ids = list(launched)
    if mode == "sandbox":
        ec2.get_waiter("instance_running").wait(InstanceIds=ids)
        log.info("fleet %s running; the agent installs itself within a minute or two", name)
    log.info("fleet %s: %d instance(s) in %s", name, len(ids), ", ".join(zones))
    return Fleet(name, ids, launched, profile, name, dict(tags))


def _run(ec2: Any, mode: str, **params: Any) -> list[dict[str, Any]]:
    """run_instances; in a sandbox, retry while a fresh instance profile is not visible yet."""
    for attempt in range(6):
        try:
            return ec2.run_instances(**params)["Instances"]
        except ec2.exceptions.ClientError as exc:
            message = str(exc)
            if mode != "sandbox" or "instance profile" not in message.lower() or attempt == 5:
                raise
            # IAM is eventually consistent: a profile made seconds ago may not be usable yet.
            log.info("instance profile not visible to EC2 yet; retrying in 10 s")
            time.sleep(10)
    raise AssertionError("unreachable")


def sibling_client(client: Any, service: str) -> Any:
    """A client for ``service`` with ``client``'s endpoint, region and credentials."""
    import boto3

    creds = client._request_signer._credentials
    frozen = creds.get_frozen_credentials() if creds is not None else None
    endpoint = client.meta.endpoint_url
    default_host = f"https://{client.meta.service_model.endpoint_prefix}."
    return boto3.client(service, region_name=client.meta.region_name,
                        endpoint_url=None if endpoint.startswith(default_host) else endpoint,
                        aws_access_key_id=frozen.access_key if frozen else None,
                        aws_secret_access_key=frozen.secret_key if frozen else None,
                        aws_session_token=frozen.token if frozen else None)


def fleet_instances(ec2: Any, tags: dict[str, str]) -> list[str]:
    """Ids of the pending or running instances carrying every tag in ``tags``, sorted."""
    filters = [{"Name": f"tag:{k}", "Values": [v]} for k, v in tags.items()]
    filters.append({"Name": "instance-state-name", "Values": ["pending", "running", "stopping",
                                                               "stopped"]})
    ids = [i["InstanceId"] for page in ec2.get_paginator("describe_instances").paginate(
        Filters=filters) for r in page["Reservations"] for i in r["Instances"]]
    return sorted(ids)


def terminate_fleet(ec2: Any, iam: Any, fleet: Fleet | list[str], profile: str | None = None,
                    *, mode: str = "offline") -> list[str]:
    """Terminate the fleet's instances; delete its instance profile and role; return the ids.

    Args:
        fleet: A :class:`Fleet`, or instance ids (then ``profile`` names the profile, if any).
        mode: ``wb.mode``; in a sandbox the call waits until the instances are terminated
            (a profile still attached to a running instance cannot be deleted).
    """
    ids = fleet.instance_ids if isinstance(fleet, Fleet) else list(fleet)
    profile = fleet.profile_name if isinstance(fleet, Fleet) else profile
    if ids:
        ec2.terminate_instances(InstanceIds=ids)
        if mode == "sandbox":
            ec2.get_waiter("instance_terminated").wait(InstanceIds=ids)
    if profile:
        delete_instance_profile(iam, profile)
    return ids


def delete_instance_profile(iam: Any, name: str, delete_roles: bool = True) -> None:
    """Remove the profile's roles, delete the profile, and (``delete_roles``) those roles."""
    try:
        roles = iam.get_instance_profile(InstanceProfileName=name)["InstanceProfile"]["Roles"]
    except iam.exceptions.NoSuchEntityException:
        return
    for role in roles:
        iam.remove_role_from_instance_profile(InstanceProfileName=name,
                                              RoleName=role["RoleName"])
    iam.delete_instance_profile(InstanceProfileName=name)
    if not delete_roles:
        return
    for role in roles:
        for policy in iam.list_attached_role_policies(RoleName=role["RoleName"])[
                "AttachedPolicies"]:
            iam.detach_role_policy(RoleName=role["RoleName"], PolicyArn=policy["PolicyArn"])
        iam.delete_role(RoleName=role["RoleName"])


# -- the agent (AGENT_ISSUE) ---------------------------------------------------------------------

def stop_agent(ec2: Any, instance_ids: list[str], *, mode: str = "offline",
               ssm: Any = None) -> None:
    """Make the CodeDeploy agent on these instances stop answering (to demo AGENT_ISSUE).

    Offline: tag ``cdw:agent = stopped``, which the emulator reads when a deployment starts.
    Sandbox: ``systemctl stop codedeploy-agent`` through SSM Run Command.
    """
    _agent(ec2, instance_ids, "stop", mode, ssm)


def start_agent(ec2: Any, instance_ids: list[str], *, mode: str = "offline",
                ssm: Any = None) -> None:
    """Undo :func:`stop_agent`."""
    _agent(ec2, instance_ids, "start", mode, ssm)


def _agent(ec2: Any, ids: list[str], action: str, mode: str, ssm: Any) -> None:
    if mode not in MODES:
        raise FleetError(f"mode={mode!r}: pass wb.mode ('offline' or 'sandbox').")
    if not ids:
        return
    if mode == "offline":
        if action == "stop":
            ec2.create_tags(Resources=ids, Tags=[{"Key": AGENT_TAG, "Value": "stopped"}])
        else:
            ec2.delete_tags(Resources=ids, Tags=[{"Key": AGENT_TAG}])
        return
    ssm = ssm or sibling_client(ec2, "ssm")
    ssm.send_command(InstanceIds=ids, DocumentName="AWS-RunShellScript",
                     Parameters={"commands": [f"systemctl {action} codedeploy-agent"]},
                     Comment=f"cdw: {action} the CodeDeploy agent")
