"""Deployment configurations: the predefined ones and the validation of custom ones.

Reference: aws-semantics.md §A.2. Everything here is pure (no state, no clock); the backend in
``models.py`` keeps the custom configurations and calls :func:`validate_custom`.
"""

from __future__ import annotations

import math
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from helpers.offline.services import ServiceError

#: AWS's limits (§A.2.4).
MAX_NAME_LENGTH = 100
MAX_CUSTOM_CONFIGS = 200
MAX_ROUTING_MINUTES = 2880
PREDEFINED_PREFIX = "CodeDeployDefault."
_NAME = re.compile(r"[A-Za-z0-9+=,.@_-]+")
COMPUTE_PLATFORMS = ("Server", "Lambda", "ECS")

#: Predefined configurations report this creation time. AWS does not document one; we use the
#: day CodeDeploy was announced, so it is fixed and older than anything a learner creates.
PREDEFINED_CREATE_TIME = datetime(2014, 11, 12, tzinfo=UTC)
_ID_NAMESPACE = uuid.UUID("6f1c2c52-6d0e-4c8e-9d36-2f0b6e6a0c3d")


def _canary(percent: int, minutes: int) -> dict[str, Any]:
    return {"type": "TimeBasedCanary",
            "timeBasedCanary": {"canaryPercentage": percent, "canaryInterval": minutes}}


def _linear(percent: int, minutes: int) -> dict[str, Any]:
    return {"type": "TimeBasedLinear",
            "timeBasedLinear": {"linearPercentage": percent, "linearInterval": minutes}}


_ALL_AT_ONCE = {"type": "AllAtOnce"}

#: name -> (computePlatform, minimumHealthyHosts or None, trafficRoutingConfig or None)
_PREDEFINED: dict[str, tuple[str, dict[str, Any] | None, dict[str, Any] | None]] = {
    "CodeDeployDefault.OneAtATime": ("Server", {"type": "MOST_CONCURRENCY", "value": 1}, None),
    "CodeDeployDefault.HalfAtATime": ("Server", {"type": "FLEET_PERCENT", "value": 50}, None),
    "CodeDeployDefault.AllAtOnce": ("Server", {"type": "FLEET_PERCENT", "value": 0}, None),
    "CodeDeployDefault.LambdaCanary10Percent5Minutes": ("Lambda", None, _canary(10, 5)),
    "CodeDeployDefault.LambdaCanary10Percent10Minutes": ("Lambda", None, _canary(10, 10)),
    "CodeDeployDefault.LambdaCanary10Percent15Minutes": ("Lambda", None, _canary(10, 15)),
    "CodeDeployDefault.LambdaCanary10Percent30Minutes": ("Lambda", None, _canary(10, 30)),
    "CodeDeployDefault.LambdaLinear10PercentEvery1Minute": ("Lambda", None, _linear(10, 1)),
    "CodeDeployDefault.LambdaLinear10PercentEvery2Minutes": ("Lambda", None, _linear(10, 2)),
    "CodeDeployDefault.LambdaLinear10PercentEvery3Minutes": ("Lambda", None, _linear(10, 3)),
    "CodeDeployDefault.LambdaLinear10PercentEvery10Minutes": ("Lambda", None, _linear(10, 10)),
    "CodeDeployDefault.LambdaAllAtOnce": ("Lambda", None, dict(_ALL_AT_ONCE)),
    "CodeDeployDefault.ECSLinear10PercentEvery1Minutes": ("ECS", None, _linear(10, 1)),
    "CodeDeployDefault.ECSLinear10PercentEvery3Minutes": ("ECS", None, _linear(10, 3)),
    "CodeDeployDefault.ECSCanary10Percent5Minutes": ("ECS", None, _canary(10, 5)),
    "CodeDeployDefault.ECSCanary10Percent15Minutes": ("ECS", None, _canary(10, 15)),
    "CodeDeployDefault.ECSAllAtOnce": ("ECS", None, dict(_ALL_AT_ONCE)),
}

PREDEFINED_NAMES: tuple[str, ...] = tuple(_PREDEFINED)


