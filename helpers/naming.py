"""Deterministic resource names and the workbook's tags (ARCHITECTURE §4).

Every resource a notebook creates is named ``cdw-<participant>-<notebook>-<suffix>`` and tagged
``cdw:run``, ``cdw:participant`` and ``cdw:notebook``, so :mod:`helpers.cleanup` can find it again
by tag, or by name prefix where a resource takes no tags.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

#: Names must work for the strictest service the workbook uses: S3 bucket names
#: (3–63 characters, lowercase letters, digits and hyphens, starting and ending alphanumeric).
_PART = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
MAX_NAME = 63
PREFIX = "cdw"


class InvalidNameError(ValueError):
    """A participant, notebook or suffix that would not make a valid AWS resource name."""


def check_part(value: str, what: str, fix: str) -> str:
    """Return ``value`` if it is a valid name part, else raise with the fix in the message."""
    if not _PART.match(value or ""):
        raise InvalidNameError(
            f"{what} {value!r} cannot be part of an AWS resource name: use lowercase letters, "
            f"digits and hyphens, starting and ending with a letter or digit. {fix}")
    return value


def participant_prefix(participant: str) -> str:
    """The prefix of every name a participant's notebooks create: ``cdw-<participant>-``."""
    return f"{PREFIX}-{participant}-"


def resource_name(participant: str, notebook: str, suffix: str) -> str:
    """``cdw-<participant>-<notebook>-<suffix>``, checked to be a valid name for any service."""
    check_part(suffix, "name suffix", "Pass something like wb.name('app') or wb.name('site-1').")
    name = f"{participant_prefix(participant)}{notebook}-{suffix}"
    if len(name) > MAX_NAME:
        raise InvalidNameError(
            f"resource name {name!r} is {len(name)} characters; AWS allows {MAX_NAME} for S3 "
            "buckets. Use a shorter suffix (or a shorter CDW_PARTICIPANT).")
    return name


def new_run_id(deterministic: bool) -> str:
    """An id for one run: fixed under ``CDW_DETERMINISTIC=1``, else time plus random."""
    if deterministic:
        return "run-fixed"
    stamp = datetime.now(UTC).strftime("%Y%m%dt%H%M%S")
    return f"run-{stamp}-{secrets.token_hex(2)}"


def tags(run: str, participant: str, notebook: str) -> dict[str, str]:
    """The workbook's tags as a dict."""
    return {"cdw:run": run, "cdw:participant": participant, "cdw:notebook": notebook}


def tag_list(tag_dict: dict[str, str]) -> list[dict[str, str]]:
    """A tag dict as AWS's ``[{"Key": ..., "Value": ...}]`` list."""
    return [{"Key": k, "Value": v} for k, v in tag_dict.items()]
