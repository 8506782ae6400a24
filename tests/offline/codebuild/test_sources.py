"""Where the source and the buildspec come from; retries, deletes, sleep and a finite time scale."""

from __future__ import annotations

import io
import time
import zipfile

from tests.offline.codebuild.conftest import ENVIRONMENT, ROLE, log_lines, phases

SPEC = "version: 0.2\nphases:\n  build:\n    commands:\n      - cat hello.txt\n"


def _zip(aws, key: str, files: dict[str, str], bucket: str = "src") -> None:
    s3 = aws("s3")
    if bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        s3.create_bucket(Bucket=bucket)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    s3.put_object(Bucket=bucket, Key=key, Body=buffer.getvalue())


def _project(codebuild, source, name="app", **kwargs):
    codebuild.create_project(name=name, source=source, artifacts=kwargs.pop(
        "artifacts", {"type": "NO_ARTIFACTS"}), environment=ENVIRONMENT, serviceRole=ROLE,
        **kwargs)


def _run(codebuild, name="app", **start):
    build = codebuild.start_build(projectName=name, **start)["build"]
    return codebuild.batch_get_builds(ids=[build["id"]])["builds"][0]


def test_buildspec_from_a_path_in_the_source(aws):
    """source.buildspec may name a file in the source."""
    codebuild = aws("codebuild")
    _zip(aws, "app.zip", {"ci/build.yml": SPEC, "hello.txt": "from-path"})
    _project(codebuild, {"type": "S3", "location": "src/app.zip", "buildspec": "ci/build.yml"})
    build = _run(codebuild)
    assert build["buildStatus"] == "SUCCEEDED" and "from-path" in log_lines(aws, build)


def test_buildspec_from_s3_arn(aws):
    """source.buildspec may be an S3 object ARN."""
    codebuild = aws("codebuild")
    _zip(aws, "app.zip", {"hello.txt": "from-arn"})
    aws("s3").put_object(Bucket="src", Key="specs/build.yml", Body=SPEC.encode())
    _project(codebuild, {"type": "S3", "location": "src/app.zip",
                         "buildspec": "arn:aws:s3:::src/specs/build.yml"})
    assert "from-arn" in log_lines(aws, _run(codebuild))


def test_missing_buildspec_file(aws):
    """No buildspec.yml in the source: YAML_FILE_ERROR at DOWNLOAD_SOURCE."""
    codebuild = aws("codebuild")
    _zip(aws, "app.zip", {"hello.txt": "x"})
    _project(codebuild, {"type": "S3", "location": "src/app.zip"})
    context = _run(codebuild)["phases"][3]["contexts"][0]
    assert context["statusCode"] == "YAML_FILE_ERROR"
    assert "YAML file does not exist" in context["message"]


def test_codepipeline_source_given_by_the_caller(aws):
    """A CODEPIPELINE project builds the S3 location its caller passes; without one it fails."""
    codebuild = aws("codebuild")
    _zip(aws, "artifact.zip", {"buildspec.yml": SPEC, "hello.txt": "from-pipeline"})
    _project(codebuild, {"type": "CODEPIPELINE"}, artifacts={"type": "CODEPIPELINE"})
    build = _run(codebuild, sourceTypeOverride="S3", sourceLocationOverride="src/artifact.zip")
    assert "from-pipeline" in log_lines(aws, build)
    alone = _run(codebuild)
    assert phases(alone)[3] == ("DOWNLOAD_SOURCE", "FAILED")
    assert "CodePipeline" in alone["phases"][3]["contexts"][0]["message"]


