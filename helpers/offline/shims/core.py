"""moto's server app, its reset and its account resolution, behind one small surface.

Pinned to one moto version: the emulator reaches into these internals, and a different version
may have moved them. :func:`check_version` refuses to run with another version.
"""

from __future__ import annotations

import os
from typing import Any

import moto

PINNED_MOTO = "5.2.5"


class MotoVersionError(RuntimeError):
    """The installed moto is not the version the shims were written and tested against."""


def check_version(version: str | None = None) -> None:
    """Raise unless moto is the pinned version (``CDW_ALLOW_MOTO_VERSION=1`` skips the check)."""
    found = version or moto.__version__
    if found != PINNED_MOTO and os.environ.get("CDW_ALLOW_MOTO_VERSION") != "1":
        raise MotoVersionError(
            f"moto {found} is installed, but the offline emulator is pinned to moto {PINNED_MOTO}. "
            "Run `make setup` (or pip install -r requirements.txt) to install the pinned version.")


def install() -> None:
    """Load AWS managed IAM policies into every account, as a real account has them."""
    from moto import settings

    # moto reads this through settings.load_iam_aws_managed_policies() when an IAM backend is made.
    settings.default_user_config.setdefault("iam", {})["load_aws_managed_policies"] = True


def moto_app() -> Any:
    """moto's WSGI dispatcher over all its services."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    return DomainDispatcherApplication(create_backend_app)


def account_for(access_key: str | None) -> str:
    """The account a request's access key belongs to, resolved the way moto resolves it."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.iam.models import get_account_id_from

    if not access_key:
        return DEFAULT_ACCOUNT_ID
    return get_account_id_from(access_key)


def reset_backends() -> None:
    """Reset every moto backend, ours included (they are BackendDicts too)."""
    from moto.moto_api._internal.models import moto_api_backend

    moto_api_backend.reset()


def seed(value: int) -> None:
    """Seed moto's own id generator, so ids moto makes repeat under a fixed seed."""
    from moto.moto_api._internal import mock_random

    mock_random.seed(value)


def request_handler() -> Any:
    """moto's werkzeug request handler (it keeps S3 metadata headers that contain underscores)."""
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    return MotoRequestHandler


def moto_backend_app(dispatcher: Any, environ: dict[str, Any]) -> Any | None:
    """moto's app for this request, or None when moto has no such service at all.

    moto's dispatcher (``DomainDispatcherApplication.__call__``) is this lookup followed by a call
    of the app; with no backend for the request's service it fails inside the lookup
    (``backends.get_backend(None)`` → AttributeError), which would be a retried HTTP 500.
    """
    try:
        return dispatcher.get_application(environ)
    except AttributeError:
        return None
