"""Environment variables: types, precedence, built-ins, exported variables (reference §B.1, B.5)."""

from __future__ import annotations

from tests.offline.codebuild.conftest import log_lines

SPEC = """\
version: 0.2
env:
  variables:
    LEVEL: buildspec
    ONLY_SPEC: spec
  parameter-store:
    DB_HOST: /app/db-host
  secrets-manager:
    DB_PASSWORD: app/db:password
  exported-variables: [RESULT, LEVEL]
phases:
  build:
    commands:
      - echo "level=$LEVEL spec=$ONLY_SPEC host=$DB_HOST"
      - echo "password=$DB_PASSWORD"
      - export RESULT=built-$CODEBUILD_BUILD_NUMBER
"""


def _values(aws):
    aws("ssm").put_parameter(Name="/app/db-host", Value="db.internal", Type="String")
    aws("secretsmanager").create_secret(Name="app/db", SecretString='{"password": "s3cr3t"}')


def test_precedence_override_project_buildspec(run_build, aws):
    """StartBuild override beats the project, which beats the buildspec."""
    _values(aws)
    env = {"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0",
           "computeType": "BUILD_GENERAL1_SMALL",
           "environmentVariables": [{"name": "LEVEL", "value": "project"}]}
    build = run_build(SPEC, environment=env)
    assert "level=project spec=spec host=***" in log_lines(aws, build)
    build = run_build(SPEC, environment=env, start={"environmentVariablesOverride": [
        {"name": "LEVEL", "value": "override", "type": "PLAINTEXT"}]})
    assert "level=override spec=spec host=***" in log_lines(aws, build)


def test_secrets_are_masked_in_the_log(run_build, aws):
    """Secrets Manager values reach the command but are masked in the log."""
    _values(aws)
    build = run_build(SPEC)
    lines = log_lines(aws, build)
    assert "password=***" in lines and not any("s3cr3t" in line for line in lines)


def test_project_parameter_store_variable(run_build, aws):
    """A project variable of type PARAMETER_STORE is read from SSM."""
    _values(aws)
    env = {"type": "LINUX_CONTAINER", "image": "x", "computeType": "BUILD_GENERAL1_SMALL",
           "environmentVariables": [{"name": "ONLY_SPEC", "value": "/app/db-host",
                                     "type": "PARAMETER_STORE"}]}
    build = run_build(SPEC, environment=env)
    assert "level=buildspec spec=*** host=***" in log_lines(aws, build)


def test_missing_parameter_fails_download_source(run_build):
    """A Parameter Store name that does not exist fails DOWNLOAD_SOURCE."""
    build = run_build(SPEC)
    download = build["phases"][3]
    assert download["phaseStatus"] == "FAILED"
    assert "/app/db-host" in download["contexts"][0]["message"]


def test_exported_variables(run_build, aws):
    """exported-variables shows the values at the end of the build."""
    _values(aws)
    build = run_build(SPEC)
    assert build["exportedEnvironmentVariables"] == [
        {"name": "RESULT", "value": "built-1"}, {"name": "LEVEL", "value": "buildspec"}]


def test_builtin_variables(run_build, aws):
    """CODEBUILD_* variables describe the build; no resolved version for a NO_SOURCE build."""
    spec = ("version: 0.2\nphases:\n  build:\n    commands:\n"
            "      - echo \"$CODEBUILD_BUILD_ID|$CODEBUILD_BUILD_ARN|$CODEBUILD_BUILD_NUMBER|"
            "$CODEBUILD_INITIATOR|$CODEBUILD_BUILD_SUCCEEDING|"
            "${CODEBUILD_RESOLVED_SOURCE_VERSION-unset}|$AWS_REGION\"\n"
            "      - test \"$PWD\" = \"$CODEBUILD_SRC_DIR\"\n")
    build = run_build(spec)
    expected = (f"{build['id']}|{build['arn']}|1|root|1|unset|us-east-1")
    assert expected in log_lines(aws, build)
    assert build["buildStatus"] == "SUCCEEDED"


def test_env_shell_sh(run_build, aws):
    """env.shell /bin/sh runs the commands in sh (no bash-only syntax)."""
    spec = ("version: 0.2\nenv:\n  shell: /bin/sh\nphases:\n  build:\n    commands:\n"
            "      - echo \"bash=${BASH_VERSION:-none}\"\n")
    build = run_build(spec)
    assert "bash=none" in log_lines(aws, build)
