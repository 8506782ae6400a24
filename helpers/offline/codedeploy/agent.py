"""The emulated CodeDeploy agent: the real work of one instance's lifecycle events.

Every function here runs in the worker pool (never on the engine thread) and touches only the
instance's own folder: ``<instance dir>/root`` stands for the instance's ``/`` and
``<instance dir>/deployment-root/<group id>/<deployment id>/deployment-archive`` holds the
unpacked bundle, as on a real instance. Failures raise :class:`AgentError` carrying the
lifecycle diagnostics AWS reports (``errorCode`` CamelCase, §A.6).
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import stat
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.offline import work
from helpers.specs import appspec

log = logging.getLogger(__name__)

#: The API returns at most the last 4 KB of a script log (§A.4.2).
LOG_TAIL = 4096


class AgentError(Exception):
    """A lifecycle event failed; ``diagnostics`` is the API's Diagnostics object."""

    def __init__(self, code: str, message: str, script: str = "", log_tail: str = "") -> None:
        # All four in args: SimPy re-creates an exception from its args when it throws it
        # into a process that waits on the failed one.
        super().__init__(code, message, script, log_tail)
        self.message = message
        self.diagnostics = {"errorCode": code, "scriptName": script, "message": message,
                            "logTail": log_tail[-LOG_TAIL:]}

    def __str__(self) -> str:
        return self.message


def inside(base: Path, relative: str) -> Path:
    """``base / relative``, refusing any path that would leave ``base``."""
    target = (base / relative.lstrip("/")).resolve()
    if target != base.resolve() and base.resolve() not in target.parents:
        raise AgentError("UnknownError", f"The path {relative!r} leaves the instance's folder; "
                                         "paths must stay below the destination root.")
    return target


# -- DownloadBundle ------------------------------------------------------------------------------

def download_bundle(s3: Any, revision: dict[str, Any], archive: Path) -> appspec.AppSpec:
    """Fetch an S3 bundle, unpack it into ``archive`` and validate its AppSpec."""
    if revision.get("revisionType") != "S3":
        raise AgentError("UnknownError",
                         f"Offline, the agent fetches S3 bundles only; a "
                         f"{revision.get('revisionType')} revision cannot be downloaded "
                         "(see docs/offline-differences.md).")
    loc = revision["s3Location"]
    kwargs = {"Bucket": loc["bucket"], "Key": loc["key"]}
    if loc.get("version"):
        kwargs["VersionId"] = loc["version"]
    try:
        obj = s3.get_object(**kwargs)
    except Exception as err:  # noqa: BLE001 - any S3 failure is a download failure
        raise AgentError("UnknownError", f"The bundle s3://{loc['bucket']}/{loc['key']} could "
                                         f"not be downloaded: {err}") from None
    etag = obj.get("ETag", "").strip('"')
    if loc.get("eTag") and loc["eTag"].strip('"') != etag:
        raise AgentError("UnknownError", f"The bundle's ETag {etag} does not match the "
                                         f"revision's eTag {loc['eTag']}.")
    data = obj["Body"].read()
    if archive.exists():
        shutil.rmtree(archive)
    archive.mkdir(parents=True)
    unpack(data, loc.get("bundleType", "zip"), archive)
    return read_appspec(archive)


def unpack(data: bytes, bundle_type: str, dest: Path) -> None:
    """Unpack a zip, tar or tgz bundle into ``dest`` (members may not leave it)."""
    try:
        if bundle_type == "zip":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for member in archive.infolist():
                    target = inside(dest, member.filename)
                    if member.is_dir():
                        target.mkdir(parents=True, exist_ok=True)
                        continue
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(archive.read(member))
                    mode = (member.external_attr >> 16) & 0o777
                    # Unix zips carry mode bits; others (e.g. made on Windows) get 0644.
                    target.chmod(mode if member.create_system == 3 and mode else 0o644)
        elif bundle_type in ("tar", "tgz"):
            with tarfile.open(fileobj=io.BytesIO(data),
                              mode="r:gz" if bundle_type == "tgz" else "r:") as archive:
                for member in archive.getmembers():
                    inside(dest, member.name)
                archive.extractall(dest, filter="data")
        else:
            raise AgentError("UnknownError", f"bundleType {bundle_type!r} is not a server "
                                             "bundle; use zip, tar or tgz.")
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as err:
        raise AgentError("UnknownError", f"The bundle is not a valid {bundle_type} archive "
                                         f"({err}); check bundleType.") from None


