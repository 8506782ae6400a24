"""Lambda functions for tests: build a zip, create the function on the endpoint."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

#: A handler that records each event it gets as an object in the bucket ``OUT_BUCKET``.
RECORDER = """
import json, os
import boto3

def handler(event, context):
    boto3.client("s3").put_object(Bucket=os.environ["OUT_BUCKET"],
                                  Key="events/" + context.aws_request_id,
                                  Body=json.dumps(event))
    return {"recorded": context.aws_request_id}
"""

ROLE_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})


def package(files: dict[str, str]) -> bytes:
    """A deployment package (zip) holding ``files`` (path → source)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return buf.getvalue()


def role(aws: Callable[[str], Any]) -> str:
    """The ARN of an execution role (created once per test)."""
    iam = aws("iam")
    try:
        return iam.get_role(RoleName="cdw-test-lambda")["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        return iam.create_role(RoleName="cdw-test-lambda",
                               AssumeRolePolicyDocument=ROLE_POLICY)["Role"]["Arn"]


def create(aws: Callable[[str], Any], name: str, files: dict[str, str],
           handler: str = "app.handler", runtime: str = "python3.12",
           **kwargs: Any) -> str:
    """Create a function from ``files``; return its ARN."""
    return aws("lambda").create_function(
        FunctionName=name, Runtime=runtime, Role=role(aws), Handler=handler,
        Code={"ZipFile": package(files)}, **kwargs)["FunctionArn"]


def recorder(aws: Callable[[str], Any], name: str = "recorder",
             bucket: str = "cdw-out") -> str:
    """Create the bucket and a function that records its events there; return the ARN."""
    aws("s3").create_bucket(Bucket=bucket)
    return create(aws, name, {"app.py": RECORDER},
                  Environment={"Variables": {"OUT_BUCKET": bucket}})


def recorded(aws: Callable[[str], Any], bucket: str = "cdw-out") -> list[Any]:
    """The events the recorder got so far (an outside read: the engine settles first)."""
    s3 = aws("s3")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    return [json.loads(s3.get_object(Bucket=bucket, Key=k)["Body"].read()) for k in keys]
