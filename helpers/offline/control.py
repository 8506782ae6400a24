"""The control API under ``/_cdw/``: health, clock, scale, faults, reset.

JSON in, JSON out. The workbench (``wb.clock``, ``wb.faults``) talks to the emulator only through
these routes, so an in-kernel endpoint and a shared one behave the same.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from helpers.offline.faults import FaultError

log = logging.getLogger(__name__)


class ControlApp:
    """WSGI app for ``/_cdw/…``."""

    def __init__(self, endpoint: Any) -> None:
        self.endpoint = endpoint

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "").rstrip("/")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            raw = environ["wsgi.input"].read(length) if length else b""
            body = json.loads(raw) if raw else {}
            status, result = self.route(method, path, body)
        except (ValueError, FaultError) as exc:
            status, result = 400, {"error": str(exc)}
        except Exception as exc:  # noqa: BLE001 - the caller gets the message, the log the rest
            log.exception("control API %s %s failed", method, path)
            status, result = 500, {"error": f"{type(exc).__name__}: {exc}"}
        payload = json.dumps(result, default=str).encode()
        reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 500: "Error"}.get(status, "")
        start_response(f"{status} {reason}", [("Content-Type", "application/json")])
        return [payload]

    def route(self, method: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        """Answer one control request."""
        ep = self.endpoint
        engine = ep.engine
        if path == "/_cdw/health" and method == "GET":
            return 200, {"status": "ok", "url": ep.url, "clock": engine.status()}
        if path == "/_cdw/clock" and method == "GET":
            engine.settle()
            return 200, engine.status()
        if path == "/_cdw/clock/advance" and method == "POST":
            engine.advance(float(body.get("seconds", 0)))
            engine.settle()
            return 200, engine.status()
        if path == "/_cdw/clock/scale" and method == "POST":
            engine.set_scale(body.get("scale", "max"))
            return 200, engine.status()
        if path == "/_cdw/faults":
            if method == "GET":
                return 200, {"faults": ep.faults.list()}
            if method == "POST":
                return 200, ep.faults.add(body)
            if method == "DELETE":
                ep.faults.clear()
                return 200, {"faults": []}
        if path == "/_cdw/reset" and method == "POST":
            epoch = body.get("epoch")
            ep.reset(scale=body.get("scale"),
                     epoch=datetime.fromisoformat(epoch) if epoch else None,
                     seed=body.get("seed"))
            return 200, engine.status()
        return 404, {"error": f"no control route {method} {path}; see helpers/offline/control.py"}
