"""The front WSGI router: one port for moto, the owned services, git and the control API.

* ``/_cdw/…``     → the control API (:mod:`helpers.offline.control`).
* ``/v1/repos/…`` → git smart HTTP for CodeCommit repositories (the CodeCommit service mounts it;
  until then the route answers 501).
* a request signed for a service the emulator owns → that service (:mod:`helpers.offline.services`).
* everything else → moto's app. An operation moto lacks answers 501 in the service's protocol.

Before an outside caller's request is answered, the engine settles under ``max`` so the caller
sees the state "as far as it can go". Processes the engine started (job keys) never wait.
"""

from __future__ import annotations

import logging
from typing import Any

from helpers.offline import delivery, identity, protocol
from helpers.offline.shims import core

log = logging.getLogger(__name__)


class Router:
    """The endpoint's WSGI application."""

    def __init__(self, endpoint: Any) -> None:
        from helpers.offline.control import ControlApp

        self.endpoint = endpoint
        self.control = ControlApp(endpoint)
        self.moto = core.moto_app()
        #: Apps mounted by services under a path prefix, e.g. git under "/v1/repos/".
        self.mounts: dict[str, Any] = {}

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        # moto's handlers and the shims find the endpoint serving them through this context.
        with delivery.using(self.endpoint):
            return self._route(environ, start_response)

    def _route(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_cdw/"):
            return self.control(environ, start_response)
        for prefix, app in self.mounts.items():
            if path.startswith(prefix):
                return app(environ, start_response)
        if path.startswith("/v1/repos/"):
            return self._send(start_response, *protocol.error_response(
                "rest-json", "NotImplemented",
                "git over HTTP for CodeCommit is not implemented by the offline endpoint yet.",
                501))

        access_key, region, service = identity.credential_scope(environ)
        if not identity.is_job_key(access_key):
            self.endpoint.engine.settle()
        owned = self.endpoint.services.get(service or "")
        if owned is not None and environ.get("HTTP_X_AMZ_TARGET"):
            return owned.wsgi(environ, start_response, core.account_for(access_key),
                              region or "us-east-1", access_key)
        return self._moto(environ, start_response, service)

    def _moto(self, environ: dict[str, Any], start_response: Any,
              service: str | None) -> Any:
        """moto's answer, with 501 for whatever it lacks: a service, a route or an action."""
        app = core.moto_backend_app(self.moto, environ)
        if app is None:
            log.info("moto serves no service %r", service)
            return self._send(start_response, *protocol.not_implemented(
                service, _rest_operation(environ, service)))
        held: list[tuple[str, list]] = []

        def hold_not_found(status: str, headers: list, exc_info: Any = None) -> Any:
            # A 404/405 may be moto's router not knowing the path (an operation it lacks);
            # keep it back until the body shows which it is.
            if status[:3] in ("404", "405") and environ.get("REQUEST_METHOD") != "HEAD":
                held.append((status, headers))
                return lambda data: None
            return start_response(status, headers, exc_info)

        try:
            body = app(environ, hold_not_found)
        except NotImplementedError as exc:
            log.info("not implemented: %s", exc)
            return self._send(start_response, *protocol.not_implemented(
                service, _operation(environ, exc, service)))
        if not held:
            return body
        status, headers = held[0]
        content = b"".join(body)
        if hasattr(body, "close"):
            body.close()
        if _is_route_miss(headers, content):
            log.info("moto has no route for %s %s", environ.get("REQUEST_METHOD"),
                     environ.get("PATH_INFO"))
            return self._send(start_response, *protocol.not_implemented(
                service, _rest_operation(environ, service)))
        start_response(status, headers)
        return [content]

    @staticmethod
    def _send(start_response: Any, status: int, headers: list, body: bytes) -> list[bytes]:
        start_response(f"{status} {'Not Implemented' if status == 501 else 'Error'}", headers)
        return [body]


def _is_route_miss(headers: list, body: bytes) -> bool:
    """True for werkzeug's own HTML 'Not Found'/'Method Not Allowed' page (moto's router knows
    no such path) — never for a service's 404 error, which has a JSON or XML body."""
    content_type = dict((k.lower(), v) for k, v in headers).get("content-type", "")
    return (content_type.startswith("text/html")
            and body.lstrip()[:14].lower() == b"<!doctype html")


def _rest_operation(environ: dict[str, Any], service: str | None) -> str | None:
    return protocol.rest_operation(service, environ.get("REQUEST_METHOD", "GET"),
                                   environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""))


def _operation(environ: dict[str, Any], exc: Exception, service: str | None) -> str | None:
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target.rsplit(".", 1)[-1]
    query = environ.get("QUERY_STRING", "")
    for part in query.split("&"):
        if part.startswith("Action="):
            return part.split("=", 1)[1]
    # moto's message names the action in snake_case: "The foo_bar action has not been implemented"
    words = str(exc).split()
    if len(words) > 2 and words[0] == "The":
        return (protocol.operation_named(service, words[1])
                or words[1].replace("_", " ").title().replace(" ", ""))
    return _rest_operation(environ, service)
