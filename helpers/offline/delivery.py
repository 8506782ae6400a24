"""Which endpoint a delivery belongs to, seen from inside moto's code.

Deliveries (events to Lambda, SNS to Lambda, ``Invoke`` with ``Event``) need the endpoint: its
engine runs them as real work, its job environment runs the handler. moto's handlers do not know
which endpoint serves them. :func:`current` finds it: the router serves every request inside
:func:`using`, and so do the emulator's own calls (e.g. :func:`helpers.offline.events.publish`).
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterator
from typing import Any

log = logging.getLogger(__name__)

_current: contextvars.ContextVar[Any] = contextvars.ContextVar("cdw_endpoint", default=None)


@contextlib.contextmanager
def using(endpoint: Any) -> Iterator[None]:
    """Make ``endpoint`` the current one for moto calls made inside the block."""
    token = _current.set(endpoint)
    try:
        yield
    finally:
        _current.reset(token)


def current() -> Any:
    """The endpoint serving the current call, or None outside any endpoint."""
    return _current.get()
