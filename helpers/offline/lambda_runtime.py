"""The offline Lambda runtime: run a Python handler from its deployment package.

:func:`invoke` is what the rest of the emulator reuses (``Invoke`` on the endpoint, EventBridge
and SNS deliveries, CodeDeploy hooks, CodePipeline Lambda actions). It resolves the qualifier
(``$LATEST``, a version, an alias with routing weights picked by the engine's seeded RNG), unpacks
the package into a cache keyed by the code's SHA-256, and runs the handler once in a subprocess
(:func:`helpers.offline.work.run`) with the job's clean environment and fake credentials, the
function's variables, its timeout and Lambda's reserved variables. Python runtimes run on the
endpoint's own interpreter (``sys.executable``). The outcome is the handler's result or the error
as Lambda reports it; the log goes to CloudWatch Logs ``/aws/lambda/<name>``.

Call :func:`invoke` from a request thread or a worker (``engine.run_work``), never from the engine
thread: it blocks until the handler returns. :func:`invoke_async` is the asynchronous form
(``Event`` invocations, event targets), with Lambda's two retries on error.
"""

from __future__ import annotations

import atexit
import hashlib
import io
import json
import logging
import os
import shutil
import sys
import tempfile
import threading
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.offline import lambda_logs, work
from helpers.offline.shims import awslambda
from helpers.offline.shims.awslambda import FunctionConfig, FunctionNotFound

log = logging.getLogger(__name__)

__all__ = ["FunctionNotFound", "InvokeResult", "invoke", "invoke_async"]

DEFAULT_ACCOUNT = "123456789012"
#: Lambda's LogResult carries the last 4 KB of the log.
LOG_TAIL_BYTES = 4096
#: Waits before the two retries of a failed asynchronous invocation (Lambda's defaults).
ASYNC_RETRY_DELAYS = (60.0, 120.0)
_BOOTSTRAP = Path(__file__).with_name("lambda_bootstrap.py")


@dataclass
class InvokeResult:
    """The outcome of one invocation, as ``Invoke`` reports it."""

    payload: Any
    function_error: str | None  # "Unhandled" when the handler failed, else None
    log_tail: str  # the last 4 KB of the log (LogType=Tail, before base64)
    status_code: int = 200
    executed_version: str = "$LATEST"
    request_id: str = ""
    log: str = ""  # the whole log of the invocation


def invoke(endpoint: Any, function_name_or_arn: str, payload: Any,
           qualifier: str | None = None, account_id: str = DEFAULT_ACCOUNT,
           region: str = "us-east-1") -> InvokeResult:
    """Run the function's handler once and return its result (a synchronous invocation).

    Args:
        endpoint: The offline endpoint (for the job environment, the engine and CloudWatch Logs).
        function_name_or_arn: A name, ``name:qualifier`` or a (qualified) function ARN.
        payload: The event (any JSON value).
        qualifier: ``$LATEST``, a version number or an alias.
        account_id: The function's account.
        region: The function's region.

    Raises:
        FunctionNotFound: the function, version or alias does not exist.
    """
    if endpoint.engine.on_engine_thread():
        log.warning("lambda invoke on the engine thread blocks the clock; use engine.run_work")
    config, invoked_arn = awslambda.resolve(account_id, region, function_name_or_arn, qualifier,
                                            lambda weights, primary: _pick(endpoint, weights,
                                                                           primary))
    request_id = str(uuid.UUID(int=endpoint.engine.random.getrandbits(128), version=4))
    if not config.runtime.startswith("python3") or config.package_type != "Zip":
        what = config.runtime or f"package type {config.package_type}"
        error = _error("Runtime.NotSupportedOffline",
                       f"runtime {what} is not supported offline: the offline endpoint runs "
                       "Python (python3.x) zip functions only; test this function in a sandbox "
                       "account", request_id)
        text = f"[ERROR] {error['errorType']}: {error['errorMessage']}\n"
        return _finish(endpoint, config, request_id, error, text, 0.0, True)
    stream = lambda_logs.stream_name(endpoint, config.version)
    try:
        code_dir = _unpack(config)
    except zipfile.BadZipFile:
        error = _error("Runtime.InvalidEntrypoint", "the deployment package of "
                       f"{config.name} is not a zip file; upload a .zip with the handler module "
                       "at its root", request_id)
        return _finish(endpoint, config, request_id, error, "", 0.0, True, stream)
    with tempfile.TemporaryDirectory(prefix="cdw-invoke-") as scratch:
        result_file = Path(scratch) / "result.json"
        env = endpoint.job_env(f"lambda:{config.name}", _variables(
            config, invoked_arn, request_id, stream, code_dir, result_file, scratch))
        done = work.run([sys.executable, str(_BOOTSTRAP)], env, cwd=code_dir,
                        timeout=config.timeout, stdin=json.dumps(payload))
        outcome = _read(result_file)
    output = done.stdout + done.stderr
    if done.timed_out:
        error = _error("Sandbox.Timedout", f"RequestId: {request_id} Error: Task timed out "
                       f"after {config.timeout:.2f} seconds")
        error.pop("stackTrace")
        return _finish(endpoint, config, request_id, error, output, done.duration, True,
                       stream, timed_out=True)
    if outcome is None:
        error = _error("Runtime.ExitError", f"RequestId: {request_id} Error: Runtime exited "
                       f"with error: exit status {done.returncode}")
        error.pop("stackTrace")
        return _finish(endpoint, config, request_id, error, output, done.duration, True, stream)
    if "error" in outcome:
        return _finish(endpoint, config, request_id, outcome["error"], output, done.duration,
                       True, stream)
    return _finish(endpoint, config, request_id, outcome.get("result"), output, done.duration,
                   False, stream)


