"""nextToken paging for CodeDeploy's list operations."""

from __future__ import annotations

import base64
from typing import Any

from helpers.offline.services import ServiceError

#: Items per page. AWS does not document CodeDeploy's page size (inferred); 100 keeps one page
#: for typical accounts while letting pagination be exercised.
PAGE_SIZE = 100


def page(items: list[Any], token: str | None,
         size: int = PAGE_SIZE) -> tuple[list[Any], str | None]:
    """Return one page of ``items`` starting at ``token`` and the token of the next page."""
    start = 0
    if token:
        try:
            start = int(base64.urlsafe_b64decode(token.encode()).decode().removeprefix("cdw:"))
        except (ValueError, UnicodeDecodeError):
            raise ServiceError("InvalidNextTokenException",
                               "The nextToken is invalid: pass the nextToken from the previous "
                               "response unchanged.") from None
        if start < 0 or start > len(items):
            raise ServiceError("InvalidNextTokenException", "The nextToken is out of range.")
    end = start + size
    nxt = base64.urlsafe_b64encode(f"cdw:{end}".encode()).decode() if end < len(items) else None
    return items[start:end], nxt
