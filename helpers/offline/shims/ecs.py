"""ECS: ``awsvpcConfiguration`` without ``securityGroups``, and containers without ``memory``.

AWS uses the VPC's default security group when ``securityGroups`` is left out; moto indexes the key
and crashes (KeyError → HTTP 500) in ``create_service`` (``Service._validate_network``) and in
``run_task`` (``Task.__init__``, where it makes the task's network interface) — and so in
``create_task_set`` with a ``scale``, which runs tasks. ``create_task_set`` without ``scale`` does
not crash. Here the default security group of the first subnet's VPC is filled in where moto needs
one; what the caller sent is stored and echoed unchanged (AWS leaves the list out too, as far as
we know — unverified).

moto also adds up container-level ``memory`` to place tasks and crashes (TypeError → 500) when a
container has neither ``memory`` nor ``memoryReservation`` — valid on Fargate and with task-level
memory. Such a container counts as 0 MiB here, and a task whose containers name no memory counts
the task-level memory.

Last, ``run_task`` in awsvpc mode reads ``private_dns_name`` of the task's new network interface,
which moto sets only in VPCs with DNS hostnames enabled (the default VPC, not a new one), so every
awsvpc task in a new VPC crashed (AttributeError → 500). Interfaces now default it to None (the
task's ``privateDnsName`` detail is then null; AWS gives a name).
"""

from __future__ import annotations

import copy
import functools
import logging
from typing import Any

from moto.ec2.exceptions import InvalidSubnetIdError
from moto.ec2.models import ec2_backends
from moto.ec2.models.elastic_network_interfaces import NetworkInterface
from moto.ecs.models import EC2ContainerServiceBackend, Service, Task

log = logging.getLogger(__name__)

_MARK = "_cdw_shim"


def with_default_security_group(network: dict[str, Any] | None, account_id: str,
                                region: str) -> dict[str, Any] | None:
    """A copy of ``network`` with the VPC's default security group when none is given.

    Args:
        network: The ``networkConfiguration`` the caller sent (or None).
        account_id: The caller's account.
        region: The caller's region.
    """
    vpc = (network or {}).get("awsvpcConfiguration")
    if not isinstance(vpc, dict) or vpc.get("securityGroups"):
        return network
    filled = copy.deepcopy(network)
    groups: list[str] = []
    subnets = vpc.get("subnets") or []
    if subnets:
        ec2 = ec2_backends[account_id][region]
        try:
            subnet = ec2.get_subnet(subnets[0])
        except InvalidSubnetIdError:
            subnet = None  # moto's own check reports the bad subnet
        group = ec2.get_default_security_group(subnet.vpc_id) if subnet is not None else None
        if group is not None:
            groups = [group.id]
    filled["awsvpcConfiguration"]["securityGroups"] = groups
    return filled


def _validate_network(original: Any) -> Any:
    @functools.wraps(original)
    def validate_network(self: Service, nc: dict[str, Any]) -> dict[str, Any]:
        original(self, with_default_security_group(nc, self._account_id, self.region_name))
        return nc

    return validate_network


def _task_init(original: Any) -> Any:
    @functools.wraps(original)
    def init(self: Task, *args: Any, **kwargs: Any) -> None:
        given = kwargs.get("networking_configuration")
        backend = kwargs.get("backend")
        cluster = kwargs.get("cluster", args[0] if args else None)
        if given and backend is not None and cluster is not None:
            kwargs["networking_configuration"] = with_default_security_group(
                given, backend.account_id, cluster.region_name)
        original(self, *args, **kwargs)
        if given and getattr(self, "network_configuration", None) is not None:
            self.network_configuration = given

    return init


class _Containers:
    """A task definition seen with every container's memory defaulted, for moto's placement."""

    def __init__(self, task_definition: Any) -> None:
        memory_keys = ("memory", "memoryReservation", "Memory", "MemoryReservation")
        defs = task_definition.container_definitions
        named = any(any(d.get(k) is not None for k in memory_keys) for d in defs)
        fallback = 0 if named else int(getattr(task_definition, "memory", None) or 0)
        self.container_definitions = [
            d if any(d.get(k) is not None for k in memory_keys)
            else {**d, "memory": fallback if i == 0 else 0}
            for i, d in enumerate(defs)]


def _resource_requirements(original: Any) -> Any:
    @functools.wraps(original)
    def calculate(task_definition: Any) -> dict[str, Any]:
        return original(_Containers(task_definition))

    return staticmethod(calculate)


def install() -> None:
    """Default the security group and container memory where moto crashes (idempotent)."""
    if getattr(EC2ContainerServiceBackend, _MARK, False):
        return
    Service._validate_network = _validate_network(Service._validate_network)
    Task.__init__ = _task_init(Task.__init__)
    name = "_calculate_task_resource_requirements"
    setattr(EC2ContainerServiceBackend, name,
            _resource_requirements(getattr(EC2ContainerServiceBackend, name)))
    if "private_dns_name" not in vars(NetworkInterface):
        NetworkInterface.private_dns_name = None
    setattr(EC2ContainerServiceBackend, _MARK, True)
    log.debug("ecs shim installed")
