"""moto's Lambda: read deployment packages and policies, and run ``Invoke`` for real.

moto 5.2.5 can only run handlers in Docker (and answers ``FunctionError: Handled`` with a Docker
error without it). This shim replaces ``LambdaResponse.invoke`` (and the deprecated
``invoke_async``) with :mod:`helpers.offline.lambda_runtime`, and exposes the few reads the runtime
needs (:func:`function_config`, :func:`resolve`, :func:`policy_statements`) so that nothing outside
``shims/`` touches moto's Lambda models.
"""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FunctionConfig:
    """What the runtime needs to run one version of a function."""

    name: str
    arn: str  # unqualified
    version: str  # "$LATEST" or "1", "2", ...
    runtime: str
    handler: str
    timeout: int
    memory_size: int
    environment: dict[str, str] = field(default_factory=dict)
    code: bytes = b""
    code_sha256: str = ""
    package_type: str = "Zip"
    account_id: str = ""
    region: str = ""


class FunctionNotFound(LookupError):
    """No function (or no such version or alias) by that name."""


def _backend(account_id: str, region: str) -> Any:
    from moto.awslambda.utils import get_backend

    return get_backend(account_id, region)


def _split(name_or_arn: str, qualifier: str | None) -> tuple[str, str | None]:
    """(function name, qualifier) from a name, ``name:qualifier``, or a (qualified) ARN."""
    if name_or_arn.startswith("arn:"):
        parts = name_or_arn.split(":")
        name = parts[6] if len(parts) > 6 else name_or_arn
        return name, (parts[7] if len(parts) > 7 else None) or qualifier
    if ":" in name_or_arn:
        name, _, in_name = name_or_arn.partition(":")
        return name, in_name or qualifier
    return name_or_arn, qualifier


def resolve(account_id: str, region: str, name_or_arn: str, qualifier: str | None,
            pick: Any) -> tuple[FunctionConfig, str]:
    """Find the version an invocation runs, following aliases and their routing weights.

    Args:
        account_id: The function's account.
        region: The function's region.
        name_or_arn: A name, ``name:qualifier``, or a (qualified) function ARN.
        qualifier: ``$LATEST``, a version number or an alias name (None: ``$LATEST``).
        pick: ``pick(weights: dict[str, float], primary: str) -> str`` chooses a version when an
            alias routes part of the traffic to an additional version.

    Returns:
        The configuration of the chosen version and the ARN the caller invoked (with qualifier).

    Raises:
        FunctionNotFound: naming the ARN that does not exist, as Lambda does.
    """
    name, qualifier = _split(name_or_arn, qualifier)
    storage = _backend(account_id, region)._lambdas
    base_arn = f"arn:aws:lambda:{region}:{account_id}:function:{name}"
    invoked = f"{base_arn}:{qualifier}" if qualifier else base_arn
    entry = storage._functions.get(name)
    if entry is None:
        raise FunctionNotFound(invoked)
    if qualifier is None or qualifier == "$LATEST":
        return _config(entry["latest"], "$LATEST"), invoked
    fn = storage._get_version(name, qualifier)
    if fn is not None:
        return _config(fn, qualifier), invoked
    alias = storage._aliases.get(base_arn, {}).get(qualifier)
    if alias is None:
        raise FunctionNotFound(invoked)
    primary = str(alias.function_version)
    weights = (alias.routing_config or {}).get("AdditionalVersionWeights") or {}
    version = pick({str(k): float(v) for k, v in weights.items()}, primary) if weights else primary
    if version == "$LATEST":
        return _config(entry["latest"], "$LATEST"), invoked
    fn = storage._get_version(name, version)
    if fn is None:
        raise FunctionNotFound(f"{base_arn}:{version}")
    return _config(fn, version), invoked


def _config(fn: Any, version: str) -> FunctionConfig:
    return FunctionConfig(
        name=fn.function_name, arn=fn.function_arn.split(":$LATEST")[0], version=version,
        runtime=fn.run_time or "", handler=fn.handler or "", timeout=int(fn.timeout or 3),
        memory_size=int(fn.memory_size or 128), environment=dict(fn.environment_vars or {}),
        code=getattr(fn, "code_bytes", b"") or b"", code_sha256=fn.code_sha_256 or "",
        package_type=fn.package_type or "Zip", account_id=fn.account_id, region=fn.region)


def function_config(account_id: str, region: str, name_or_arn: str,
                    qualifier: str | None = None) -> FunctionConfig:
    """The configuration of one version (an alias resolves to its primary version)."""
    return resolve(account_id, region, name_or_arn, qualifier, lambda _w, primary: primary)[0]