def invoke_async(endpoint: Any, function_name_or_arn: str, payload: Any,
                 qualifier: str | None = None, account_id: str = DEFAULT_ACCOUNT,
                 region: str = "us-east-1", label: str = "") -> None:
    """Queue an asynchronous invocation on the engine (``InvocationType=Event``).

    The handler runs in the worker pool; on a function error Lambda's retries follow after 1 and 2
    virtual minutes (two, or the function's ``MaximumRetryAttempts``). A function that does not
    exist is logged and dropped.
    """
    engine = endpoint.engine
    what = label or f"{function_name_or_arn}:{qualifier or '$LATEST'}"

    def attempt() -> InvokeResult:
        return invoke(endpoint, function_name_or_arn, payload, qualifier=qualifier,
                      account_id=account_id, region=region)

    def process() -> Any:
        retries = awslambda.max_retry_attempts(account_id, region, function_name_or_arn)
        delays = (0.0, *ASYNC_RETRY_DELAYS[:retries])
        for retry, delay in enumerate(delays):
            if delay:
                yield engine.env.timeout(delay)
            try:
                result = yield from engine.run_work(attempt)
            except FunctionNotFound as exc:
                log.warning("asynchronous invoke of %s dropped: no function %s", what, exc)
                return
            except Exception:  # noqa: BLE001 - nobody to answer; the endpoint log keeps it
                log.exception("asynchronous invoke of %s failed", what)
                return
            if not result.function_error:
                return
            log.info("asynchronous invoke of %s failed (attempt %d): %s", what, retry + 1,
                     result.payload.get("errorType") if isinstance(result.payload, dict) else "")
        log.warning("asynchronous invoke of %s failed after %d attempt(s); the event is dropped",
                    what, len(delays))

    engine.call(lambda: engine.process(process()))


# -- pieces ----------------------------------------------------------------------------------


def _pick(endpoint: Any, weights: dict[str, float], primary: str) -> str:
    """Pick a version by an alias's routing weights, with the engine's seeded RNG."""
    draw = endpoint.engine.random.random()
    total = 0.0
    for version in sorted(weights):
        total += weights[version]
        if draw < total:
            return version
    return primary


def _error(error_type: str, message: str, request_id: str = "") -> dict[str, Any]:
    error: dict[str, Any] = {"errorMessage": message, "errorType": error_type}
    if request_id:
        error["requestId"] = request_id
    error["stackTrace"] = []
    return error


def _variables(config: FunctionConfig, invoked_arn: str, request_id: str, stream: str,
               code_dir: Path, result_file: Path, scratch: str) -> dict[str, str]:
    """The function's variables, then Lambda's reserved ones (which win, as on Lambda)."""
    import time

    env = dict(config.environment)
    env.update({
        "AWS_REGION": config.region, "AWS_DEFAULT_REGION": config.region,
        "AWS_LAMBDA_FUNCTION_NAME": config.name,
        "AWS_LAMBDA_FUNCTION_VERSION": config.version,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(config.memory_size),
        "AWS_LAMBDA_LOG_GROUP_NAME": lambda_logs.group_name(config.name),
        "AWS_LAMBDA_LOG_STREAM_NAME": stream,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{config.runtime}",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "_HANDLER": config.handler, "LAMBDA_TASK_ROOT": str(code_dir),
        "PYTHONPATH": str(code_dir), "PYTHONUNBUFFERED": "1", "TZ": ":UTC", "TMPDIR": scratch,
        "CDW_LAMBDA_RESULT": str(result_file), "CDW_LAMBDA_REQUEST_ID": request_id,
        "CDW_LAMBDA_INVOKED_ARN": invoked_arn,
        "CDW_LAMBDA_DEADLINE_MS": str(int((time.time() + config.timeout) * 1000)),
    })
    return env


def _read(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _finish(endpoint: Any, config: FunctionConfig, request_id: str, payload: Any, output: str,
            seconds: float, failed: bool, stream: str | None = None,
            timed_out: bool = False) -> InvokeResult:
    text = lambda_logs.format_log(endpoint, config, request_id, output, seconds, timed_out)
    lambda_logs.write(endpoint, config, stream or lambda_logs.stream_name(endpoint, config.version),
                      text)
    tail = text.encode()[-LOG_TAIL_BYTES:].decode("utf-8", errors="ignore")
    return InvokeResult(payload=payload, function_error="Unhandled" if failed else None,
                        log_tail=tail, executed_version=config.version, request_id=request_id,
                        log=text)


# -- the package cache ----------------------------------------------------------------------

_cache_root: Path | None = None
_cache_lock = threading.Lock()


def _cache() -> Path:
    global _cache_root
    with _cache_lock:
        if _cache_root is None:
            _cache_root = Path(tempfile.mkdtemp(prefix="cdw-lambda-"))
            atexit.register(shutil.rmtree, _cache_root, True)
        return _cache_root


def _unpack(config: FunctionConfig) -> Path:
    """The package unpacked once per code SHA-256 (read-only use, like /var/task)."""
    digest = hashlib.sha256(config.code).hexdigest()
    target = _cache() / digest
    if target.is_dir():
        return target
    staging = Path(tempfile.mkdtemp(prefix=f".{digest[:12]}-", dir=_cache()))
    with zipfile.ZipFile(io.BytesIO(config.code)) as archive:
        archive.extractall(staging)
    try:
        os.rename(staging, target)
    except OSError:  # another invocation unpacked the same code first
        shutil.rmtree(staging, ignore_errors=True)
    return target

