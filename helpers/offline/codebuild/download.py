"""DOWNLOAD_SOURCE: the sources, the buildspec, the variables, then the build's shell.

Runs in a worker (real work). A failure returns the phase context: ``CLIENT_ERROR`` for a source
that cannot be read, ``YAML_FILE_ERROR`` for a missing or invalid buildspec, the variable codes of
:mod:`~helpers.offline.codebuild.buildenv` for a parameter or secret that cannot be read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers.offline.codebuild import buildenv, storage
from helpers.offline.codebuild.shell import BuildShell
from helpers.offline.engine import MAX
from helpers.specs import buildspec as specs


def prepare(run: Any) -> tuple[bool, str, str, str | None]:
    """Sources, buildspec, variables and the shell; (ok, status code, message, resolved version)."""
    assert run.root is not None
    src = run.root / "src"
    build, resolved = run.build, None
    run.log.agent(run.now(), f"CODEBUILD_SRC_DIR={src}")
    try:
        secondary = {}
        for source in [build["source"], *build.get("secondarySources", [])]:
            ident = source.get("sourceIdentifier")
            dest = src if source is build["source"] else run.root / f"src-{ident}"
            dest.mkdir(exist_ok=True)
            if ident and source is not build["source"]:
                secondary[ident] = str(dest)
            got = fetch(run, source, dest, source is build["source"])
            if source is build["source"]:
                resolved = got
        text, where = buildspec_text(run, src)
        run.log.agent(run.now(), f"YAML location is {where}")
        run.spec = specs.parse(text, filename=Path(where).name)
        run.resolved = buildenv.resolve(run.endpoint, run.spec,
                                        build["environment"].get("environmentVariables", []),
                                        run.override_vars)
    except storage.StorageError as err:
        return False, err.code, err.message, resolved
    except specs.BuildspecError as err:
        return False, "YAML_FILE_ERROR", str(err), resolved
    except buildenv.VariableError as err:
        return False, err.code, err.message, resolved
    run.log.secrets = run.resolved.secrets
    run.log.agent(run.now(), "Processing environment variables")
    env = dict(run.resolved.values)
    env.update(buildenv.builtins(build, run.project, str(src), secondary,
                                 str(run.root / "home"), str(run.root / "tmp")))
    if resolved:
        env["CODEBUILD_RESOLVED_SOURCE_VERSION"] = resolved
    shell = "bash" if run.spec.shell in ("bash", "/bin/bash") else "/bin/sh"
    run.shell = BuildShell(run.root, shell, run.endpoint.job_env(
        f"codebuild/{run.build_id}", env), src, model_sleep=run.engine.scale == MAX)
    run.shell.start()
    run.log.agent(run.now(), f"Moving to directory {src}")
    return True, "", "", resolved

def fetch(run: Any, source: dict[str, Any], dest: Path, primary: bool) -> str | None:
    """Download one source into ``dest``; return the resolved version (git commit) if any."""
    kind = source.get("type")
    version = run.build.get("sourceVersion") if primary else None
    if kind == "NO_SOURCE":
        return None
    if kind in ("S3", "CODEPIPELINE") and source.get("location"):
        storage.download_s3(run.endpoint, source["location"], dest, version)
        return None
    if kind == "CODECOMMIT":
        env = run.endpoint.job_env(f"codebuild/{run.build_id}/source")
        return storage.clone_codecommit(run.endpoint, env, source["location"], dest,
                                       version)
    if kind == "CODEPIPELINE":
        raise storage.StorageError("a CODEPIPELINE source is given by the pipeline that "
                                   "starts the build; start it from CodePipeline")
    raise storage.StorageError(f"source type {kind} is not available offline; use "
                               "S3, CODECOMMIT or NO_SOURCE")

def buildspec_text(run: Any, src: Path) -> tuple[str, str]:
    """The buildspec's text and where it came from (inline, a source path, an S3 ARN)."""
    value = run.buildspec_text or "buildspec.yml"
    if "\n" in value or value.lstrip().startswith("version"):
        return value, "inline buildspec"
    if value.startswith("arn:aws:s3:::"):
        s3 = run.endpoint.client("s3")
        bucket, _, key = value.removeprefix("arn:aws:s3:::").partition("/")
        try:
            return s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode(), value
        except s3.exceptions.ClientError:
            raise specs.BuildspecError([specs.Problem(
                key, 1, "", "YAML file does not exist", f"upload it to s3://{bucket}/{key}")
            ]) from None
    path = src / value
    if not path.is_file():
        raise specs.BuildspecError([specs.Problem(
            value, 1, "", "YAML file does not exist",
            f"add {value} at the root of the source, or set the project's buildspec")])
    return path.read_text(), str(path)
