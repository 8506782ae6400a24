"""Services the emulator owns outright, served in the AWS JSON protocol.

An owned service is a class whose methods are named after its operations in snake_case
(``list_deployment_configs``). Each takes a :class:`Request` and returns the response as a dict.
It raises :class:`ServiceError` with AWS's exception name for bad input. An operation that the
botocore model knows but the class does not have answers HTTP 501, naming the operation.

State lives in moto ``BackendDict`` objects (see each service's ``models.py``), so moto's reset
clears it with everything else.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from helpers.offline import protocol

log = logging.getLogger(__name__)


class ServiceError(Exception):
    """An error the service returns to the caller, with AWS's exception name."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass
class Request:
    """One call to an owned service."""

    operation: str
    params: dict[str, Any]
    account_id: str
    region: str
    access_key: str | None


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class OwnedService:
    """Base class: dispatch a JSON-protocol request to a method named after the operation."""

    #: The botocore service name, e.g. ``"codedeploy"``.
    service_name: ClassVar[str]

    def __init__(self, endpoint: Any) -> None:
        self.endpoint = endpoint
        model = protocol.service_model(self.service_name)
        self.target_prefix = model.metadata["targetPrefix"]
        self.operation_names = set(model.operation_names)

    @property
    def engine(self) -> Any:
        """The endpoint's engine."""
        return self.endpoint.engine

    def wsgi(self, environ: dict[str, Any], start_response: Any, account_id: str,
             region: str, access_key: str | None) -> list[bytes]:
        """Serve one request."""
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        operation = target.rsplit(".", 1)[-1]
        status, headers, body = self.handle(operation, self._body(environ), account_id,
                                            region, access_key)
        start_response(f"{status} {_reason(status)}", headers)
        return [body]

    @staticmethod
    def _body(environ: dict[str, Any]) -> bytes:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        return environ["wsgi.input"].read(length) if length else b""

    def handle(self, operation: str, body: bytes, account_id: str, region: str,
               access_key: str | None) -> tuple[int, list[tuple[str, str]], bytes]:
        """Run ``operation`` and return status, headers and body."""
        method = getattr(self, _snake(operation), None) if operation else None
        if operation not in self.operation_names or method is None:
            return protocol.not_implemented(self.service_name, operation or None)
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            return protocol.error_response("json", "SerializationException",
                                           "The request body is not valid JSON.", 400)
        request = Request(operation, params, account_id, region, access_key)
        try:
            result = method(request)
        except ServiceError as err:
            return protocol.error_response("json", err.code, err.message, err.status)
        except Exception:  # noqa: BLE001 - the caller gets a clean error, the log the traceback
            log.exception("%s.%s failed", self.service_name, operation)
            return protocol.error_response(
                "json", "InternalFailure",
                f"The offline endpoint failed on {self.service_name}:{operation}; "
                "see the endpoint's log for details.", 500)
        payload = json.dumps(result or {}, default=_json_default).encode()
        return 200, [("Content-Type", "application/x-amz-json-1.1")], payload


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _reason(status: int) -> str:
    return {200: "OK", 400: "Bad Request", 500: "Internal Server Error",
            501: "Not Implemented"}.get(status, "")
