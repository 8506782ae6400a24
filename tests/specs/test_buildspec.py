"""helpers.specs.buildspec: parsing and the problems it reports (reference §B.2)."""

from __future__ import annotations

import pytest

from helpers.specs import buildspec

GOOD = """\
version: 0.2
env:
  shell: bash
  variables:
    GREETING: hello
    NUMBER: 1
  parameter-store:
    DB_HOST: /app/db-host
  exported-variables: [GREETING]
phases:
  install:
    runtime-versions:
      python: 3.11
  build:
    on-failure: CONTINUE
    commands:
      - echo $GREETING
      - |
        echo multi
        echo line
    finally:
      - echo done
artifacts:
  files: ['**/*']
  base-directory: dist
  discard-paths: yes
  secondary-artifacts:
    docs:
      files: [README.md]
reports:
  unit:
    files: ['*.xml']
    file-format: JUNITXML
"""


def test_parses_a_complete_buildspec():
    """Every section of a valid buildspec ends up in the parsed object."""
    spec = buildspec.parse(GOOD)
    assert spec.version == "0.2"
    assert spec.variables == {"GREETING": "hello", "NUMBER": "1"}
    assert spec.parameter_store == {"DB_HOST": "/app/db-host"}
    assert spec.exported_variables == ["GREETING"]
    assert list(spec.phases) == ["install", "build"]
    build = spec.phases["build"]
    assert [c.text for c in build.commands] == ["echo $GREETING", "echo multi\necho line\n"]
    assert build.commands[0].line == 17
    assert [c.text for c in build.finally_] == ["echo done"]
    assert build.on_failure == "CONTINUE"
    assert spec.phases["install"].runtime_versions == {"python": "3.11"}
    assert spec.artifacts.files == ["**/*"] and spec.artifacts.discard_paths is True
    assert spec.artifacts.base_directory == "dist"
    assert spec.secondary_artifacts["docs"].files == ["README.md"]
    assert spec.reports["unit"].files == ["*.xml"]


def test_invalid_yaml_names_the_line():
    """A YAML syntax error is reported with its line."""
    text = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo hi\n     - oops: [\n"
    with pytest.raises(buildspec.BuildspecError) as err:
        buildspec.parse(text, "buildspec.yml")
    assert "not valid YAML" in str(err.value)
    assert err.value.problems[0].line >= 5
    assert str(err.value).startswith("buildspec.yml line ")


def test_unknown_key_suggests_the_right_one():
    """A misspelt key is named with its line and the key it probably meant."""
    text = "version: 0.2\nphases:\n  build:\n    comands:\n      - make\n"
    found = buildspec.problems(text)
    assert any(p.line == 4 and "comands" in p.message and "commands" in p.fix for p in found)


def test_unknown_phase_is_rejected():
    """Only install, pre_build, build and post_build are phases."""
    found = buildspec.problems("version: 0.2\nphases:\n  pre-build:\n    commands: [ls]\n")
    assert found[0].line == 3 and "pre-build" in found[0].message
    assert "pre_build" in found[0].fix


def test_command_with_colon_space_is_a_mapping():
    """`- echo a: b` is YAML for a mapping; the problem says to quote it."""
    found = buildspec.problems("version: 0.2\nphases:\n  build:\n    commands:\n"
                               "      - echo a: b\n")
    assert found[0].where == "phases.build.commands[0]" and found[0].line == 5
    assert "quote" in found[0].fix


@pytest.mark.parametrize("value,ok", [
    ("ABORT", True), ("CONTINUE", True), ("RETRY", True), ("RETRY-5", True),
    ("RETRY-.*timeout.*", True), ("RETRY-2-flaky", True), ("RETRY-101", False),
    ("STOP", False), ("abort", False),
])
def test_on_failure_values(value, ok):
    """on-failure accepts the documented values only."""
    text = f"version: 0.2\nphases:\n  build:\n    on-failure: {value}\n    commands: [ls]\n"
    assert (buildspec.problems(text) == []) is ok


def test_retry_policy():
    """RETRY alone means three retries on any output."""
    text = "version: 0.2\nphases:\n  build:\n    on-failure: RETRY-2-flaky\n    commands: [ls]\n"
    assert buildspec.parse(text).phases["build"].retry_policy() == (2, "flaky")
    text = text.replace("RETRY-2-flaky", "RETRY")
    assert buildspec.parse(text).phases["build"].retry_policy() == (3, ".*")


def test_missing_version_and_commands():
    """version is required, and build phases need commands."""
    found = buildspec.problems("phases:\n  build:\n    finally: [ls]\n")
    messages = " ".join(p.message for p in found)
    assert "'version' is missing" in messages and "no 'commands'" in messages


def test_artifacts_need_files():
    """artifacts without files is an error, also for secondary artifacts."""
    found = buildspec.problems("version: 0.2\nphases:\n  build:\n    commands: [ls]\n"
                               "artifacts:\n  name: x\n")
    assert found and "'files' is missing" in found[0].message and found[0].line == 6


def test_runtime_versions_only_in_install():
    """runtime-versions belongs to install."""
    found = buildspec.problems("version: 0.2\nphases:\n  build:\n    runtime-versions:\n"
                               "      python: 3.11\n    commands: [ls]\n")
    assert "only allowed in the install phase" in found[0].message


def test_exported_variables_cannot_start_with_aws():
    """AWS_ names cannot be exported."""
    found = buildspec.problems("version: 0.2\nenv:\n  exported-variables: [AWS_X]\n"
                               "phases:\n  build:\n    commands: [ls]\n")
    assert "AWS_" in found[0].fix


def test_load_reads_a_file(tmp_path):
    """load() names the file in its errors."""
    path = tmp_path / "ci.yml"
    path.write_text("version: 0.3\nphases:\n  build:\n    commands: [ls]\n")
    with pytest.raises(buildspec.BuildspecError, match="ci.yml line 1"):
        buildspec.load(path)


def test_windows_shell_is_refused_offline():
    """Windows shells need a Windows image, which offline builds do not have."""
    found = buildspec.problems("version: 0.2\nenv:\n  shell: powershell.exe\n"
                               "phases:\n  build:\n    commands: [ls]\n")
    assert found[0].line == 3 and "sandbox" in found[0].fix
