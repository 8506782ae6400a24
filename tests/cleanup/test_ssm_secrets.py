"""Cleanup of SSM parameters and Secrets Manager secrets by prefix and tags."""

from __future__ import annotations

from helpers.cleanup import secretsmanager, ssm
from helpers.cleanup.base import Scope

SCOPE = Scope(prefix="cdw-me-", tags={"cdw:participant": "me"})
TAG = [{"Key": "cdw:participant", "Value": "me"}]


def _run(module, client):
    for rtype in module.RESOURCE_TYPES:
        for ident in rtype.list_fn(client, SCOPE):
            rtype.delete_fn(client, ident)


def test_parameters_in_scope_go(aws):
    """Prefixed (with or without a leading /) and tagged parameters go; others stay."""
    client = aws("ssm")
    client.put_parameter(Name="/cdw-me-03/db", Value="x", Type="String")
    client.put_parameter(Name="tagged", Value="x", Type="String", Tags=TAG)
    client.put_parameter(Name="/other", Value="x", Type="String")
    _run(ssm, client)
    assert [p["Name"] for p in client.describe_parameters()["Parameters"]] == ["/other"]


def test_secrets_in_scope_go(aws):
    """Prefixed and tagged secrets go, without a recovery window; others stay."""
    client = aws("secretsmanager")
    client.create_secret(Name="cdw-me-03-db", SecretString="x")
    client.create_secret(Name="tagged", SecretString="x", Tags=TAG)
    client.create_secret(Name="other", SecretString="x")
    _run(secretsmanager, client)
    assert [s["Name"] for s in client.list_secrets()["SecretList"]] == ["other"]