def predefined(name: str) -> dict[str, Any] | None:
    """Return the ``DeploymentConfigInfo`` of a predefined configuration, or None."""
    if name not in _PREDEFINED:
        return None
    platform, hosts, routing = _PREDEFINED[name]
    info: dict[str, Any] = {
        # A stable id per name: AWS's ids for these are fixed GUIDs we cannot know.
        "deploymentConfigId": str(uuid.uuid5(_ID_NAMESPACE, name)),
        "deploymentConfigName": name,
        "createTime": PREDEFINED_CREATE_TIME,
        "computePlatform": platform,
    }
    if hosts is not None:
        info["minimumHealthyHosts"] = dict(hosts)
    if routing is not None:
        info["trafficRoutingConfig"] = {k: (dict(v) if isinstance(v, dict) else v)
                                        for k, v in routing.items()}
    return info


def check_name(name: Any) -> str:
    """Return ``name`` if it is a well-formed deployment configuration name, else raise."""
    if name is None or name == "":
        raise ServiceError("DeploymentConfigNameRequiredException",
                           "deploymentConfigName is required: name the deployment configuration.")
    if not isinstance(name, str) or len(name) > MAX_NAME_LENGTH or not _NAME.fullmatch(name):
        raise ServiceError(
            "InvalidDeploymentConfigNameException",
            f"Deployment configuration name {name!r} is invalid: use 1-{MAX_NAME_LENGTH} "
            "characters from letters, digits and . _ + = , @ -")
    return name


def validate_custom(params: dict[str, Any]) -> dict[str, Any]:
    """Validate a ``CreateDeploymentConfig`` request; return the config's parameters.

    Returns a dict with ``computePlatform`` and, as given, ``minimumHealthyHosts``,
    ``trafficRoutingConfig`` and ``zonalConfig``. Raises :class:`ServiceError` with AWS's
    exception names. Existence and the per-account limit are the backend's checks.
    """
    name = check_name(params.get("deploymentConfigName"))
    if name.startswith(PREDEFINED_PREFIX):
        raise ServiceError("InvalidDeploymentConfigNameException",
                           f"Deployment configuration name {name!r} is invalid: names starting "
                           f"with {PREDEFINED_PREFIX!r} are reserved for predefined "
                           "configurations.")
    platform = params.get("computePlatform") or "Server"
    if platform not in COMPUTE_PLATFORMS:
        raise ServiceError("InvalidComputePlatformException",
                           f"computePlatform {platform!r} is invalid: use Server, Lambda or ECS.")
    hosts = params.get("minimumHealthyHosts")
    routing = params.get("trafficRoutingConfig")
    zonal = params.get("zonalConfig")
    out: dict[str, Any] = {"computePlatform": platform}
    if platform == "Server":
        if hosts is None:
            raise ServiceError("InvalidMinimumHealthyHostValueException",
                               "A Server deployment configuration needs minimumHealthyHosts, "
                               "e.g. {type: FLEET_PERCENT, value: 75}.")
        out["minimumHealthyHosts"] = _check_hosts(hosts, "InvalidMinimumHealthyHostValueException",
                                                  "minimumHealthyHosts")
        if routing is not None:
            raise ServiceError("InvalidTrafficRoutingConfigurationException",
                               "trafficRoutingConfig applies only to the Lambda and ECS compute "
                               "platforms; a Server configuration uses minimumHealthyHosts.")
        if zonal is not None:
            out["zonalConfig"] = _check_zonal(zonal)
        return out
    if hosts is not None:
        raise ServiceError("InvalidMinimumHealthyHostValueException",
                           f"minimumHealthyHosts applies only to the Server compute platform; a "
                           f"{platform} configuration uses trafficRoutingConfig.")
    if zonal is not None:
        raise ServiceError("InvalidZonalDeploymentConfigurationException",
                           "zonalConfig applies only to the Server compute platform, not "
                           f"{platform}.")
    if routing is None:
        raise ServiceError("InvalidTrafficRoutingConfigurationException",
                           f"A {platform} deployment configuration needs trafficRoutingConfig "
                           "(type TimeBasedCanary, TimeBasedLinear or AllAtOnce).")
    out["trafficRoutingConfig"] = _check_routing(routing)
    return out


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _check_hosts(hosts: Any, code: str, where: str) -> dict[str, Any]:
    kind = hosts.get("type") if isinstance(hosts, dict) else None
    value = _int(hosts.get("value")) if isinstance(hosts, dict) else None
    if kind not in ("HOST_COUNT", "FLEET_PERCENT"):
        raise ServiceError(code, f"{where}.type must be HOST_COUNT or FLEET_PERCENT, got {kind!r}.")
    if value is None:
        raise ServiceError(code, f"{where}.value must be an integer.")
    if kind == "HOST_COUNT" and value < 0:
        raise ServiceError(code, f"{where}: HOST_COUNT must be 0 or more, got {value}.")
    if kind == "FLEET_PERCENT" and not 0 <= value <= 99:
        raise ServiceError(code, f"{where}: FLEET_PERCENT must be between 0 and 99, got {value}.")
    return {"type": kind, "value": value}


