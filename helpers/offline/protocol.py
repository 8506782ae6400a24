"""Error bodies in each AWS protocol, so botocore parses our errors like the real service's."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

import botocore.session

NOT_IMPLEMENTED_STATUS = 501


@lru_cache(maxsize=None)
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
    """Status, headers and body of an error in ``protocol`` (json, rest-json, query, ec2, rest-xml)."""
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


def not_implemented(service: str | None, operation: str | None) -> tuple[int, list, bytes]:
    """HTTP 501 naming the operation, in the service's protocol (botocore does not retry 501)."""
    model = service_model(service) if service else None
    protocol = model.protocol if model is not None else "json"
    what = f"{service or 'unknown service'}:{operation or 'unknown operation'}"
    message = (f"{what} is not implemented by the offline endpoint. "
               "See docs/offline-differences.md for what the emulator covers.")
    return error_response(protocol, "NotImplemented", message, NOT_IMPLEMENTED_STATUS)
