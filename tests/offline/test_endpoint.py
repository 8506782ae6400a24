"""The endpoint as a whole: callbacks from jobs, settling, safety, control API, serve."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from helpers.offline import work
from helpers.offline.endpoint import Endpoint

PUT_FROM_JOB = (
    "import boto3, os;"
    "s3 = boto3.client('s3');"
    "s3.put_object(Bucket='cdw-bucket', Key='from-job', Body=os.environ['AWS_ACCESS_KEY_ID'])"
)


def _control(ep, method, path, body=None):
    req = urllib.request.Request(f"{ep.url}{path}", method=method,
                                 data=json.dumps(body).encode() if body is not None else None)
    with urllib.request.urlopen(req) as resp:
        return json.loads(resp.read())


def _start_job(ep, argv, modelled=0.0, label="test-job", extra=None):
    box = {}

    def proc():
        box["out"] = yield from ep.engine.run_work(
            lambda: work.run(argv, env=ep.job_env(label, extra), timeout=60), modelled=modelled)

    ep.engine.call(lambda: ep.engine.process(proc()))
    return box


def test_job_calls_back_into_the_endpoint_without_deadlock(ep, aws):
    """A process the engine runs can call the endpoint while an outside read waits for it."""
    s3 = aws("s3")
    s3.create_bucket(Bucket="cdw-bucket")
    box = _start_job(ep, [sys.executable, "-c", PUT_FROM_JOB], modelled=30)
    # This outside read settles first: it waits for the job, which itself calls the endpoint.
    body = s3.get_object(Bucket="cdw-bucket", Key="from-job")["Body"].read().decode()
    assert box["out"].returncode == 0, box["out"].stderr
    assert body.startswith("CDWJOB")
    assert ep.engine.now_seconds() == 30


def test_jobs_never_see_the_learners_credentials(ep, monkeypatch):
    """Real AWS_* variables and profiles are removed from what the endpoint starts."""
    monkeypatch.setenv("AWS_PROFILE", "learner-admin")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "REALKEYOFTHELEARNER")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "real-token")
    box = _start_job(ep, ["bash", "-c", "env | grep '^AWS_' | sort"])
    ep.engine.settle()
    seen = dict(line.split("=", 1) for line in box["out"].stdout.splitlines())
    assert "AWS_PROFILE" not in seen and "AWS_SESSION_TOKEN" not in seen
    assert seen["AWS_ACCESS_KEY_ID"].startswith("CDWJOB")
    assert seen["AWS_SECRET_ACCESS_KEY"] != "real-secret"
    assert seen["AWS_ENDPOINT_URL"] == ep.url
    assert seen["AWS_SHARED_CREDENTIALS_FILE"] == os.devnull


def test_job_env_extra_cannot_reintroduce_credentials(ep):
    """Variables a service adds for a job cannot override its fake identity."""
    env = ep.job_env("x", {"AWS_ACCESS_KEY_ID": "REAL", "AWS_PROFILE": "admin", "FOO": "bar"})
    assert env["AWS_ACCESS_KEY_ID"].startswith("CDWJOB")
    assert "AWS_PROFILE" not in env and env["FOO"] == "bar"


def test_binds_loopback_only(ep):
    """The endpoint listens on 127.0.0.1 and nowhere else."""
    assert ep._server.server_address[0] == "127.0.0.1"
    found = subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout.split()
    others = [a for a in found if ":" not in a and not a.startswith("127.")]
    if not others:
        pytest.skip("this machine has no non-loopback IPv4 address to try")
    other = others[0]
    with pytest.raises(OSError):
        socket.create_connection((other, ep.port), timeout=2)


def test_control_api_clock_advance_and_scale(ep):
    """The control API shows the clock and moves it on purpose."""
    assert _control(ep, "GET", "/_cdw/health")["status"] == "ok"
    status = _control(ep, "POST", "/_cdw/clock/advance", {"seconds": 90})
    assert status["seconds"] == 90
    assert status["now"] == "2026-01-05T09:01:30+00:00"
    assert _control(ep, "POST", "/_cdw/clock/scale", {"scale": 30})["scale"] == 30
    assert _control(ep, "POST", "/_cdw/clock/scale", {"scale": "max"})["scale"] == "max"


def test_control_api_rejects_bad_input_clearly(ep):
    """Bad control requests get a 400 that says what is wrong."""
    with pytest.raises(urllib.error.HTTPError) as err:
        _control(ep, "POST", "/_cdw/clock/scale", {"scale": "fast"})
    assert err.value.code == 400
    assert "not 'max'" in json.loads(err.value.read())["error"]
    with pytest.raises(urllib.error.HTTPError) as err:
        _control(ep, "POST", "/_cdw/faults", {"kind": "meteor"})
    assert "unknown" in json.loads(err.value.read())["error"]


def test_alarm_fault_fires_on_the_virtual_clock(ep, aws):
    """An alarm fault sets the alarm through CloudWatch's public API at the scheduled minute."""
    cloudwatch = aws("cloudwatch")
    cloudwatch.put_metric_alarm(AlarmName="cdw-errors", MetricName="Errors", Namespace="App",
                                Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=1,
                                ComparisonOperator="GreaterThanThreshold")
    fault = _control(ep, "POST", "/_cdw/faults",
                     {"kind": "alarm", "alarm_name": "cdw-errors", "at_minute": 5})
    assert fault["status"] in ("scheduled", "waiting")
    state = cloudwatch.describe_alarms(AlarmNames=["cdw-errors"])["MetricAlarms"][0]["StateValue"]
    assert state == "ALARM"
    (listed,) = _control(ep, "GET", "/_cdw/faults")["faults"]
    assert listed["status"] == "fired"
    assert listed["fired_at"] == "2026-01-05T09:05:00+00:00"


