"""S3 sources and artifacts, JUnit reports (reference §B.2)."""

from __future__ import annotations

import io
import zipfile

from tests.offline.codebuild.conftest import ENVIRONMENT, ROLE, phases

BUILDSPEC = """\
version: 0.2
phases:
  build:
    commands:
      - mkdir -p dist/sub reports
      - cp app.txt dist/ && echo nested > dist/sub/deep.txt
      - printf '%s' "$JUNIT" > reports/unit.xml
artifacts:
  files: ['**/*']
  base-directory: dist
  discard-paths: yes
  name: app-$CODEBUILD_BUILD_NUMBER.zip
  secondary-artifacts:
    docs:
      files: [app.txt]
reports:
  unit:
    files: ['reports/*.xml']
"""
JUNIT = ('<testsuite><testcase classname="t" name="ok" time="0.5"/>'
         '<testcase classname="t" name="bad"><failure message="boom"/></testcase>'
         '<testcase classname="t" name="skip"><skipped/></testcase></testsuite>')


def _source(aws) -> None:
    s3 = aws("s3")
    for bucket in ("src", "out"):
        s3.create_bucket(Bucket=bucket)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.txt", "hello")
        archive.writestr("buildspec.yml", BUILDSPEC)
    s3.put_object(Bucket="src", Key="app.zip", Body=buffer.getvalue())


def _project(codebuild, **artifacts):
    codebuild.create_project(
        name="app", source={"type": "S3", "location": "src/app.zip"},
        artifacts={"type": "S3", "location": "out", "name": "app.zip", "packaging": "ZIP",
                   "path": "builds", "namespaceType": "BUILD_ID", **artifacts},
        secondaryArtifacts=[{"type": "S3", "location": "out", "name": "docs",
                             "artifactIdentifier": "docs"}],
        environment=dict(ENVIRONMENT, environmentVariables=[{"name": "JUNIT", "value": JUNIT}]),
        serviceRole=ROLE)


def _run(codebuild):
    build = codebuild.start_build(projectName="app")["build"]
    return codebuild.batch_get_builds(ids=[build["id"]])["builds"][0]


def test_s3_source_and_zip_artifact(aws):
    """The buildspec comes from the S3 zip; the artifact is a zip at path/build-uuid/name."""
    codebuild = aws("codebuild")
    _source(aws)
    _project(codebuild)
    build = _run(codebuild)
    assert build["buildStatus"] == "SUCCEEDED", build["phases"]
    key = f"builds/{build['id'].split(':')[1]}/app.zip"
    assert build["artifacts"]["location"] == f"arn:aws:s3:::out/{key}"
    obj = aws("s3").get_object(Bucket="out", Key=key)
    assert obj["Metadata"]["codebuild-buildarn"] == build["arn"]
    names = zipfile.ZipFile(io.BytesIO(obj["Body"].read())).namelist()
    assert sorted(names) == ["app.txt", "deep.txt"]  # discard-paths flattens
    assert "resolvedSourceVersion" not in build


def test_name_override_and_plain_files(aws):
    """overrideArtifactName uses the buildspec name (shell-evaluated); NONE uploads files."""
    codebuild = aws("codebuild")
    _source(aws)
    _project(codebuild, packaging="NONE", overrideArtifactName=True, namespaceType="NONE")
    build = _run(codebuild)
    keys = sorted(o["Key"] for o in aws("s3").list_objects_v2(Bucket="out")["Contents"])
    assert "builds/app-1.zip/app.txt" in keys and "builds/app-1.zip/deep.txt" in keys
    assert build["artifacts"]["location"] == "arn:aws:s3:::out/builds/app-1.zip"


def test_secondary_artifact(aws):
    """secondary-artifacts go to the project's matching artifactIdentifier."""
    codebuild = aws("codebuild")
    _source(aws)
    _project(codebuild)
    build = _run(codebuild)
    assert build["secondaryArtifacts"] == [
        {"location": "arn:aws:s3:::out/docs", "artifactIdentifier": "docs"}]
    assert aws("s3").get_object(Bucket="out", Key="docs/app.txt")["Body"].read() == b"hello"


def test_no_matching_files_fails_upload(run_build, aws):
    """Artifacts that match nothing fail UPLOAD_ARTIFACTS with CLIENT_ERROR."""
    aws("s3").create_bucket(Bucket="out")
    build = run_build("version: 0.2\nphases:\n  build:\n    commands: [true]\n"
                      "artifacts:\n  files: [missing.txt]\n",
                      artifacts={"type": "S3", "location": "out", "name": "x"})
    upload = next(p for p in build["phases"] if p["phaseType"] == "UPLOAD_ARTIFACTS")
    assert upload["phaseStatus"] == "FAILED"
    assert upload["contexts"][0] == {"statusCode": "CLIENT_ERROR",
                                     "message": "no matching artifact paths found"}


def test_missing_source_fails_download(aws):
    """An S3 source that does not exist fails DOWNLOAD_SOURCE with CLIENT_ERROR."""
    codebuild = aws("codebuild")
    aws("s3").create_bucket(Bucket="src")
    _project(codebuild)
    build = _run(codebuild)
    assert phases(build)[3] == ("DOWNLOAD_SOURCE", "FAILED")
    assert build["phases"][3]["contexts"][0]["statusCode"] == "CLIENT_ERROR"


def test_junit_report(aws):
    """JUnit XML becomes a report in <project>-<name> with counts by status."""
    codebuild = aws("codebuild")
    _source(aws)
    _project(codebuild)
    build = _run(codebuild)
    [arn] = build["reportArns"]
    report = codebuild.batch_get_reports(reportArns=[arn])["reports"][0]
    assert report["status"] == "FAILED" and report["executionId"] == build["arn"]
    assert report["testSummary"]["total"] == 3
    assert report["testSummary"]["statusCounts"] == {"SUCCEEDED": 1, "FAILED": 1, "SKIPPED": 1}
    group = report["reportGroupArn"]
    assert group.endswith(":report-group/app-unit")
    assert codebuild.list_reports_for_report_group(reportGroupArn=group)["reports"] == [arn]
    cases = codebuild.describe_test_cases(reportArn=arn, filter={"status": "FAILED"})
    assert [(c["name"], c["message"]) for c in cases["testCases"]] == [("bad", "boom")]
    assert codebuild.list_report_groups()["reportGroups"] == [group]
