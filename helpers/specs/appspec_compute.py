"""Parse and validate a Lambda or ECS AppSpec (the revision of a Lambda/ECS deployment, §A.5).

The AppSpec is YAML or JSON (JSON is YAML, so one parser reads both). AWS documents two spellings
of the keys — ``Resources/Type/Properties/Name/Alias/CurrentVersion/TargetVersion/Hooks`` on the
example page and lower case on the structure page — so keys are matched case-insensitively
(reference §A.5, inferred). Every error names the key and the fix::

    from helpers.specs import appspec_compute
    spec = appspec_compute.loads(text, "Lambda")   # raises AppSpecError
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from helpers.specs.appspec import AppSpecError, load_yaml

#: Hooks each platform lets an AppSpec name, in run order (§A.4.3, §A.4.4).
LAMBDA_HOOKS = ("BeforeAllowTraffic", "AfterAllowTraffic")
ECS_HOOKS = ("BeforeInstall", "AfterInstall", "AfterAllowTestTraffic", "BeforeAllowTraffic",
             "AfterAllowTraffic")
RESOURCE_TYPES = {"Lambda": "AWS::Lambda::Function", "ECS": "AWS::ECS::Service"}


@dataclass
class LambdaSpec:
    """A validated Lambda AppSpec: one function's alias moves from one version to another."""

    function: str
    alias: str
    current_version: str
    target_version: str
    hooks: dict[str, str] = field(default_factory=dict)


@dataclass
class EcsSpec:
    """A validated ECS AppSpec: the replacement task set's task definition and container."""

    task_definition: str
    container_name: str
    container_port: int
    platform_version: str | None = None
    network: dict[str, Any] | None = None
    capacity_provider_strategy: list[dict[str, Any]] | None = None
    hooks: dict[str, str] = field(default_factory=dict)


def _get(data: dict[str, Any], key: str) -> Any:
    """``data[key]`` with the key matched case-insensitively."""
    for k, v in data.items():
        if isinstance(k, str) and k.lower() == key.lower():
            return v
    return None


def loads(text: str, platform: str, name: str = "appspec.yaml") -> LambdaSpec | EcsSpec:
    """Validate Lambda (``platform="Lambda"``) or ECS AppSpec text; return the parsed spec."""
    data = load_yaml(text, name, "YAML or JSON",
                     "check the indentation (spaces, not tabs) and the brackets")
    if not isinstance(data, dict) or not data:
        raise AppSpecError(f"{name}: the AppSpec must be a mapping with version, Resources and "
                           "(optionally) Hooks.")
    if str(_get(data, "version")) not in ("0.0", "0"):
        raise AppSpecError(f"{name}: version is {_get(data, 'version')!r} — the AppSpec must "
                           "say version: 0.0.")
    resources = _get(data, "resources")
    if not isinstance(resources, list) or len(resources) != 1 or \
            not isinstance(resources[0], dict) or len(resources[0]) != 1:
        raise AppSpecError(f"{name}: Resources must be a list with exactly one entry "
                           "(- MyResource: {Type: …, Properties: …}); one AppSpec deploys one "
                           f"{'function' if platform == 'Lambda' else 'service'}.")
    (logical, body), = resources[0].items()
    if not isinstance(body, dict):
        raise AppSpecError(f"{name}: Resources.{logical} must be a mapping with Type and "
                           "Properties.")
    kind = _get(body, "type")
    if kind != RESOURCE_TYPES[platform]:
        raise AppSpecError(f"{name}: Resources.{logical}.Type is {kind!r} — a {platform} "
                           f"deployment needs Type: {RESOURCE_TYPES[platform]}.")
    props = _get(body, "properties")
    if not isinstance(props, dict):
        raise AppSpecError(f"{name}: Resources.{logical}.Properties is missing.")
    hooks = _hooks(_get(data, "hooks"), LAMBDA_HOOKS if platform == "Lambda" else ECS_HOOKS,
                   name)
    where = f"{name}: Resources.{logical}.Properties"
    if platform == "Lambda":
        values = {}
        for key in ("Name", "Alias", "CurrentVersion", "TargetVersion"):
            value = _get(props, key)
            if value is None or str(value).strip() == "":
                raise AppSpecError(f"{where}.{key} is required.")
            values[key] = str(value).strip()
        for key in ("CurrentVersion", "TargetVersion"):
            if not values[key].isdigit() or int(values[key]) < 1:
                raise AppSpecError(f"{where}.{key} is {values[key]!r} — use a published version "
                                   "number (1, 2, …), not $LATEST or an alias.")
        return LambdaSpec(values["Name"], values["Alias"], values["CurrentVersion"],
                          values["TargetVersion"], hooks)
    task_definition = _get(props, "TaskDefinition")
    if not task_definition:
        raise AppSpecError(f"{where}.TaskDefinition is required (the task definition ARN).")
    lb = _get(props, "LoadBalancerInfo")
    if not isinstance(lb, dict) or not _get(lb, "ContainerName"):
        raise AppSpecError(f"{where}.LoadBalancerInfo.ContainerName is required.")
    try:
        port = int(_get(lb, "ContainerPort"))
    except (TypeError, ValueError):
        raise AppSpecError(f"{where}.LoadBalancerInfo.ContainerPort must be a number.") from None
    return EcsSpec(str(task_definition), str(_get(lb, "ContainerName")), port,
                   _get(props, "PlatformVersion"), _get(props, "NetworkConfiguration"),
                   _get(props, "CapacityProviderStrategy"), hooks)


def _hooks(entries: Any, allowed: tuple[str, ...], name: str) -> dict[str, str]:
    """``Hooks: [{Event: function}]`` (or one mapping) → ``{event: function}``."""
    if entries is None:
        return {}
    if isinstance(entries, dict):
        entries = [{k: v} for k, v in entries.items()]
    if not isinstance(entries, list):
        raise AppSpecError(f"{name}: Hooks must be a list like - BeforeAllowTraffic: MyHook.")
    out: dict[str, str] = {}
    canon = {h.lower(): h for h in allowed}
    for entry in entries:
        if not isinstance(entry, dict):
            raise AppSpecError(f"{name}: each Hooks entry is one 'Event: FunctionName' pair.")
        for event, function in entry.items():
            key = canon.get(str(event).lower())
            if key is None:
                raise AppSpecError(f"{name}: Hooks.{event} is not a hook here; use "
                                   f"{', '.join(allowed)}.")
            if not function or not isinstance(function, str):
                raise AppSpecError(f"{name}: Hooks.{key} must name a Lambda function.")
            out[key] = function
    return out
