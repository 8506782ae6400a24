"""Parse and validate a CodeBuild buildspec (version 0.2), naming the line and the fix.

Check a buildspec before running it::

    from helpers.specs import buildspec
    spec = buildspec.load("buildspec.yml")       # raises BuildspecError
    buildspec.problems(text)                      # every problem, as a list

The offline CodeBuild parses with this module at DOWNLOAD_SOURCE, so a buildspec that passes here
passes there. The keys and values follow reference §B.2 (build-spec-ref). Introduced in notebook 03.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from helpers.specs.yamlcheck import Command, NodeChecker, Problem, SpecError

__all__ = ["ArtifactSpec", "Buildspec", "BuildspecError", "Command", "Phase", "Problem",
           "ReportSpec", "load", "parse", "problems"]

PHASES = ("install", "pre_build", "build", "post_build")
FILE_FORMATS = ("JUNITXML", "CUCUMBERJSON", "NUNITXML", "NUNIT3XML", "TESTNGXML",
                "VISUALSTUDIOTRX", "CLOVERXML", "COBERTURAXML", "JACOCOXML", "SIMPLECOV")
SHELLS = ("bash", "/bin/sh")
WINDOWS_SHELLS = ("powershell.exe", "cmd.exe")
_KEYS = {
    "": ("version", "run-as", "env", "proxy", "batch", "phases", "reports", "artifacts", "cache"),
    "env": ("shell", "variables", "parameter-store", "exported-variables", "secrets-manager",
            "git-credential-helper"),
    "phase": ("run-as", "on-failure", "runtime-versions", "commands", "finally"),
    "artifacts": ("files", "name", "discard-paths", "base-directory", "exclude-paths",
                  "enable-symlinks", "s3-prefix", "secondary-artifacts"),
    "report": ("files", "base-directory", "discard-paths", "file-format"),
    "cache": ("key", "fallback-keys", "action", "paths"),
    "proxy": ("upload-artifacts", "logs"),
}
_ON_FAILURE = re.compile(r"^(ABORT|CONTINUE|RETRY(-(?P<count>\d+))?(-(?P<regex>.+))?)$")


class BuildspecError(SpecError):
    """A buildspec that CodeBuild would reject (YAML_FILE_ERROR)."""


@dataclass
class Phase:
    """One phase of ``phases``."""

    name: str
    commands: list[Command] = field(default_factory=list)
    finally_: list[Command] = field(default_factory=list)
    on_failure: str | None = None
    run_as: str | None = None
    runtime_versions: dict[str, str] = field(default_factory=dict)

    def retry_policy(self) -> tuple[int, str] | None:
        """(retries, regex) for ``on-failure: RETRY…``; None otherwise (RETRY alone = 3, ``.*``)."""
        match = _ON_FAILURE.match(self.on_failure or "")
        if not match or not (self.on_failure or "").startswith("RETRY"):
            return None
        return int(match.group("count") or 3), match.group("regex") or ".*"


@dataclass
class ArtifactSpec:
    """``artifacts`` or one entry of ``secondary-artifacts``."""

    files: list[str]
    name: str | None = None
    discard_paths: bool = False
    base_directory: str | None = None
    exclude_paths: list[str] = field(default_factory=list)
    s3_prefix: str | None = None


@dataclass
class ReportSpec:
    """One entry of ``reports``."""

    name: str
    files: list[str]
    base_directory: str | None = None
    discard_paths: bool = False
    file_format: str = "JUNITXML"


@dataclass
class Buildspec:
    """A parsed, valid buildspec."""

    filename: str
    version: str
    shell: str = "bash"
    variables: dict[str, str] = field(default_factory=dict)
    parameter_store: dict[str, str] = field(default_factory=dict)
    secrets_manager: dict[str, str] = field(default_factory=dict)
    exported_variables: list[str] = field(default_factory=list)
    phases: dict[str, Phase] = field(default_factory=dict)
    artifacts: ArtifactSpec | None = None
    secondary_artifacts: dict[str, ArtifactSpec] = field(default_factory=dict)
    reports: dict[str, ReportSpec] = field(default_factory=dict)


def load(path: str | Path) -> Buildspec:
    """Read and parse a buildspec file; raise :class:`BuildspecError` naming line and fix."""
    path = Path(path)
    return parse(path.read_text(), filename=path.name)


def parse(text: str, filename: str = "buildspec.yml") -> Buildspec:
    """Parse buildspec text; raise :class:`BuildspecError` if CodeBuild would reject it."""
    checker = _Checker(filename)
    spec = checker.run(text)
    if checker.problems:
        raise BuildspecError(checker.problems)
    assert spec is not None
    return spec


def problems(text: str, filename: str = "buildspec.yml") -> list[Problem]:
    """Every problem in a buildspec (empty when it is valid)."""
    checker = _Checker(filename)
    checker.run(text)
    return checker.problems


class _Checker(NodeChecker):
    """Builds a :class:`Buildspec` from the node tree, section by section."""

    def run(self, text: str) -> Buildspec | None:
        try:
            root = yaml.compose(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 1
            reason = getattr(exc, "problem", None) or str(exc)
            self.problems.append(Problem(self.file, line, "", f"not valid YAML: {reason}",
                                         "check the indentation and quoting on that line"))
            return None
        if root is None:
            self.add(None, "", "the file is empty", "start with `version: 0.2` and `phases:`")
            return None
        top = self.mapping(root, "", _KEYS[""])
        spec = Buildspec(filename=self.file, version="")
        if "version" not in top:
            self.add(root, "", "'version' is missing", "add `version: 0.2` as the first line")
        else:
            spec.version = self.scalar(top["version"][1], "version") or ""
            if spec.version == "0.1":
                self.add(top["version"][1], "version", "version 0.1 runs every command in its "
                         "own shell, which the offline runner does not emulate",
                         "use `version: 0.2` (one shell for the whole build)")
            elif spec.version and spec.version != "0.2":
                self.add(top["version"][1], "version", f"unknown version '{spec.version}'",
                         "use `version: 0.2`")
        if "env" in top:
            self.env(top["env"][1], spec)
        if "phases" in top:
            self.phases(top["phases"][1], spec)
        if "artifacts" in top:
            self.artifacts(top["artifacts"][1], spec)
        if "reports" in top:
            self.reports(top["reports"][1], spec)
        for name in ("cache", "proxy"):
            if name in top:
                self.mapping(top[name][1], name, _KEYS[name])
        if "run-as" in top:
            self.scalar(top["run-as"][1], "run-as")
        return spec

    def env(self, node: yaml.Node, spec: Buildspec) -> None:
        env = self.mapping(node, "env", _KEYS["env"])
        if "shell" in env:
            shell = self.scalar(env["shell"][1], "env.shell")
            if shell in WINDOWS_SHELLS:
                self.add(env["shell"][1], "env.shell", f"'{shell}' needs a Windows image",
                         "offline builds run Linux shells (bash or /bin/sh); Windows builds "
                         "run only in a sandbox account")
            elif shell is not None and shell not in SHELLS:
                self.add(env["shell"][1], "env.shell", f"unknown shell '{shell}'",
                         f"use one of {list(SHELLS)} on Linux")
            spec.shell = shell or "bash"
        for key, attr in (("variables", "variables"), ("parameter-store", "parameter_store"),
                          ("secrets-manager", "secrets_manager")):
            if key in env:
                setattr(spec, attr, self.string_map(env[key][1], f"env.{key}"))
        if "exported-variables" in env:
            node = env["exported-variables"][1]
            names = self.strings(node, "env.exported-variables")
            for cmd in names:
                if cmd.text.startswith("AWS_"):
                    self.add(node, "env.exported-variables", f"'{cmd.text}' starts with AWS_",
                             "variables whose names start with AWS_ cannot be exported")
            spec.exported_variables = [c.text for c in names]
        for name in spec.variables:
            if name.startswith("CODEBUILD_"):
                self.add(env["variables"][1], "env.variables", f"'{name}' is reserved",
                         "names starting with CODEBUILD_ are CodeBuild's own; rename it")

    def phases(self, node: yaml.Node, spec: Buildspec) -> None:
        for name, (key_node, value) in self.mapping(node, "phases", PHASES).items():
            where = f"phases.{name}"
            if isinstance(value, yaml.ScalarNode) and not value.value:
                self.add(key_node, where, "the phase is empty",
                         "give it `commands:` or remove it")
                continue
            keys = self.mapping(value, where, _KEYS["phase"])
            phase = Phase(name)
            if "commands" in keys:
                phase.commands = self.strings(keys["commands"][1], f"{where}.commands")
            elif name != "install":
                self.add(key_node, where, "the phase has no 'commands'",
                         "add `commands:` with at least one command, or remove the phase")
            if "finally" in keys:
                phase.finally_ = self.strings(keys["finally"][1], f"{where}.finally")
            if "on-failure" in keys:
                phase.on_failure = self.on_failure(keys["on-failure"][1], f"{where}.on-failure")
            if "run-as" in keys:
                phase.run_as = self.scalar(keys["run-as"][1], f"{where}.run-as")
            if "runtime-versions" in keys:
                if name != "install":
                    self.add(keys["runtime-versions"][0], where,
                             "'runtime-versions' is only allowed in the install phase",
                             "move it under phases.install")
                phase.runtime_versions = self.string_map(keys["runtime-versions"][1],
                                                         f"{where}.runtime-versions")
            spec.phases[name] = phase

    def on_failure(self, node: yaml.Node, where: str) -> str | None:
        value = self.scalar(node, where)
        match = _ON_FAILURE.match(value or "")
        if value is None:
            return None
        if not match:
            self.add(node, where, f"'{value}' is not a valid on-failure value",
                     "use ABORT, CONTINUE, RETRY, RETRY-<count>, RETRY-<regex> "
                     "or RETRY-<count>-<regex>")
            return None
        count = match.group("count")
        if count is not None and not 0 <= int(count) <= 100:
            self.add(node, where, f"retry count {count} is out of range", "use 0 to 100")
        if match.group("regex"):
            try:
                re.compile(match.group("regex"))
            except re.error as exc:
                self.add(node, where, f"the retry pattern is not a valid regex ({exc})",
                         "fix the pattern after RETRY-")
        return value

    def artifact(self, node: yaml.Node, where: str, secondary: bool) -> ArtifactSpec | None:
        allowed = tuple(k for k in _KEYS["artifacts"] if not (secondary and k ==
                                                              "secondary-artifacts"))
        keys = self.mapping(node, where, allowed)
        if "files" not in keys:
            self.add(node, where, "'files' is missing",
                     "add `files:` with the paths to upload, e.g. - '**/*'")
            return None
        art = ArtifactSpec(files=[c.text for c in self.strings(keys["files"][1],
                                                                f"{where}.files")])
        if "name" in keys:
            art.name = self.scalar(keys["name"][1], f"{where}.name")
        if "discard-paths" in keys:
            art.discard_paths = self.boolean(keys["discard-paths"][1], f"{where}.discard-paths")
        if "base-directory" in keys:
            art.base_directory = self.scalar(keys["base-directory"][1],
                                             f"{where}.base-directory")
        if "exclude-paths" in keys:
            art.exclude_paths = [c.text for c in self.strings(keys["exclude-paths"][1],
                                                               f"{where}.exclude-paths")]
        if "s3-prefix" in keys:
            art.s3_prefix = self.scalar(keys["s3-prefix"][1], f"{where}.s3-prefix")
        if "enable-symlinks" in keys:
            self.boolean(keys["enable-symlinks"][1], f"{where}.enable-symlinks")
        return art

    def artifacts(self, node: yaml.Node, spec: Buildspec) -> None:
        spec.artifacts = self.artifact(node, "artifacts", secondary=False)
        keys = self.mapping(node, "artifacts", None) if isinstance(node, yaml.MappingNode) else {}
        if "secondary-artifacts" in keys:
            where = "artifacts.secondary-artifacts"
            for ident, (_, value) in self.mapping(keys["secondary-artifacts"][1], where,
                                                  None).items():
                art = self.artifact(value, f"{where}.{ident}", secondary=True)
                if art is not None:
                    spec.secondary_artifacts[ident] = art

    def reports(self, node: yaml.Node, spec: Buildspec) -> None:
        for name, (_, value) in self.mapping(node, "reports", None).items():
            where = f"reports.{name}"
            keys = self.mapping(value, where, _KEYS["report"])
            if "files" not in keys:
                self.add(value, where, "'files' is missing",
                         "add `files:` with the report files, e.g. - 'reports/*.xml'")
                continue
            report = ReportSpec(name, [c.text for c in self.strings(keys["files"][1],
                                                                     f"{where}.files")])
            if "base-directory" in keys:
                report.base_directory = self.scalar(keys["base-directory"][1],
                                                    f"{where}.base-directory")
            if "discard-paths" in keys:
                report.discard_paths = self.boolean(keys["discard-paths"][1],
                                                    f"{where}.discard-paths")
            if "file-format" in keys:
                fmt = self.scalar(keys["file-format"][1], f"{where}.file-format") or ""
                if fmt not in FILE_FORMATS:
                    self.add(keys["file-format"][1], f"{where}.file-format",
                             f"unknown file-format '{fmt}'", f"use one of {list(FILE_FORMATS)}")
                report.file_format = fmt or "JUNITXML"
            spec.reports[name] = report
        if len(spec.reports) > 5:
            self.add(node, "reports", f"{len(spec.reports)} report groups",
                     "a project can use at most 5 report groups")
