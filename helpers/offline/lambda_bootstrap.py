"""The child side of the offline Lambda runtime: import the handler, call it once, report.

Run as a script by :mod:`helpers.offline.lambda_runtime` (never imported by the emulator): the
event arrives as JSON on stdin; the handler's output (stdout and stderr, as Lambda captures both)
is the log; the outcome goes to the file named by ``CDW_LAMBDA_RESULT`` as
``{"result": ...}`` or ``{"error": {"errorMessage", "errorType", "requestId", "stackTrace"}}``.
It imports nothing from this project, so the handler sees a plain Python like Lambda's.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
from typing import Any

# Run as a script, Python put this folder first on sys.path: the handler must not see our modules.
if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    sys.path.pop(0)

_SETTINGS = {key: os.environ.pop(key) for key in list(os.environ) if key.startswith("CDW_LAMBDA_")}


class LambdaContext:
    """The context object a Python handler receives (the attributes Lambda documents)."""

    def __init__(self) -> None:
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn = _SETTINGS.get("CDW_LAMBDA_INVOKED_ARN", "")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.aws_request_id = _SETTINGS.get("CDW_LAMBDA_REQUEST_ID", "")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None
        self._deadline_ms = int(_SETTINGS.get("CDW_LAMBDA_DEADLINE_MS", "0"))

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the function times out."""
        return max(0, self._deadline_ms - int(time.time() * 1000))


def _error(error_type: str, message: str, stack: list[str] | None = None) -> dict[str, Any]:
    return {"errorMessage": message, "errorType": error_type,
            "requestId": _SETTINGS.get("CDW_LAMBDA_REQUEST_ID", ""), "stackTrace": stack or []}


def _user_stack(tb: Any) -> list[str]:
    frames = [f for f in traceback.extract_tb(tb) if f.filename != __file__]
    return traceback.format_list(frames)


def _load(handler: str) -> Any:
    """The handler function, or an error dict as the Python runtime reports it."""
    try:
        module_path, func_name = handler.rsplit(".", 1)
    except ValueError as exc:
        return _error("Runtime.MalformedHandlerName", f"Bad handler '{handler}': {exc}")
    module_name = module_path.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except SyntaxError as exc:
        return _error("Runtime.UserCodeSyntaxError",
                      f"Syntax error in module '{module_name}': {exc}",
                      [f'  File "{exc.filename}" Line {exc.lineno}\n'
                       f'    {(exc.text or "").strip()}\n'])
    except ImportError as exc:
        return _error("Runtime.ImportModuleError",
                      f"Unable to import module '{module_name}': {exc}")
    except Exception as exc:  # noqa: BLE001 - init errors are reported like handler errors
        return _error(type(exc).__name__, str(exc), _user_stack(exc.__traceback__))
    func = getattr(module, func_name, None)
    if not callable(func):
        return _error("Runtime.HandlerNotFound",
                      f"Handler '{func_name}' missing on module '{module_name}'")
    return func


def _log_error(error: dict[str, Any]) -> None:
    text = f"[ERROR] {error['errorType']}: {error['errorMessage']}"
    if error["stackTrace"]:
        text += "\nTraceback (most recent call last):\n" + "".join(error["stackTrace"])
    print(text.rstrip("\n"), flush=True)


def main() -> int:
    """Run the handler once and write the outcome."""
    os.dup2(1, 2)  # Lambda captures stderr into the same log as stdout
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    sys.path.insert(0, task_root)
    outcome: dict[str, Any]
    handler = _load(os.environ.get("_HANDLER", ""))
    if isinstance(handler, dict):
        outcome = {"error": handler}
    else:
        try:
            event = json.loads(sys.stdin.read() or "null")
            result = handler(event, LambdaContext())
        except Exception as exc:  # noqa: BLE001 - the handler's error is the invocation's
            outcome = {"error": _error(type(exc).__name__, str(exc),
                                       _user_stack(exc.__traceback__))}
        else:
            try:
                outcome = {"result": json.loads(json.dumps(result))}
            except (TypeError, ValueError) as exc:
                outcome = {"error": _error("Runtime.MarshalError",
                                           f"Unable to marshal response: {exc}")}
    if "error" in outcome:
        _log_error(outcome["error"])
    sys.stdout.flush()
    with open(_SETTINGS["CDW_LAMBDA_RESULT"], "w", encoding="utf-8") as out:
        json.dump(outcome, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