def read_appspec(archive: Path) -> appspec.AppSpec:
    """Find and validate ``appspec.yml`` (or ``.yaml``) at the bundle root."""
    for name in appspec.NAMES:
        path = archive / name
        if path.is_file():
            try:
                return appspec.loads(path.read_text(), name)
            except appspec.AppSpecError as err:
                raise AgentError("UnknownError", str(err)) from None
    raise AgentError("UnknownError", "The CodeDeploy agent did not find an AppSpec file within "
                                     "the unpacked revision directory at revision-relative path "
                                     "\"appspec.yml\". Put appspec.yml at the root of the bundle.")


# -- Install ------------------------------------------------------------------------------------

def install(spec: appspec.AppSpec, archive: Path, root: Path, previous: list[str],
            behaviour: str) -> list[str]:
    """Remove the previous revision's files, copy ``files``; return the new cleanup list."""
    for rel in sorted(previous, key=len, reverse=True):
        path = inside(root, rel)
        if path.is_file() or path.is_symlink():
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    behaviour = spec.file_exists_behavior or behaviour or "DISALLOW"
    written: list[str] = []
    for mapping in spec.files:
        source = inside(archive, mapping.source)
        if not source.exists():
            raise AgentError("UnknownError", f"files: source {mapping.source!r} is not in the "
                                             "bundle.")
        dest = inside(root, mapping.destination)
        pairs = ([(source, dest / source.name)] if source.is_file() else
                 [(p, dest / p.relative_to(source)) for p in sorted(source.rglob("*"))])
        for src, dst in pairs:
            rel = "/" + str(dst.relative_to(root.resolve()))
            if src.is_dir():
                if not dst.exists():
                    dst.mkdir(parents=True)
                    written.append(rel)
                continue
            if dst.exists():
                if behaviour == "DISALLOW":
                    raise AgentError("UnknownError", f"The deployment failed because a specified "
                                                     f"file already exists at this location: "
                                                     f"{rel}. Set file_exists_behavior to "
                                                     "OVERWRITE or RETAIN to allow it.")
                if behaviour == "RETAIN":
                    continue
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
            written.append(rel)
    return written


# -- hook scripts -------------------------------------------------------------------------------

@dataclass
class ScriptRun:
    """What running one script produced."""

    log: str
    duration: float


def run_script(script: appspec.Script, archive: Path, env: dict[str, str]) -> ScriptRun:
    """Run one hook script with bash; raise :class:`AgentError` with its diagnostics."""
    try:
        path = inside(archive, script.location)
    except AgentError as err:
        raise AgentError("ScriptMissing", str(err), script.location) from None
    if not path.is_file():
        raise AgentError("ScriptMissing", f"Script does not exist at specified location: "
                                          f"{path}", script.location)
    prefix = ""
    if not os.access(path, os.X_OK):
        # The agent makes a non-executable script executable before it gives up.
        prefix = (f"Script at specified location: {script.location} is not executable. "
                  "Trying to make it executable.\n")
        try:
            path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        except OSError:
            raise AgentError("ScriptNotExecutable", prefix + "Could not make it executable.",
                             script.location) from None
    done = work.run(["bash", str(path)], env=env, cwd=archive, timeout=script.timeout)
    text = prefix + "".join(f"[stdout]{line}\n" for line in done.stdout.splitlines())
    text += "".join(f"[stderr]{line}\n" for line in done.stderr.splitlines())
    if done.timed_out:
        raise AgentError("ScriptTimedOut", f"Script at specified location: {script.location} "
                                           f"failed to complete in {script.timeout} seconds",
                         script.location, text)
    if done.returncode != 0:
        raise AgentError("ScriptFailed", f"Script at specified location: {script.location} "
                                         f"failed with exit code {done.returncode}",
                         script.location, text)
    return ScriptRun(text, done.duration)
