"""The workbench: modes, guard rails, environment, names and tags, clock and faults."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from helpers import workbench
from helpers.control import ControlError
from helpers.offline.engine import FIXED_EPOCH


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Restore os.environ after each test (start() rewrites it), with no CDW_* from outside."""
    saved = dict(os.environ)
    for key in [k for k in os.environ if k.startswith("CDW_")]:
        del os.environ[key]
    yield
    os.environ.clear()
    os.environ.update(saved)
    boto3.DEFAULT_SESSION = None


@pytest.fixture
def attached(ep: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Point CDW_ENDPOINT at the test session's endpoint; no in-kernel endpoint exists."""
    monkeypatch.setattr(workbench, "_local_endpoint", None)
    os.environ["CDW_ENDPOINT"] = ep.url
    return ep


# -- sandbox: STS is stubbed; every API call made through any boto3 Session is recorded ---------

class RecordingSessions:
    """Replaces boto3.Session: STS answers from a Stubber; every call is recorded."""

    def __init__(self, account: str) -> None:
        self.account = account
        self.calls: list[str] = []

    def __call__(self, *args: Any, **kwargs: Any) -> boto3.Session:
        session = _REAL_SESSION(*args, **kwargs)
        session.events.register("before-call.*.*", self._record)
        real_client = session.client

        def client(service: str, **kw: Any) -> Any:
            made = real_client(service, **kw)
            stubber = Stubber(made)
            if service == "sts":
                stubber.add_response("get_caller_identity", {
                    "Account": self.account, "UserId": "AIDEXAMPLE",
                    "Arn": f"arn:aws:iam::{self.account}:user/learner"})
            stubber.activate()  # no stubbed response → the call fails instead of reaching AWS
            return made
        session.client = client
        return session

    def _record(self, model: Any, **_: Any) -> None:
        self.calls.append(f"{model.service_model.service_name}:{model.name}")


_REAL_SESSION = boto3.Session


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Sandbox mode with fake credentials in the environment and STS stubbed."""
    os.environ.update({"CDW_MODE": "sandbox", "AWS_ACCESS_KEY_ID": "FAKEKEYFAKEKEYFAKE00",
                       "AWS_SECRET_ACCESS_KEY": "fake", "AWS_CONFIG_FILE": os.devnull,
                       "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "CDW_REGION": "eu-west-1"})
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION", "AWS_REGION"):
        os.environ.pop(key, None)

    def use(account: str) -> RecordingSessions:
        recorder = RecordingSessions(account)
        monkeypatch.setattr(boto3, "Session", recorder)
        return recorder
    return use


def test_sandbox_refuses_account_not_allow_listed(sandbox: Any) -> None:
    """An account not in CDW_SANDBOX_ACCOUNTS is refused after one STS call and nothing else."""
    calls = sandbox("999999999999")
    os.environ["CDW_SANDBOX_ACCOUNTS"] = "111122223333,444455556666"
    with pytest.raises(workbench.SandboxRefused) as info:
        workbench.start()
    message = str(info.value)
    assert "999999999999" in message and "111122223333, 444455556666" in message
    assert "export CDW_SANDBOX_ACCOUNTS=999999999999" in message
    assert calls.calls == ["sts:GetCallerIdentity"]


def test_sandbox_refuses_without_allow_list(sandbox: Any) -> None:
    """No CDW_SANDBOX_ACCOUNTS at all is a refusal, naming the account and how to allow it."""
    calls = sandbox("111122223333")
    with pytest.raises(workbench.SandboxRefused, match="CDW_SANDBOX_ACCOUNTS is not set"):
        workbench.start()
    assert calls.calls == ["sts:GetCallerIdentity"]


def test_sandbox_rejects_malformed_allow_list_before_any_call(sandbox: Any) -> None:
    """A typo in the allow-list is an error before STS is even asked."""
    calls = sandbox("111122223333")
    os.environ["CDW_SANDBOX_ACCOUNTS"] = "1111-2222-3333"
    with pytest.raises(workbench.WorkbenchError, match="12-digit"):
        workbench.start()
    assert calls.calls == []


def test_sandbox_needs_a_region(sandbox: Any) -> None:
    """Without CDW_REGION or a profile region, sandbox mode stops before any call."""
    calls = sandbox("111122223333")
    os.environ["CDW_SANDBOX_ACCOUNTS"] = "111122223333"
    del os.environ["CDW_REGION"]
    with pytest.raises(workbench.WorkbenchError, match="CDW_REGION"):
        workbench.start()
    assert calls.calls == []


def test_sandbox_allowed_account_pins_region_and_never_sets_endpoint(sandbox: Any) -> None:
    """An allow-listed account starts: region pinned, no endpoint URL, clock refuses."""
    sandbox("111122223333")
    os.environ["CDW_SANDBOX_ACCOUNTS"] = "444455556666, 111122223333"
    os.environ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1"  # left over from an offline start
    wb = workbench.start(notebook="05")
    assert (wb.mode, wb.account, wb.region, wb.endpoint) == ("sandbox", "111122223333",
                                                             "eu-west-1", None)
    assert "AWS_ENDPOINT_URL" not in os.environ
    assert os.environ["AWS_REGION"] == os.environ["AWS_DEFAULT_REGION"] == "eu-west-1"
    assert wb.client("s3").meta.region_name == "eu-west-1"
    assert "amazonaws.com" in wb.client("s3").meta.endpoint_url
    with pytest.raises(workbench.WorkbenchError, match="AWS's pace"):
        wb.clock.advance(minutes=5)
    with pytest.raises(workbench.WorkbenchError, match="AWS's pace"):
        wb.faults.list()
    assert "AWS's own pace" in wb._repr_markdown_()


@pytest.mark.parametrize("value", ["sandbx", "prod", "aws", "live"])
def test_sandbox_is_never_implicit(sandbox: Any, value: str) -> None:
    """Anything but 'offline' or 'sandbox' is an error, never a fall-through to AWS."""
    calls = sandbox("111122223333")
    os.environ["CDW_SANDBOX_ACCOUNTS"] = "111122223333"
    os.environ["CDW_MODE"] = value
    with pytest.raises(workbench.WorkbenchError, match="not a mode"):
        workbench.start()
    assert calls.calls == []


def test_default_mode_is_offline_even_with_credentials(attached: Any) -> None:
    """Unset CDW_MODE with real-looking credentials and an allow-list still means offline."""
    os.environ.update({"AWS_ACCESS_KEY_ID": "LEARNERREALKEY000000", "AWS_SECRET_ACCESS_KEY": "x",
                       "CDW_SANDBOX_ACCOUNTS": "111122223333", "CDW_REGION": "eu-west-1"})
    wb = workbench.start()
    assert (wb.mode, wb.account, wb.region) == ("offline", "123456789012", "us-east-1")
    assert wb.client("sts").meta.endpoint_url == attached.url


# -- offline -----------------------------------------------------------------------------------

def test_attach_to_cdw_endpoint_starts_no_endpoint(attached: Any) -> None:
    """CDW_ENDPOINT attaches to the running endpoint; no endpoint is started in the kernel."""
    wb = workbench.start()
    assert wb.endpoint == attached.url and wb.mode == "offline"
    assert workbench._local_endpoint is None
    wb.client("s3").create_bucket(Bucket="cdw-learner-x-attach")
    names = [b["Name"] for b in attached.client("s3").list_buckets()["Buckets"]]
    assert "cdw-learner-x-attach" in names


def test_attach_to_unreachable_endpoint_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A CDW_ENDPOINT that does not answer names the URL and the fix."""
    monkeypatch.setattr(workbench, "_local_endpoint", None)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    os.environ["CDW_ENDPOINT"] = f"http://127.0.0.1:{port}"
    with pytest.raises(workbench.WorkbenchError) as info:
        workbench.start()
    assert f"127.0.0.1:{port}" in str(info.value) and "python -m helpers serve" in str(info.value)
    assert workbench._local_endpoint is None


def test_in_kernel_endpoint_is_started_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without CDW_ENDPOINT the first start() starts an endpoint; the second reuses it."""
    monkeypatch.setattr(workbench, "_local_endpoint", None)
    first = workbench.start()
    try:
        second = workbench.start()
        assert first.endpoint == second.endpoint == workbench._local_endpoint.url
        assert first.clock.scale == "max"
    finally:
        workbench._local_endpoint.stop()


def test_offline_scrubs_real_credentials(attached: Any) -> None:
    """The learner's profile, session token and keys are removed; nothing real can be found."""
    os.environ.update({"AWS_PROFILE": "production", "AWS_SESSION_TOKEN": "real-token",
                       "AWS_ACCESS_KEY_ID": "LEARNERREALKEY000000",
                       "AWS_SECRET_ACCESS_KEY": "real-secret", "AWS_ROLE_ARN": "arn:x"})
    wb = workbench.start()
    for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN"):
        assert key not in os.environ
    assert os.environ["AWS_ACCESS_KEY_ID"] == workbench.OFFLINE_ACCESS_KEY
    assert os.environ["AWS_CONFIG_FILE"] == os.environ["AWS_SHARED_CREDENTIALS_FILE"] == os.devnull
    assert os.environ["AWS_ENDPOINT_URL"] == wb.endpoint
    assert os.environ["AWS_REGION"] == os.environ["AWS_DEFAULT_REGION"] == "us-east-1"
    creds = boto3.Session().get_credentials()
    assert creds.access_key == workbench.OFFLINE_ACCESS_KEY


@pytest.mark.slow
def test_cli_in_a_child_process_reaches_the_endpoint(attached: Any) -> None:
    """An `aws` command started from the kernel (a `!` cell) talks to the endpoint."""
    wb = workbench.start()
    wb.client("s3").create_bucket(Bucket="cdw-learner-x-cli")
    out = subprocess.run([sys.executable, "-m", "awscli", "s3api", "list-buckets",
                          "--query", "Buckets[].Name"], env=dict(os.environ),
                         capture_output=True, text=True, check=True)
    assert "cdw-learner-x-cli" in json.loads(out.stdout)


def test_names_and_tags(attached: Any) -> None:
    """Names are cdw-<participant>-<notebook>-<suffix>; tags carry run, participant, notebook."""
    os.environ.update({"CDW_PARTICIPANT": "ana", "CDW_DETERMINISTIC": "1"})
    wb = workbench.start(notebook="05")
    assert wb.name("app") == "cdw-ana-05-app"
    assert wb.name("app") == workbench.start(notebook="05").name("app")
    assert wb.tags == {"cdw:run": "run-fixed", "cdw:participant": "ana", "cdw:notebook": "05"}
    assert {t["Key"]: t["Value"] for t in wb.tag_list} == wb.tags
    os.environ["CDW_NOTEBOOK"] = "07"
    assert workbench.start().name("fn") == "cdw-ana-07-fn"


def test_run_id_is_random_unless_deterministic(attached: Any,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside CDW_DETERMINISTIC a kernel gets its own run id, stable within the kernel."""
    monkeypatch.setattr(workbench, "_run_id", None)
    first = workbench.start().tags["cdw:run"]
    assert first != "run-fixed" and workbench.start().tags["cdw:run"] == first
    monkeypatch.setattr(workbench, "_run_id", None)
    assert workbench.start().tags["cdw:run"] != first


@pytest.mark.parametrize("participant", ["Ana", "ana smith", "-ana", "ana_1", ""])
def test_bad_participant_is_a_clear_error(attached: Any, participant: str) -> None:
    """A participant that would make invalid AWS names is refused with the fix."""
    os.environ["CDW_PARTICIPANT"] = participant
    if participant == "":
        assert workbench.start().participant == "learner"
        return
    with pytest.raises(workbench.WorkbenchError, match="CDW_PARTICIPANT"):
        workbench.start()


def test_too_long_name_is_refused(attached: Any) -> None:
    """Names longer than S3's 63 characters are refused, saying how to shorten them."""
    wb = workbench.start(notebook="00")
    with pytest.raises(ValueError, match="shorter suffix"):
        wb.name("x" * 60)
    with pytest.raises(ValueError, match="lowercase"):
        wb.name("My_App")


def test_repr_shows_mode_endpoint_account_region_scale(attached: Any) -> None:
    """The start cell's output names everything a learner needs to know."""
    wb = workbench.start()
    text = wb._repr_markdown_()
    for part in ("offline", attached.url, "123456789012", "us-east-1", "max"):
        assert part in text and part in repr(wb)


# -- clock and faults over the control API -----------------------------------------------------

def test_clock_advance_scale_and_now(attached: Any) -> None:
    """wb.clock reads and moves the endpoint's virtual clock."""
    wb = workbench.start()
    assert wb.clock.now() == FIXED_EPOCH
    assert wb.clock.advance(90) == FIXED_EPOCH + timedelta(seconds=90)
    assert wb.clock.advance(minutes=2) == FIXED_EPOCH + timedelta(seconds=210)
    assert attached.engine.now() == FIXED_EPOCH + timedelta(seconds=210)
    assert wb.clock.set_scale(60) == 60.0 and wb.clock.scale == 60.0
    wb.clock.set_scale("max")
    assert wb.clock.scale == "max"
    with pytest.raises(ValueError, match="forward"):
        wb.clock.advance(-1)


def test_faults_schedule_list_clear(attached: Any) -> None:
    """wb.faults schedules on the endpoint, lists, clears; bad input is a clear error."""
    wb = workbench.start()
    fault = wb.faults.schedule("hook-failure", hook="AfterInstall")
    assert fault["kind"] == "hook-failure" and fault["params"] == {"hook": "AfterInstall"}
    assert [f["id"] for f in wb.faults.list()] == [fault["id"]]
    assert attached.faults.matching("hook-failure", hook="AfterInstall")
    wb.faults.clear()
    assert wb.faults.list() == []
    with pytest.raises(ControlError, match="unknown"):
        wb.faults.schedule("meteor")


def test_importing_has_no_side_effects() -> None:
    """Importing helpers.workbench starts nothing and changes no environment."""
    before = dict(os.environ)
    out = subprocess.run([sys.executable, "-c",
                          "import os, threading, helpers.workbench as w;"
                          "print(w._local_endpoint, threading.active_count(),"
                          " 'AWS_ENDPOINT_URL' in os.environ)"],
                         env={k: v for k, v in before.items() if k != "AWS_ENDPOINT_URL"},
                         capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["None", "1", "False"]
    assert dict(os.environ) == before
