"""Cleanup: deletes what is in scope (by tag and by prefix), leaves the rest, verifies."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

from helpers import cleanup, workbench
from helpers.__main__ import main
from helpers.cleanup import iam as iam_types
from helpers.cleanup import runner
from helpers.cleanup import s3 as s3_types
from helpers.cleanup.base import ResourceType, Scope

#: The types under test here; other services' modules have their own tests.
TYPES = [*s3_types.RESOURCE_TYPES, *iam_types.RESOURCE_TYPES]
SCOPE = Scope(prefix="cdw-ana-", tags={"cdw:participant": "ana"})
TAGS = [{"Key": "cdw:participant", "Value": "ana"}, {"Key": "cdw:run", "Value": "r1"}]
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})


@pytest.fixture
def clients(aws: Callable[[str], Any]) -> dict[str, Any]:
    """One client per service the cleanup modules use."""
    return {"s3": aws("s3"), "iam": aws("iam")}


def _bucket(s3: Any, name: str, tags: list[dict[str, str]] | None = None,
            versions: int = 1) -> None:
    s3.create_bucket(Bucket=name)
    if tags:
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tags})
    if versions > 1:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    for n in range(versions):
        s3.put_object(Bucket=name, Key="a.txt", Body=f"v{n}".encode())
    s3.delete_object(Bucket=name, Key="a.txt")  # a delete marker when versioned


def _buckets(s3: Any) -> set[str]:
    return {b["Name"] for b in s3.list_buckets()["Buckets"]}


def test_registry_finds_service_modules() -> None:
    """Every module with RESOURCE_TYPES is found, in deletion order (roles last)."""
    names = [t.name for t in cleanup.resource_types()]
    assert "S3 bucket" in names and "IAM role" in names
    assert names.index("IAM role") > names.index("S3 bucket")


def test_s3_buckets_by_tag_and_by_prefix(clients: dict[str, Any]) -> None:
    """Tagged buckets and prefix-named buckets go (with all versions); others stay."""
    s3 = clients["s3"]
    _bucket(s3, "team-tagged-elsewhere", TAGS, versions=3)
    _bucket(s3, "cdw-ana-00-untagged")
    _bucket(s3, "cdw-bob-00-other", [{"Key": "cdw:participant", "Value": "bob"}])
    _bucket(s3, "unrelated")
    report = cleanup.run(clients, SCOPE, types=TYPES)
    assert report.ok, report
    assert sorted(report.deleted) == [("S3 bucket", "cdw-ana-00-untagged"),
                                      ("S3 bucket", "team-tagged-elsewhere")]
    assert _buckets(s3) == {"cdw-bob-00-other", "unrelated"}


def test_run_scope_keeps_other_runs(clients: dict[str, Any]) -> None:
    """A scope with cdw:run deletes that run's tagged resources only."""
    s3 = clients["s3"]
    _bucket(s3, "x-run-1", TAGS)
    _bucket(s3, "x-run-2", [{"Key": "cdw:participant", "Value": "ana"},
                            {"Key": "cdw:run", "Value": "r2"}])
    scope = Scope(prefix="cdw-ana-05-", tags={"cdw:participant": "ana", "cdw:run": "r1"})
    assert cleanup.run(clients, scope, types=TYPES).ok
    assert _buckets(s3) == {"x-run-2"}


def test_iam_roles_with_policies(clients: dict[str, Any]) -> None:
    """Roles in scope are deleted with their policies and instance-profile links."""
    iam = clients["iam"]
    iam.create_role(RoleName="cdw-ana-03-build", AssumeRolePolicyDocument=TRUST)
    iam.attach_role_policy(RoleName="cdw-ana-03-build",
                           PolicyArn="arn:aws:iam::aws:policy/AWSCodeBuildDeveloperAccess")
    iam.put_role_policy(RoleName="cdw-ana-03-build", PolicyName="logs", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:*",
                                                 "Resource": "*"}]}))
    iam.create_instance_profile(InstanceProfileName="cdw-ana-03-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="cdw-ana-03-profile",
                                     RoleName="cdw-ana-03-build")
    iam.create_role(RoleName="tagged-role", AssumeRolePolicyDocument=TRUST, Tags=TAGS)
    iam.create_role(RoleName="keep-me", AssumeRolePolicyDocument=TRUST)
    report = cleanup.run(clients, SCOPE, types=TYPES)
    assert report.ok, report
    roles = {r["RoleName"] for r in iam.list_roles()["Roles"]}
    assert "keep-me" in roles and not roles & {"cdw-ana-03-build", "tagged-role"}


