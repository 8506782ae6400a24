"""Sources in, artifacts out: S3 and git on the endpoint, files in the build's work folder."""

from __future__ import annotations

import fnmatch
import hashlib
import io
import logging
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.offline import work

log = logging.getLogger(__name__)


class StorageError(Exception):
    """A download or upload failed; ``code`` is the phase context status code."""

    def __init__(self, message: str, code: str = "CLIENT_ERROR") -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _split(location: str) -> tuple[str, str]:
    bucket, _, key = location.strip("/").partition("/")
    if location.endswith("/"):
        key += "/"
    return bucket, key


def download_s3(endpoint: Any, location: str, dest: Path, version: str | None) -> None:
    """Unpack the zip at ``bucket/key`` (or copy every object under ``bucket/folder/``)."""
    s3 = endpoint.client("s3")
    bucket, key = _split(location)
    try:
        if key.endswith("/"):
            pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=key)
            for page in pages:
                for item in page.get("Contents", []):
                    target = dest / item["Key"][len(key):]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    s3.download_file(bucket, item["Key"], str(target))
            return
        kwargs = {"Bucket": bucket, "Key": key}
        if version:
            kwargs["VersionId"] = version
        body = s3.get_object(**kwargs)["Body"].read()
    except s3.exceptions.ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "Error")
        raise StorageError(f"error while downloading key {key} from bucket {bucket}: "
                           f"{code}") from None
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            archive.extractall(dest)
    except zipfile.BadZipFile:
        raise StorageError(f"the source s3://{bucket}/{key} is not a zip file; an S3 source "
                           "is a .zip of the source tree (or a folder ending in /)") from None


def clone_codecommit(endpoint: Any, env: dict[str, str], location: str, dest: Path,
                     version: str | None) -> str:
    """Clone a CodeCommit repository from the endpoint's git route; return the commit id."""
    name = location.rstrip("/").rsplit("/", 1)[-1]
    url = f"{endpoint.url}/v1/repos/{name}"
    done = work.run(["git", "clone", "--quiet", url, str(dest)], env=env, timeout=300)
    if done.returncode != 0:
        raise StorageError(f"git clone of {name} failed: {done.stderr.strip()[-300:]}")
    if version:
        ref = version.removeprefix("refs/heads/")
        done = work.run(["git", "checkout", "--quiet", ref], env=env, cwd=dest, timeout=60)
        if done.returncode != 0:
            raise StorageError(f"reference not found for source version {version}")
    head = work.run(["git", "rev-parse", "HEAD"], env=env, cwd=dest, timeout=60)
    return head.stdout.strip()


@dataclass
class Upload:
    """What an artifact upload produced (for the Build's ``artifacts`` entry)."""

    location: str
    md5sum: str = ""
    sha256sum: str = ""
    identifier: str | None = None


def collect(base: Path, patterns: list[str], exclude: list[str],
            discard_paths: bool) -> list[tuple[Path, str]]:
    """The files matched by ``patterns`` under ``base`` as (path, name in the artifact)."""
    found: dict[str, Path] = {}
    for pattern in patterns:
        pattern = pattern.strip().lstrip("./") or "*"
        matches = [base / pattern] if (base / pattern).is_file() else base.glob(pattern)
        for path in sorted(matches):
            if path.is_dir():
                # A folder pattern stands for every file beneath it.
                subs = [p for p in sorted(path.rglob("*")) if p.is_file()]
            else:
                subs = [path]
            for sub in subs:
                rel = sub.relative_to(base).as_posix()
                if rel.startswith(".cdw/") or any(_match(rel, ex) for ex in exclude):
                    continue
                found[rel] = sub
    out = []
    for rel, path in found.items():
        out.append((path, path.name if discard_paths else rel))
    return out


def _match(rel: str, pattern: str) -> bool:
    pattern = pattern.strip().lstrip("./")
    return fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(rel, pattern.rstrip("/") + "/*")


def upload(endpoint: Any, files: list[tuple[Path, str]], bucket: str, key: str, zipped: bool,
           build_arn: str) -> Upload:
    """Upload ``files`` to ``bucket`` as one zip at ``key`` or as objects under ``key/``."""
    s3 = endpoint.client("s3")
    metadata = {"codebuild-buildarn": build_arn}
    try:
        if zipped:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for path, name in files:
                    archive.write(path, name)
            data = buffer.getvalue()
            s3.put_object(Bucket=bucket, Key=key, Body=data, Metadata=metadata)
            return Upload(f"arn:aws:s3:::{bucket}/{key}", hashlib.md5(data).hexdigest(),
                          hashlib.sha256(data).hexdigest())
        for path, name in files:
            s3.put_object(Bucket=bucket, Key=f"{key}/{name}".lstrip("/"),
                          Body=path.read_bytes(), Metadata=metadata)
        return Upload(f"arn:aws:s3:::{bucket}/{key}")
    except s3.exceptions.ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "Error")
        raise StorageError(f"error while uploading artifacts to s3://{bucket}/{key}: "
                           f"{code}") from None
