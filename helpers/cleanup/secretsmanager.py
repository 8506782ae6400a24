"""Secrets Manager: secrets (build variables of type SECRETS_MANAGER, for example).

A secret is in scope when its name starts with the scope's prefix or it carries the scope's
tags. Secrets are deleted without the recovery window, so the name can be used again at once.
"""

from __future__ import annotations

from typing import Any

from helpers.cleanup.base import ResourceType, Scope


def list_secrets(secretsmanager: Any, scope: Scope) -> list[str]:
    """Secret names in scope."""
    found = []
    for page in secretsmanager.get_paginator("list_secrets").paginate():
        for secret in page["SecretList"]:
            if scope.matches_name(secret["Name"]) or scope.matches_tags(secret.get("Tags")):
                found.append(secret["Name"])
    return found


def delete_secret(secretsmanager: Any, name: str) -> None:
    """Delete one secret now (no recovery window)."""
    secretsmanager.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)


RESOURCE_TYPES = [ResourceType("Secrets Manager secret", "secretsmanager", list_secrets,
                               delete_secret, order=200)]