def max_retry_attempts(account_id: str, region: str, name_or_arn: str) -> int:
    """``MaximumRetryAttempts`` of the function's asynchronous invocation config (default 2)."""
    name, _ = _split(name_or_arn, None)
    entry = _backend(account_id, region)._lambdas._functions.get(name)
    configs = entry["latest"].event_invoke_config if entry else []
    # moto appends on every put and answers the first on get; follow its get.
    return int(configs[0].config.get("MaximumRetryAttempts", 2)) if configs else 2


def policy_statements(account_id: str, region: str, name_or_arn: str,
                      qualifier: str | None = None) -> list[dict[str, Any]]:
    """The resource-policy statements that apply to invoking the function (with qualifier).

    moto keeps ``add_permission`` statements on the function object the qualifier names (the
    unqualified function, or a version); for an alias it stores them on the alias's version.
    """
    name, qualifier = _split(name_or_arn, qualifier)
    storage = _backend(account_id, region)._lambdas
    entry = storage._functions.get(name)
    if entry is None:
        return []
    statements = list(entry["latest"].policy.statements)
    if qualifier and qualifier != "$LATEST":
        try:
            fn = storage.get_function_by_name_with_qualifier(name, qualifier)
        except Exception:  # noqa: BLE001 - an unknown qualifier simply adds nothing
            fn = None
        if fn is not None and fn is not entry["latest"]:
            statements += list(fn.policy.statements)
    return statements


# -- Invoke ----------------------------------------------------------------------------------


def _invoke_response(self: Any) -> tuple[int, dict[str, str], str | bytes]:
    """``Invoke`` on the endpoint: run the handler (RequestResponse), queue it (Event), or
    only check the function exists (DryRun)."""
    from helpers.offline import delivery, lambda_runtime

    name = unquote(self.path.rsplit("/", 2)[-2])
    qualifier = self._get_param("qualifier") or self.querystring.get("Qualifier", [None])[0]
    mode = self.headers.get("X-Amz-Invocation-Type") or "RequestResponse"
    return _run(self, delivery.current(), name, qualifier, mode,
                self.headers.get("X-Amz-Log-Type") == "Tail", lambda_runtime)


def _invoke_async_response(self: Any) -> tuple[int, dict[str, str], str | bytes]:
    """The deprecated ``InvokeAsync``: run the handler asynchronously, answer 202."""
    from helpers.offline import delivery, lambda_runtime

    index = -3 if self.path.endswith("/") else -2
    name = unquote(self.path.rsplit("/", 3)[index])
    _run(self, delivery.current(), name, None, "Event", False, lambda_runtime)
    return 202, {"content-type": "application/json", "status": "202"}, json.dumps(
        {"Status": 202})


def _run(response: Any, endpoint: Any, name: str, qualifier: str | None, mode: str,
         tail: bool, runtime: Any) -> tuple[int, dict[str, str], str | bytes]:
    from moto.awslambda.exceptions import UnknownFunctionException

    account, region = response.current_account, response.region
    try:
        payload = json.loads(response.body or b"{}") if response.body else {}
    except ValueError:
        return 400, {"x-amzn-ErrorType": "InvalidRequestContentException"}, json.dumps({
            "Type": "User", "message": "Could not parse request body into json: the payload "
            "must be a JSON document (e.g. Payload=json.dumps({...}))."})
    try:
        config = function_config(account, region, name, qualifier)
    except FunctionNotFound as exc:
        raise UnknownFunctionException(str(exc)) from None
    headers = {"content-type": "application/json", "X-Amz-Executed-Version": config.version}
    if mode == "DryRun":
        return 204, dict(headers, status="204"), ""
    if endpoint is None:
        raise RuntimeError("lambda invoke runs handlers only on the offline endpoint "
                           "(helpers.offline.endpoint.Endpoint); moto's in-process mock has no "
                           "runtime — start the endpoint and point the client at its URL")
    if mode == "Event":
        runtime.invoke_async(endpoint, name, payload, qualifier=qualifier, account_id=account,
                             region=region)
        return 202, {"content-type": "application/json", "status": "202"}, ""
    result = runtime.invoke(endpoint, name, payload, qualifier=qualifier, account_id=account,
                            region=region)
    headers["X-Amz-Executed-Version"] = result.executed_version
    if result.function_error:
        headers["x-amz-function-error"] = result.function_error
    if tail:
        headers["x-amz-log-result"] = base64.b64encode(result.log_tail.encode()).decode()
    return result.status_code, headers, json.dumps(result.payload)


def install() -> None:
    """Route ``Invoke`` and ``InvokeAsync`` to the offline runtime."""
    from moto.awslambda.responses import LambdaResponse
    from moto.utilities.aws_headers import amz_crc32

    LambdaResponse.invoke = amz_crc32(_invoke_response)
    LambdaResponse.invoke_async = amz_crc32(_invoke_async_response)
