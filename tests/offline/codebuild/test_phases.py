"""start_build runs the buildspec phase by phase (reference §B.2–B.4)."""

from __future__ import annotations

from tests.offline.codebuild.conftest import log_lines, phases

ALL = ["SUBMITTED", "QUEUED", "PROVISIONING", "DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD", "BUILD",
       "POST_BUILD", "UPLOAD_ARTIFACTS", "FINALIZING", "COMPLETED"]


def spec(**phase_bodies: str) -> str:
    text = "version: 0.2\nphases:\n"
    for name, body in phase_bodies.items():
        text += f"  {name}:\n" + "".join(f"    {line}\n" for line in body.strip().splitlines())
    return text


def test_successful_build_has_every_phase_once(run_build, codebuild):
    """A good build goes SUBMITTED … COMPLETED, each phase once, with virtual times."""
    build = run_build(spec(build="commands:\n  - echo hi"))
    assert build["buildStatus"] == "SUCCEEDED" and build["buildComplete"] is True
    assert build["currentPhase"] == "COMPLETED"
    assert [p for p, _ in phases(build)] == ALL
    assert all(s == "SUCCEEDED" for p, s in phases(build) if p != "COMPLETED")
    assert "phaseStatus" not in build["phases"][-1]
    again = codebuild.batch_get_builds(ids=[build["id"]])["builds"][0]
    assert again["phases"] == build["phases"]
    durations = {p["phaseType"]: p.get("durationInSeconds") for p in build["phases"]}
    assert durations["PROVISIONING"] == 20 and durations["BUILD"] == 1
    assert build["endTime"] == build["phases"][-1]["startTime"]
    assert build["id"].startswith("app:") and build["buildNumber"] == 1


def test_one_shell_for_the_whole_build(run_build, aws):
    """Variables and cd persist across commands and phases."""
    build = run_build(spec(pre_build="commands:\n  - NAME=world\n  - mkdir -p deep && cd deep",
                           build="commands:\n  - echo \"hello $NAME from $(basename $PWD)\""))
    assert build["buildStatus"] == "SUCCEEDED"
    assert "hello world from deep" in log_lines(aws, build)


def test_failed_build_still_runs_post_build(run_build, aws):
    """BUILD fails → later commands skipped, finally runs, POST_BUILD runs with SUCCEEDING=0,
    UPLOAD_ARTIFACTS is attempted, the build is FAILED."""
    build = run_build(spec(
        build="commands:\n  - echo one\n  - exit 7\n  - echo skipped\nfinally:\n  - echo cleanup",
        post_build="commands:\n  - echo succeeding=$CODEBUILD_BUILD_SUCCEEDING"))
    assert build["buildStatus"] == "FAILED"
    assert phases(build)[6:9] == [("BUILD", "FAILED"), ("POST_BUILD", "SUCCEEDED"),
                                  ("UPLOAD_ARTIFACTS", "SUCCEEDED")]
    context = build["phases"][6]["contexts"][0]
    assert context["statusCode"] == "COMMAND_EXECUTION_ERROR"
    assert context["message"] == "Error while executing command: exit 7. Reason: exit status 7"
    lines = log_lines(aws, build)
    assert "one" in lines and "cleanup" in lines and "skipped" not in lines
    assert "succeeding=0" in lines


def test_pre_build_failure_skips_to_finalizing(run_build):
    """A failed PRE_BUILD skips BUILD, POST_BUILD and UPLOAD_ARTIFACTS."""
    build = run_build(spec(pre_build="commands:\n  - false", build="commands:\n  - echo no"))
    assert [p for p, _ in phases(build)][4:] == ["INSTALL", "PRE_BUILD", "FINALIZING",
                                                 "COMPLETED"]
    assert build["buildStatus"] == "FAILED"


def test_on_failure_continue_runs_the_next_phases(run_build):
    """on-failure: CONTINUE in INSTALL goes on; the build still ends FAILED."""
    build = run_build(spec(install="on-failure: CONTINUE\ncommands:\n  - false",
                           build="commands:\n  - echo yes"))
    assert ("BUILD", "SUCCEEDED") in phases(build) and build["buildStatus"] == "FAILED"


def test_on_failure_abort_in_build_skips_post_build(run_build):
    """on-failure: ABORT in BUILD goes straight to FINALIZING."""
    build = run_build(spec(build="on-failure: ABORT\ncommands:\n  - false",
                           post_build="commands:\n  - echo no"))
    names = [p for p, _ in phases(build)]
    assert "POST_BUILD" not in names and "UPLOAD_ARTIFACTS" not in names


