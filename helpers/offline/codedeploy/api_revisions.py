"""CodeDeploy API: application revisions (register, list, get)."""

from __future__ import annotations

import copy
import json
from typing import Any

from helpers.offline.codedeploy.common import read, write
from helpers.offline.codedeploy.paging import page
from helpers.offline.services import Request, ServiceError

BUNDLE_TYPES = ("tar", "tgz", "zip", "YAML", "JSON")
MAX_DESCRIPTION = 256


def check_revision(revision: Any) -> dict[str, Any]:
    """Validate a RevisionLocation; return it."""
    if not revision:
        raise ServiceError("RevisionRequiredException", "revision is required.")
    kind = revision.get("revisionType")
    if kind == "S3":
        s3 = revision.get("s3Location") or {}
        if not s3.get("bucket") or not s3.get("key"):
            raise ServiceError("InvalidRevisionException",
                               "An S3 revision needs s3Location.bucket and s3Location.key.")
        if s3.get("bundleType") not in BUNDLE_TYPES:
            raise ServiceError("InvalidRevisionException",
                               f"s3Location.bundleType must be one of {', '.join(BUNDLE_TYPES)}; "
                               f"got {s3.get('bundleType')!r}.")
    elif kind == "GitHub":
        gh = revision.get("gitHubLocation") or {}
        if not gh.get("repository") or not gh.get("commitId"):
            raise ServiceError("InvalidRevisionException",
                               "A GitHub revision needs gitHubLocation.repository and commitId.")
    elif kind in ("String", "AppSpecContent"):
        field = "string" if kind == "String" else "appSpecContent"
        if not (revision.get(field) or {}).get("content"):
            raise ServiceError("InvalidRevisionException",
                               f"A {kind} revision needs {field}.content.")
    else:
        raise ServiceError("InvalidRevisionException",
                           "revisionType must be S3, GitHub, String or AppSpecContent; "
                           f"got {kind!r}.")
    return revision


def revision_key(revision: dict[str, Any]) -> str:
    """A stable key for a revision location (what identifies a revision)."""
    kind = revision["revisionType"]
    if kind == "S3":
        s3 = revision["s3Location"]
        ident = {k: s3.get(k) for k in ("bucket", "key", "bundleType", "version", "eTag")}
    elif kind == "GitHub":
        ident = dict(revision["gitHubLocation"])
    else:
        field = "string" if kind == "String" else "appSpecContent"
        ident = {"content": revision[field].get("content")}
    return json.dumps([kind, ident], sort_keys=True)


class RevisionsApi:
    """Register, list and get application revisions."""

    def revision_record(self, request: Request, app: str, revision: dict[str, Any],
                        create: bool = False) -> dict[str, Any] | None:
        """The record of a revision of ``app`` (created when ``create``)."""
        return self.revision_record_for(self.backend(request), app, revision, create)

    def revision_record_for(self, backend: Any, app: str, revision: dict[str, Any],
                            create: bool = True) -> dict[str, Any] | None:
        """The record of a revision of ``app`` in ``backend`` (created when ``create``)."""
        revisions = backend.revisions
        key = (app, revision_key(revision))
        if key not in revisions and create:
            revisions[key] = {"revisionLocation": copy.deepcopy(revision),
                              "genericRevisionInfo": {"deploymentGroups": [],
                                                      "registerTime": self.engine.now()}}
        return revisions.get(key)

    @write
    def register_application_revision(self, request: Request) -> dict[str, Any]:
        """RegisterApplicationRevision."""
        app = self.application(request)["applicationName"]
        description = request.params.get("description")
        if description is not None and len(description) > MAX_DESCRIPTION:
            raise ServiceError("DescriptionTooLongException",
                               f"description is {len(description)} characters; at most "
                               f"{MAX_DESCRIPTION}.")
        revision = check_revision(request.params.get("revision"))
        record = self.revision_record(request, app, revision, create=True)
        info = record["genericRevisionInfo"]
        info["registerTime"] = self.engine.now()
        if description is not None:
            info["description"] = description
        return {}

    @read
    def get_application_revision(self, request: Request) -> dict[str, Any]:
        """GetApplicationRevision."""
        app = self.application(request)["applicationName"]
        revision = check_revision(request.params.get("revision"))
        record = self.revision_record(request, app, revision)
        if record is None:
            raise ServiceError("RevisionDoesNotExistException",
                               f"Application {app!r} has no such revision registered.")
        return {"applicationName": app, "revision": record["revisionLocation"],
                "revisionInfo": record["genericRevisionInfo"]}

    @read
    def batch_get_application_revisions(self, request: Request) -> dict[str, Any]:
        """BatchGetApplicationRevisions."""
        app = self.application(request)["applicationName"]
        revisions = request.params.get("revisions") or []
        if not revisions:
            raise ServiceError("RevisionRequiredException", "revisions is required.")
        if len(revisions) > 25:
            raise ServiceError("BatchLimitExceededException", "At most 25 revisions per call.")
        found = [self.revision_record(request, app, check_revision(r)) for r in revisions]
        return {"applicationName": app, "revisions": [r for r in found if r]}

    @read
    def list_application_revisions(self, request: Request) -> dict[str, Any]:
        """ListApplicationRevisions, with its sort and filters."""
        params = request.params
        app = self.application(request)["applicationName"]
        sort_by = params.get("sortBy")
        if sort_by not in (None, "registerTime", "firstUsedTime", "lastUsedTime"):
            raise ServiceError("InvalidSortByException",
                               "sortBy must be registerTime, firstUsedTime or lastUsedTime.")
        order = params.get("sortOrder")
        if order not in (None, "ascending", "descending"):
            raise ServiceError("InvalidSortOrderException",
                               "sortOrder must be ascending or descending.")
        deployed = params.get("deployed") or "ignore"
        if deployed not in ("include", "exclude", "ignore"):
            raise ServiceError("InvalidDeployedStateFilterException",
                               "deployed must be include, exclude or ignore.")
        if params.get("s3KeyPrefix") and not params.get("s3Bucket"):
            raise ServiceError("BucketNameFilterRequiredException",
                               "s3KeyPrefix needs s3Bucket too.")
        records = [r for (a, _), r in self.backend(request).revisions.items() if a == app]
        records = [r for r in records if _keep(r, params, deployed)]
        if sort_by:
            records.sort(key=lambda r: (r["genericRevisionInfo"].get(sort_by) is None,
                                        r["genericRevisionInfo"].get(sort_by) or 0))
            if order == "descending":
                records.reverse()
        items, token = page([r["revisionLocation"] for r in records], params.get("nextToken"))
        return {"revisions": items, **({"nextToken": token} if token else {})}


def _keep(record: dict[str, Any], params: dict[str, Any], deployed: str) -> bool:
    location = record["revisionLocation"]
    s3 = location.get("s3Location") or {}
    if params.get("s3Bucket") and s3.get("bucket") != params["s3Bucket"]:
        return False
    if params.get("s3KeyPrefix") and not (s3.get("key") or "").startswith(params["s3KeyPrefix"]):
        return False
    used = bool(record["genericRevisionInfo"].get("firstUsedTime"))
    return deployed == "ignore" or (deployed == "include") == used
