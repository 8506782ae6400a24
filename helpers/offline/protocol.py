"""Error bodies in each AWS protocol, so botocore parses our errors like the real service's."""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from typing import Any
from xml.sax.saxutils import escape

import botocore.session

NOT_IMPLEMENTED_STATUS = 501


@cache
def service_model(service: str) -> Any:
    """The botocore service model for a signing name or endpoint prefix (None if unknown)."""
    session = _session()
    names = set(session.get_available_services())
    if service in names:
        return session.get_service_model(service)
    for name in names:
        model = session.get_service_model(name)
        if service in (model.signing_name, model.endpoint_prefix):
            return model
    return None


@lru_cache(maxsize=1)
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


def error_response(protocol: str, code: str, message: str,
                   status: int) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body of an error in ``protocol`` (json, rest-json, query, ec2,
    rest-xml)."""
    if protocol in ("json", "rest-json", "smithy-rpc-v2-cbor"):
        headers = [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", code)]
        body = json.dumps({"__type": code, "message": message, "Message": message})
    elif protocol == "ec2":
        headers = [("Content-Type", "text/xml")]
        body = (f"<Response><Errors><Error><Code>{escape(code)}</Code><Message>{escape(message)}"
                "</Message></Error></Errors><RequestID>cdw</RequestID></Response>")
    elif protocol == "rest-xml":
        headers = [("Content-Type", "application/xml")]
        body = f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
    else:  # query
        headers = [("Content-Type", "text/xml")]
        body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{escape(code)}</Code>"
                f"<Message>{escape(message)}</Message></Error><RequestId>cdw</RequestId>"
                "</ErrorResponse>")
    return status, headers, body.encode()


def wire_protocol(model: Any) -> str:
    """The protocol botocore clients speak to the service (models may list several)."""
    try:
        return model.resolved_protocol
    except Exception:  # noqa: BLE001 - an older or odd model: its single protocol
        return model.protocol


@cache
def _uri_patterns(service: str) -> tuple[tuple[str, str, Any, tuple[str, ...], int], ...]:
    """(operation, method, path regex, required query keys, literal length) per operation."""
    model = service_model(service)
    found = []
    for name in model.operation_names if model is not None else ():
        http = model.operation_model(name).http
        uri = http.get("requestUri", "/")
        path, _, query = uri.partition("?")
        literal = len(re.sub(r"\{[^}]*\}", "", path))
        regex = "".join(
            ("[^/]+" if not part.endswith("+}") else ".+") if part.startswith("{")
            else re.escape(part)
            for part in re.split(r"(\{[^}]*\})", path.rstrip("/")))
        keys = tuple(q.split("=", 1)[0] for q in query.split("&") if q)
        found.append((name, http.get("method", "POST"), re.compile(f"^{regex}/?$"), keys,
                      literal))
    return tuple(found)


def rest_operation(service: str | None, method: str, path: str, query: str = "") -> str | None:
    """The operation a REST request (method + path + query keys) addresses, from the model.

    The most literal matching URI wins, as ``/functions/{F}/policy`` over ``/functions/{F}``.
    """
    if not service:
        return None
    given = {part.split("=", 1)[0] for part in query.split("&") if part}
    best: tuple[int, str] | None = None
    for name, verb, regex, keys, literal in _uri_patterns(service):
        if verb == method and regex.match(path) and set(keys) <= given:
            score = literal + 1000 * len(keys)
            if best is None or score > best[0]:
                best = (score, name)
    return best[1] if best else None


def operation_named(service: str | None, snake: str) -> str | None:
    """The model's operation whose snake_case name is ``snake`` (``get_sms_attributes`` →
    ``GetSMSAttributes``)."""
    from botocore import xform_name

    model = service_model(service) if service else None
    if model is None:
        return None
    for name in model.operation_names:
        if xform_name(name) == snake or xform_name(name).replace("_", "") == snake.replace(
                "_", ""):
            return name
    return None


def not_implemented(service: str | None, operation: str | None) -> tuple[int, list, bytes]:
    """HTTP 501 naming the operation, in the service's protocol (botocore does not retry 501)."""
    model = service_model(service) if service else None
    protocol = wire_protocol(model) if model is not None else "json"
    what = f"{service or 'unknown service'}:{operation or 'unknown operation'}"
    message = (f"{what} is not implemented by the offline endpoint. "
               "See docs/offline-differences.md for what the emulator covers.")
    return error_response(protocol, "NotImplemented", message, NOT_IMPLEMENTED_STATUS)