def test_retry_reruns_the_phase(run_build, aws):
    """on-failure: RETRY-2 runs the phase again; a command that passes the second time wins."""
    build = run_build(spec(build="on-failure: RETRY-2\ncommands:\n"
                                 "  - test -f marker || { touch marker; echo flaky; false; }"))
    assert build["buildStatus"] == "SUCCEEDED"
    assert [p for p, _ in phases(build)].count("BUILD") == 1
    assert any("retrying (1 of 2)" in line for line in log_lines(aws, build))


def test_invalid_yaml_fails_download_source(run_build):
    """A buildspec that is not YAML fails DOWNLOAD_SOURCE with YAML_FILE_ERROR and the line."""
    build = run_build("version: 0.2\nphases:\n  build:\n    commands: [echo\n")
    assert phases(build)[3] == ("DOWNLOAD_SOURCE", "FAILED")
    context = build["phases"][3]["contexts"][0]
    assert context["statusCode"] == "YAML_FILE_ERROR" and "line" in context["message"]
    assert [p for p, _ in phases(build)][4:] == ["FINALIZING", "COMPLETED"]


def test_unknown_key_fails_with_its_line(run_build):
    """An unknown key is a YAML_FILE_ERROR naming the line and the key it meant."""
    build = run_build("version: 0.2\nphases:\n  build:\n    comands:\n      - echo\n")
    message = build["phases"][3]["contexts"][0]["message"]
    assert "line 4" in message and "comands" in message and "commands" in message


def test_timeout_ends_the_build_timed_out(run_build):
    """A command past the project's timeout ends the build TIMED_OUT at the timeout."""
    build = run_build(spec(build="commands:\n  - sleep 900\n  - echo never"),
                      timeoutInMinutes=5)
    assert build["buildStatus"] == "TIMED_OUT"
    build_phase = next(p for p in build["phases"] if p["phaseType"] == "BUILD")
    assert build_phase["phaseStatus"] == "TIMED_OUT"
    started = build["phases"][2]["startTime"]  # the timeout counts from PROVISIONING
    assert (build_phase["endTime"] - started).total_seconds() == 300
    assert [p for p, _ in phases(build)][-2:] == ["FINALIZING", "COMPLETED"]


def test_stop_build_mid_run(run_build, codebuild):
    """stop_build during a command stops the build: the open phase and the build are STOPPED."""
    build = run_build(spec(build="commands:\n  - aws codebuild stop-build --id "
                                 "$CODEBUILD_BUILD_ID > /dev/null\n  - echo never"))
    assert build["buildStatus"] == "STOPPED"
    assert ("BUILD", "STOPPED") in phases(build)
    assert "POST_BUILD" not in [p for p, _ in phases(build)]
    assert codebuild.stop_build(id=build["id"])["build"]["buildStatus"] == "STOPPED"


def test_logs_go_to_cloudwatch(run_build, aws):
    """The log is in /aws/codebuild/<project>, stream = build UUID, readable by filter."""
    build = run_build(spec(build="commands:\n  - echo from-the-build"))
    assert build["logs"]["groupName"] == "/aws/codebuild/app"
    assert build["logs"]["streamName"] == build["id"].split(":")[1]
    found = aws("logs").filter_log_events(logGroupName="/aws/codebuild/app",
                                          filterPattern="from-the-build")["events"]
    assert [e["message"] for e in found][-1] == "from-the-build" and len(found) == 2
    assert any("Running command echo from-the-build" in line for line in log_lines(aws, build))


def test_build_numbers_and_lists(run_build, codebuild):
    """Build numbers count up per project; list_builds is newest first."""
    first = run_build(spec(build="commands:\n  - true"))
    second = run_build(spec(build="commands:\n  - true"))
    other = run_build(spec(build="commands:\n  - true"), name="other")
    assert (first["buildNumber"], second["buildNumber"], other["buildNumber"]) == (1, 2, 1)
    assert codebuild.list_builds()["ids"] == [other["id"], second["id"], first["id"]]
    assert codebuild.list_builds_for_project(projectName="app", sortOrder="ASCENDING")[
        "ids"] == [first["id"], second["id"]]


def test_aws_cli_inside_a_build_reaches_the_endpoint(run_build, aws):
    """Commands get the endpoint and their own credentials: aws s3 mb lands on the endpoint."""
    build = run_build(spec(build="commands:\n  - aws s3 mb s3://made-in-build"))
    assert build["buildStatus"] == "SUCCEEDED"
    assert "made-in-build" in [b["Name"] for b in aws("s3").list_buckets()["Buckets"]]


def test_shell_exit_gets_a_fresh_shell(run_build, aws):
    """A command that exits the shell fails the phase; the next phase runs in a new shell."""
    build = run_build(spec(build="commands:\n  - exit 3",
                           post_build="commands:\n  - echo post"))
    assert build["buildStatus"] == "FAILED" and ("POST_BUILD", "SUCCEEDED") in phases(build)
    assert "post" in log_lines(aws, build)
