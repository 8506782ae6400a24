"""A build's log: lines stamped on the virtual clock, sent to CloudWatch Logs on the endpoint.

The group is ``/aws/codebuild/<project>`` (or the project's ``logsConfig`` group) and the stream is
the build id's UUID, as CodeBuild names them. Agent lines look like CodeBuild's
(``[Container] 2026/01/05 09:00:31.000000 Running command …``); command output follows as is.
Values of Parameter Store and Secrets Manager variables are masked (exact matches only).
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Any

log = logging.getLogger(__name__)

_BATCH = 1000


class BuildLog:
    """Collects a build's log lines; :meth:`flush` writes them (call it from a worker)."""

    def __init__(self, endpoint: Any, group: str, stream: str) -> None:
        self.endpoint = endpoint
        self.group = group
        self.stream = stream
        self.secrets: list[str] = []
        self._pending: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._created = False
        self._last = 0

    def _stamp(self, when: datetime) -> int:
        # CloudWatch wants each batch in order; lines added at one instant keep their order.
        millis = max(int(when.timestamp() * 1000), self._last)
        self._last = millis
        return millis

    def _mask(self, text: str) -> str:
        for secret in self.secrets:
            if secret:
                text = text.replace(secret, "***")
        return text

    def agent(self, when: datetime, message: str) -> None:
        """Add a line from the CodeBuild agent."""
        stamp = when.strftime("%Y/%m/%d %H:%M:%S.%f")
        self._add(when, f"[Container] {stamp} {message}")

    def output(self, when: datetime, text: str) -> None:
        """Add the output of a command, one event per line."""
        for line in text.splitlines():
            self._add(when, line)

    def _add(self, when: datetime, message: str) -> None:
        with self._lock:
            self._pending.append({"timestamp": self._stamp(when), "message": self._mask(message)})

    def flush(self) -> None:
        """Send what was added since the last flush; never raise (a lost log fails no build)."""
        with self._lock:
            events, self._pending = self._pending, []
        if not events:
            return
        logs = self.endpoint.client("logs")
        try:
            if not self._created:
                try:
                    logs.create_log_group(logGroupName=self.group)
                except logs.exceptions.ResourceAlreadyExistsException:
                    pass
                try:
                    logs.create_log_stream(logGroupName=self.group, logStreamName=self.stream)
                except logs.exceptions.ResourceAlreadyExistsException:
                    pass
                self._created = True
            for i in range(0, len(events), _BATCH):
                logs.put_log_events(logGroupName=self.group, logStreamName=self.stream,
                                    logEvents=events[i:i + _BATCH])
        except Exception:  # noqa: BLE001
            log.exception("could not write build log to %s/%s", self.group, self.stream)
