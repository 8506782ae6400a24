"""Shared fixtures: one in-process offline endpoint per test session, reset before each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from helpers.offline.endpoint import Endpoint
from helpers.offline.engine import FIXED_EPOCH


@pytest.fixture(scope="session")
def endpoint() -> Iterator[Endpoint]:
    """The session's endpoint (fixed epoch, seeded ids, time scale max)."""
    ep = Endpoint(port=0, epoch=FIXED_EPOCH, seed=42).start()
    yield ep
    ep.stop()


@pytest.fixture
def ep(endpoint: Endpoint) -> Endpoint:
    """The endpoint, reset to an empty account and the fixed epoch."""
    endpoint.reset(scale="max", epoch=FIXED_EPOCH, seed=42)
    return endpoint


@pytest.fixture
def aws(ep: Endpoint) -> Callable[[str], Any]:
    """A factory of boto3 clients for the endpoint, as an outside caller (any fake credentials)."""
    def make(service: str) -> Any:
        return boto3.client(service, endpoint_url=ep.url, region_name="us-east-1",
                            aws_access_key_id="testing", aws_secret_access_key="testing",
                            config=Config(retries={"max_attempts": 1}))
    return make
