"""The offline endpoint: router + engine + emulator, served on 127.0.0.1.

Run it in-process (``Endpoint(port=0).start()``, what the workbench and test fixtures do) or as its
own process (``python -m helpers serve``). Both serve the same router, so callers cannot tell them
apart.
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import datetime
from typing import Any

from werkzeug.serving import make_server

from helpers.offline import identity, work
from helpers.offline.engine import FIXED_EPOCH, MAX, Engine
from helpers.offline.faults import Faults

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
DEFAULT_PORT = 4566
REGION = "us-east-1"


def _owned_services() -> list[type]:
    """The services the emulator owns: each ``helpers/offline/<service>/responses.py`` defines
    one :class:`~helpers.offline.services.OwnedService` subclass."""
    import importlib
    import pkgutil

    import helpers.offline as package
    from helpers.offline.services import OwnedService

    found = []
    for module in pkgutil.iter_modules(package.__path__):
        if not module.ispkg or module.name == "shims":
            continue
        try:
            responses = importlib.import_module(f"helpers.offline.{module.name}.responses")
        except ModuleNotFoundError:
            continue
        found += [obj for obj in vars(responses).values()
                  if isinstance(obj, type) and issubclass(obj, OwnedService)
                  and obj is not OwnedService and obj.__module__ == responses.__name__]
    return found


def deterministic_defaults() -> tuple[datetime | None, int | None]:
    """The fixed epoch and seed when ``CDW_DETERMINISTIC=1`` (helpers run, nbval, tests)."""
    if os.environ.get("CDW_DETERMINISTIC") == "1":
        epoch = os.environ.get("CDW_EPOCH")
        return (datetime.fromisoformat(epoch) if epoch else FIXED_EPOCH,
                int(os.environ.get("CDW_SEED", "42")))
    return None, None


class Endpoint:
    """One offline endpoint."""

    def __init__(self, port: int = 0, scale: str | float = MAX,
                 epoch: datetime | None = None, seed: int | None = None) -> None:
        default_epoch, default_seed = deterministic_defaults()
        self.engine = Engine(scale=scale, epoch=epoch or default_epoch,
                             seed=seed if seed is not None else default_seed)
        self.faults = Faults(self)
        self.port = port
        self.services: dict[str, Any] = {}
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._clients: dict[str, Any] = {}
        self._client_key = identity.issue_job_key("endpoint")

    @property
    def url(self) -> str:
        """The endpoint URL, e.g. ``http://127.0.0.1:4566``."""
        return f"http://{HOST}:{self.port}"

    def start(self) -> Endpoint:
        """Install the emulator, start the engine and serve on a thread; return once accepting."""
        from helpers.offline import shims
        from helpers.offline.router import Router

        shims.install()
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self.engine.start()
        for cls in _owned_services():
            self.services[cls.service_name] = cls(self)
        self._server = make_server(HOST, self.port, Router(self), threaded=True,
                                   request_handler=_request_handler())
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name="cdw-endpoint", daemon=True)
        self._thread.start()
        self._apply_seed()
        log.info("offline endpoint serving on %s", self.url)
        return self

    def stop(self) -> None:
        """Stop serving, stop every process the endpoint started, stop the engine."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        killed = work.kill_all()
        if killed:
            log.info("stopped %d process group(s) the endpoint had started", killed)
        self.engine.stop()

    def reset(self, scale: str | float | None = None, epoch: datetime | None = None,
              seed: int | None = None) -> None:
        """Forget every resource, fault and timer; restart the clock."""
        from helpers.offline.shims import core

        default_epoch, default_seed = deterministic_defaults()
        work.kill_all()
        self.faults.clear()
        core.reset_backends()
        self.engine.reset(scale=scale, epoch=epoch or default_epoch,
                          seed=seed if seed is not None else default_seed)
        self._apply_seed()

    def _apply_seed(self) -> None:
        if self.engine.seed is not None:
            from helpers.offline.shims import core

            core.seed(self.engine.seed)

    def client(self, service: str) -> Any:
        """A boto3 client of the endpoint itself, signed with the endpoint's own job key."""
        if service not in self._clients:
            import boto3
            import botocore.session
            from botocore.config import Config

            # A session that reads no profile or config file: the learner's AWS_PROFILE (which
            # may not even exist here) must not leak into the endpoint's own calls.
            nothing = (None, None, None, None)
            core_session = botocore.session.Session(session_vars={
                "profile": nothing,
                "config_file": (None, None, os.devnull, None),
                "credentials_file": (None, None, os.devnull, None)})
            session = boto3.session.Session(
                botocore_session=core_session, aws_access_key_id=self._client_key,
                aws_secret_access_key="cdw-offline-secret", region_name=REGION)
            self._clients[service] = session.client(
                service, endpoint_url=self.url, config=Config(retries={"max_attempts": 1}))
        return self._clients[service]

    def job_env(self, label: str, extra: dict[str, str] | None = None) -> dict[str, str]:
        """A clean environment, with a fresh job key, for a process the engine starts."""
        return work.job_env(self.url, identity.issue_job_key(label), REGION, extra)


def _request_handler() -> Any:
    from helpers.offline.shims import core

    return core.request_handler()
