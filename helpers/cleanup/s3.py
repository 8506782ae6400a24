"""S3: buckets (with every object version and delete marker in them).

A bucket is in scope when its name starts with the scope's prefix or it carries the scope's
tags (buckets are taggable, but a learner may forget ``Tagging``; the prefix still finds it).
"""

from __future__ import annotations

import logging
from typing import Any

from botocore.exceptions import ClientError

from helpers.cleanup.base import ResourceType, Scope

log = logging.getLogger(__name__)


def _bucket_tags(s3: Any, bucket: str) -> list[dict[str, str]]:
    try:
        return s3.get_bucket_tagging(Bucket=bucket)["TagSet"]
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("NoSuchTagSet", "NoSuchBucket"):
            return []
        # A bucket we may not read (another team's, another region's) is not ours to delete.
        log.info("cleanup: skipping bucket %s: %s", bucket, exc.response["Error"]["Code"])
        return []


def list_buckets(s3: Any, scope: Scope) -> list[str]:
    """Buckets in scope."""
    names = [b["Name"] for b in s3.list_buckets().get("Buckets", [])]
    return [n for n in names
            if scope.matches_name(n) or (scope.tags and scope.matches_tags(_bucket_tags(s3, n)))]


def delete_bucket(s3: Any, bucket: str) -> None:
    """Empty the bucket (every version and delete marker), then delete it."""
    paginator = s3.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=bucket):
        keys = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
        # delete_objects takes at most 1000 keys; a page holds at most 1000 versions + markers.
        for start in range(0, len(keys), 1000):
            s3.delete_objects(Bucket=bucket,
                              Delete={"Objects": keys[start:start + 1000], "Quiet": True})
    s3.delete_bucket(Bucket=bucket)


RESOURCE_TYPES = [ResourceType("S3 bucket", "s3", list_buckets, delete_bucket, order=150)]