def test_reset_forgets_resources_and_restarts_the_clock(ep, aws):
    """POST /_cdw/reset empties the account and puts the clock back at the epoch."""
    aws("s3").create_bucket(Bucket="cdw-gone")
    ep.engine.advance(500)
    status = _control(ep, "POST", "/_cdw/reset", {"epoch": "2026-01-05T09:00:00+00:00"})
    assert status["seconds"] == 0
    assert aws("s3").list_buckets()["Buckets"] == []


def test_stop_kills_processes_the_endpoint_started():
    """Stopping the endpoint stops every process group it started."""
    ep = Endpoint(port=0).start()
    try:
        _start_job(ep, ["bash", "-c", "sleep 60 & sleep 60"], modelled=1)
        deadline = time.monotonic() + 10
        while not work._live and time.monotonic() < deadline:
            time.sleep(0.02)
        procs = list(work._live)
        assert procs
    finally:
        ep.stop()
    for proc in procs:
        proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL


@pytest.mark.slow
def test_serve_prints_its_url_and_stops_cleanly_on_sigterm():
    """`python -m helpers serve --port 0` prints one line with its URL, serves, exits 0 on TERM."""
    proc = subprocess.Popen([sys.executable, "-m", "helpers", "serve", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert "http://127.0.0.1:" in line
        url = line[line.index("http://"):].split()[0]
        with urllib.request.urlopen(f"{url}/_cdw/health") as resp:
            assert json.loads(resp.read())["status"] == "ok"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.slow
def test_aws_cli_works_against_the_endpoint(ep, aws):
    """The `aws` CLI in the venv reaches the endpoint through AWS_ENDPOINT_URL alone."""
    aws("s3").create_bucket(Bucket="cdw-cli")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ENDPOINT_URL=ep.url, AWS_ACCESS_KEY_ID="testing",
               AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1")
    aws_cli = os.path.join(os.path.dirname(sys.executable), "aws")
    out = subprocess.run([aws_cli, "s3api", "list-buckets", "--query", "Buckets[].Name"],
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == ["cdw-cli"]
    who = subprocess.run([aws_cli, "sts", "get-caller-identity", "--query", "Account"],
                         env=env, capture_output=True, text=True, timeout=120)
    assert json.loads(who.stdout) == "123456789012"


def test_endpoint_client_ignores_the_learners_profile(ep, monkeypatch):
    """The endpoint's own client works even when AWS_PROFILE names a profile that is not there."""
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    ep._clients.clear()
    assert ep.client("s3").list_buckets()["Buckets"] == []
