"""The AppSpec of a Lambda or ECS revision: a string in the request, or an object in S3 (a
YAML/JSON file, or a zip/tar archive with ``appspec.yaml`` at its root) (§A.5)."""

from __future__ import annotations

import io
import tarfile
import zipfile
from typing import Any

from helpers.specs.appspec import AppSpecError

NAMES = ("appspec.yaml", "appspec.yml", "appspec.json")


def appspec_text(endpoint: Any, revision: dict[str, Any]) -> tuple[str, str]:
    """Return ``(text, where)`` for a revision; raise :class:`AppSpecError` naming the problem.

    Runs S3 calls against the endpoint: call it as real work (``engine.run_work``).
    """
    kind = revision.get("revisionType")
    if kind in ("String", "AppSpecContent"):
        field = "string" if kind == "String" else "appSpecContent"
        return str(revision[field]["content"]), f"the revision's {field}.content"
    if kind != "S3":
        raise AppSpecError(f"A {kind} revision cannot carry a Lambda or ECS AppSpec: use "
                           "revisionType AppSpecContent, String or S3.")
    s3 = revision["s3Location"]
    where = f"s3://{s3['bucket']}/{s3['key']}"
    args = {"Bucket": s3["bucket"], "Key": s3["key"]}
    if s3.get("version"):
        args["VersionId"] = s3["version"]
    try:
        body = endpoint.client("s3").get_object(**args)["Body"].read()
    except Exception as err:  # noqa: BLE001 - reported as the deployment's error
        raise AppSpecError(f"{where} could not be read ({err}); upload the AppSpec there "
                           "first.") from None
    bundle = s3.get("bundleType")
    if bundle in ("YAML", "JSON"):
        return body.decode("utf-8", errors="replace"), where
    try:
        if bundle == "zip":
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                names = archive.namelist()
                found = next((n for n in NAMES if n in names), None)
                if found:
                    return archive.read(found).decode("utf-8", errors="replace"), \
                        f"{where}:{found}"
        else:
            with tarfile.open(fileobj=io.BytesIO(body)) as archive:
                members = {m.name.removeprefix("./"): m for m in archive.getmembers()}
                found = next((n for n in NAMES if n in members), None)
                if found:
                    data = archive.extractfile(members[found])
                    return data.read().decode("utf-8", errors="replace"), f"{where}:{found}"
    except (zipfile.BadZipFile, tarfile.TarError):
        raise AppSpecError(f"{where} is not a valid {bundle} archive.") from None
    raise AppSpecError(f"{where} has no appspec.yaml at its root.")