def test_secondary_sources(aws):
    """A secondary source lands in CODEBUILD_SRC_DIR_<sourceIdentifier>."""
    codebuild = aws("codebuild")
    _zip(aws, "lib.zip", {"lib.txt": "from-secondary"})
    spec = ("version: 0.2\nphases:\n  build:\n    commands:\n"
            "      - cat $CODEBUILD_SRC_DIR_lib/lib.txt\n")
    _project(codebuild, {"type": "NO_SOURCE", "buildspec": spec}, secondarySources=[
        {"type": "S3", "location": "src/lib.zip", "sourceIdentifier": "lib"}])
    assert "from-secondary" in log_lines(aws, _run(codebuild))


def test_unsupported_source_type_says_so(aws):
    """A GitHub source fails DOWNLOAD_SOURCE offline, saying what works."""
    codebuild = aws("codebuild")
    _project(codebuild, {"type": "GITHUB", "location": "https://github.com/o/r.git"})
    message = _run(codebuild)["phases"][3]["contexts"][0]["message"]
    assert "not available offline" in message


def test_retry_and_delete_builds(aws):
    """retry_build starts a new build of the same project; batch_delete_builds forgets one."""
    codebuild = aws("codebuild")
    _project(codebuild, {"type": "NO_SOURCE", "buildspec": SPEC.replace("cat hello.txt",
                                                                       "true")})
    first = _run(codebuild)
    retried = codebuild.retry_build(id=first["id"])["build"]
    assert retried["buildNumber"] == 2 and retried["id"] != first["id"]
    deleted = codebuild.batch_delete_builds(ids=[first["id"], "app:nope"])
    assert deleted["buildsDeleted"] == [first["id"]]
    assert deleted["buildsNotDeleted"] == [{"id": "app:nope", "statusCode": "BUILD_NOT_FOUND"}]
    assert codebuild.list_builds_for_project(projectName="app")["ids"] == [retried["id"]]


def test_sleep_takes_virtual_time(aws):
    """Under max, `sleep 90` in a command adds 90 virtual seconds without waiting."""
    codebuild = aws("codebuild")
    spec = "version: 0.2\nphases:\n  build:\n    commands:\n      - sleep 90\n"
    _project(codebuild, {"type": "NO_SOURCE", "buildspec": spec})
    build = _run(codebuild)
    assert next(p for p in build["phases"] if p["phaseType"] == "BUILD")[
        "durationInSeconds"] == 91


def test_two_builds_run_side_by_side(aws):
    """Builds of two projects started together both finish, each with its own shell."""
    codebuild = aws("codebuild")
    for name in ("one", "two"):
        spec = (f"version: 0.2\nphases:\n  build:\n    commands:\n      - X={name}\n"
                "      - echo $X\n")
        _project(codebuild, {"type": "NO_SOURCE", "buildspec": spec}, name=name)
    ids = [codebuild.start_build(projectName=n)["build"]["id"] for n in ("one", "two")]
    builds = codebuild.batch_get_builds(ids=ids)["builds"]
    assert [b["buildStatus"] for b in builds] == ["SUCCEEDED", "SUCCEEDED"]
    assert "one" in log_lines(aws, builds[0]) and "two" in log_lines(aws, builds[1])


def test_stop_build_from_outside_under_a_finite_scale(ep, aws):
    """Under a finite time scale reads do not wait, and stop_build interrupts a running command."""
    codebuild = aws("codebuild")
    spec = "version: 0.2\nphases:\n  build:\n    commands:\n      - sleep 600\n"
    _project(codebuild, {"type": "NO_SOURCE", "buildspec": spec})
    ep.engine.set_scale(100)
    build_id = codebuild.start_build(projectName="app")["build"]["id"]
    while codebuild.batch_get_builds(ids=[build_id])["builds"][0]["currentPhase"] != "BUILD":
        time.sleep(0.1)
    codebuild.stop_build(id=build_id)
    while not codebuild.batch_get_builds(ids=[build_id])["builds"][0]["buildComplete"]:
        time.sleep(0.1)
    build = codebuild.batch_get_builds(ids=[build_id])["builds"][0]
    assert build["buildStatus"] == "STOPPED" and ("BUILD", "STOPPED") in phases(build)
