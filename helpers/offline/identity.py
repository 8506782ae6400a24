"""Who is calling: the access key of a request, and the fake keys of processes we start.

Processes the engine starts carry access keys of their own (``CDWJOB…``), so their calls back
into the endpoint are recognised: they never wait for the engine to settle (which would wait on
themselves), and the emulator knows which job made them.
"""

from __future__ import annotations

import itertools
import re
import threading
from typing import Any

JOB_KEY_PREFIX = "CDWJOB"
_counter = itertools.count(1)
_labels: dict[str, str] = {}
_lock = threading.Lock()

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")


def issue_job_key(label: str) -> str:
    """Issue a fake access key id for a process the engine starts, remembering its label."""
    with _lock:
        key = f"{JOB_KEY_PREFIX}{next(_counter):014d}"
        _labels[key] = label
    return key


def job_label(access_key: str | None) -> str | None:
    """The label a job key was issued with (None for an outside caller)."""
    return _labels.get(access_key or "")


def is_job_key(access_key: str | None) -> bool:
    """True for keys the engine issued to its own processes."""
    return bool(access_key) and access_key.startswith(JOB_KEY_PREFIX)


def credential_scope(environ: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(access key, region, service) from a SigV4 Authorization header or presigned URL."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    match = _CREDENTIAL.search(auth)
    if match is None:
        query = environ.get("QUERY_STRING", "")
        qmatch = re.search(r"X-Amz-Credential=([^&]+)", query)
        if qmatch:
            from urllib.parse import unquote

            parts = unquote(qmatch.group(1)).split("/")
            if len(parts) >= 4:
                return parts[0], parts[2], parts[3]
        return None, None, None
    return match.group(1), match.group(2), match.group(3)