def _stuck_type(bucket: str) -> ResourceType:
    """A resource type whose delete does nothing (as if AWS refused silently)."""
    def list_fn(s3: Any, scope: Scope) -> list[str]:
        return [n for n in _buckets(s3) if scope.matches_name(n)]
    return ResourceType("stuck bucket", "s3", list_fn, lambda s3, ident: None)


def test_verification_reports_what_is_left(clients: dict[str, Any]) -> None:
    """A delete that does not delete shows up in the second listing: the report is not ok."""
    _bucket(clients["s3"], "cdw-ana-00-stuck")
    report = cleanup.run(clients, SCOPE, types=[_stuck_type("cdw-ana-00-stuck")])
    assert not report.ok
    assert report.remaining == [("stuck bucket", "cdw-ana-00-stuck")]
    assert "still there: stuck bucket cdw-ana-00-stuck" in str(report)


def test_failed_delete_and_unlistable_type(clients: dict[str, Any]) -> None:
    """A delete that raises is recorded; a type that cannot be listed makes the report not ok."""
    _bucket(clients["s3"], "cdw-ana-00-fails")

    def boom(s3: Any, ident: str) -> None:
        raise RuntimeError("AccessDenied")

    def cannot_list(s3: Any, scope: Scope) -> list[str]:
        raise RuntimeError("no permission to list")
    failing = ResourceType("S3 bucket", "s3", _stuck_type("").list_fn, boom)
    unlistable = ResourceType("mystery", "s3", cannot_list, boom)
    report = cleanup.run(clients, SCOPE, types=[failing, unlistable])
    assert report.failed == [("S3 bucket", "cdw-ana-00-fails", "RuntimeError: AccessDenied")]
    assert report.unlisted == [("mystery", "RuntimeError: no permission to list")]
    assert report.remaining == [("S3 bucket", "cdw-ana-00-fails")]
    assert not report.ok


def test_accepts_session_mapping_or_callable(ep: Any) -> None:
    """Clients can come from a boto3 Session, a mapping, or a callable."""
    session = boto3.Session(aws_access_key_id="t", aws_secret_access_key="t",
                            region_name="us-east-1")

    class Source:
        def client(self, service: str) -> Any:
            return session.client(service, endpoint_url=ep.url)
    assert cleanup.run(Source(), SCOPE, types=TYPES).ok
    assert cleanup.run(lambda service: Source().client(service), SCOPE, types=TYPES).ok
    with pytest.raises(TypeError, match="workbench, a boto3 Session"):
        cleanup.run(42, SCOPE)


@pytest.fixture
def cli_env(ep: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """`python -m helpers cleanup` attached to the test endpoint, as participant ana."""
    saved = dict(os.environ)
    monkeypatch.setattr(workbench, "_local_endpoint", None)
    for key in [k for k in os.environ if k.startswith("CDW_")]:
        del os.environ[key]
    os.environ.update({"CDW_ENDPOINT": ep.url, "CDW_PARTICIPANT": "ana"})
    yield ep
    os.environ.clear()
    os.environ.update(saved)
    boto3.DEFAULT_SESSION = None


def test_cli_exits_zero_when_clean(cli_env: Any, aws: Callable[[str], Any],
                                   monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    """The command deletes the participant's resources and exits 0."""
    _bucket(aws("s3"), "cdw-ana-00-site")
    monkeypatch.setattr(runner, "resource_types", lambda: TYPES)
    assert main(["cleanup"]) == 0
    assert "deleted: S3 bucket cdw-ana-00-site" in capsys.readouterr().out
    assert "cdw-ana-00-site" not in _buckets(aws("s3"))


def test_cli_exits_non_zero_and_prints_what_is_left(
        cli_env: Any, aws: Callable[[str], Any], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Anything left after cleanup makes the command fail, naming it."""
    _bucket(aws("s3"), "cdw-ana-00-stuck")
    monkeypatch.setattr(runner, "resource_types", lambda: [_stuck_type("cdw-ana-00-stuck")])
    assert main(["cleanup"]) == 1
    out = capsys.readouterr().out
    assert "NOT CLEAN" in out and "still there: stuck bucket cdw-ana-00-stuck" in out