def _check_zonal(zonal: Any) -> dict[str, Any]:
    code = "InvalidZonalDeploymentConfigurationException"
    if not isinstance(zonal, dict):
        raise ServiceError(code, "zonalConfig must be an object.")
    out: dict[str, Any] = {}
    for key in ("firstZoneMonitorDurationInSeconds", "monitorDurationInSeconds"):
        if key in zonal:
            value = _int(zonal[key])
            if value is None or value < 0:
                raise ServiceError(code, f"zonalConfig.{key} must be 0 or more seconds.")
            out[key] = value
    if "minimumHealthyHostsPerZone" in zonal:
        out["minimumHealthyHostsPerZone"] = _check_hosts(
            zonal["minimumHealthyHostsPerZone"], code, "zonalConfig.minimumHealthyHostsPerZone")
    return out


def _check_routing(routing: Any) -> dict[str, Any]:
    code = "InvalidTrafficRoutingConfigurationException"
    kind = routing.get("type") if isinstance(routing, dict) else None
    keys = {"TimeBasedCanary": ("timeBasedCanary", "canaryPercentage", "canaryInterval"),
            "TimeBasedLinear": ("timeBasedLinear", "linearPercentage", "linearInterval")}
    if kind == "AllAtOnce":
        if routing.get("timeBasedCanary") or routing.get("timeBasedLinear"):
            raise ServiceError(code, "trafficRoutingConfig of type AllAtOnce takes no "
                                     "timeBasedCanary or timeBasedLinear settings.")
        return {"type": "AllAtOnce"}
    if kind not in keys:
        raise ServiceError(code, f"trafficRoutingConfig.type must be TimeBasedCanary, "
                                 f"TimeBasedLinear or AllAtOnce, got {kind!r}.")
    field, pkey, ikey = keys[kind]
    other = "timeBasedLinear" if field == "timeBasedCanary" else "timeBasedCanary"
    body = routing.get(field)
    if not isinstance(body, dict) or routing.get(other):
        raise ServiceError(code, f"trafficRoutingConfig of type {kind} needs {field} "
                                 f"({{{pkey}, {ikey}}}) and nothing else.")
    percent, interval = _int(body.get(pkey)), _int(body.get(ikey))
    if percent is None or not 1 <= percent <= 99:
        raise ServiceError(code, f"{field}.{pkey} must be between 1 and 99 percent, got "
                                 f"{body.get(pkey)!r}.")
    if interval is None or interval < 1:
        raise ServiceError(code, f"{field}.{ikey} must be a whole number of minutes, 1 or more.")
    # Minutes between the first and the last traffic shift.
    shifts = 1 if kind == "TimeBasedCanary" else math.ceil(100 / percent) - 1
    if shifts * interval > MAX_ROUTING_MINUTES:
        raise ServiceError(code, f"{kind} shifts traffic over {shifts * interval} minutes; AWS "
                                 f"allows at most {MAX_ROUTING_MINUTES} minutes between the first "
                                 "and the last shift.")
    return {"type": kind, field: {pkey: percent, ikey: interval}}
