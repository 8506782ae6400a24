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

from helpers.offline import identity, protocol
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
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_cdw/"):
            return self.control(environ, start_response)
        for prefix, app in self.mounts.items():
            if path.startswith(prefix):
                return app(environ, start_response)
        if path.startswith("/v1/repos/"):
            return self._send(start_response, *protocol.error_response(
                "rest-json", "NotImplemented",
                "git over HTTP for CodeCommit is not implemented by the offline endpoint yet.", 501))

        access_key, region, service = identity.credential_scope(environ)
        if not identity.is_job_key(access_key):
            self.endpoint.engine.settle()
        owned = self.endpoint.services.get(service or "")
        if owned is not None and environ.get("HTTP_X_AMZ_TARGET"):
            return owned.wsgi(environ, start_response, core.account_for(access_key),
                              region or "us-east-1", access_key)
        try:
            return self.moto(environ, start_response)
        except NotImplementedError as exc:
            log.info("not implemented: %s", exc)
            return self._send(start_response, *protocol.not_implemented(
                service, _operation(environ, exc)))

    @staticmethod
    def _send(start_response: Any, status: int, headers: list, body: bytes) -> list[bytes]:
        start_response(f"{status} {'Not Implemented' if status == 501 else 'Error'}", headers)
        return [body]


def _operation(environ: dict[str, Any], exc: Exception) -> str | None:
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
        return words[1].replace("_", " ").title().replace(" ", "")
    return None
