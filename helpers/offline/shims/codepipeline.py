"""CodePipeline: ``create_pipeline`` accepts any trust policy that lets CodePipeline assume it.

moto reads ``Principal.Service`` of every trust statement and compares it with one string, so a
statement without a service principal (an extra ``AWS`` principal) crashes it with KeyError (HTTP
500), and ``"Service": [...]`` is rejected. Here the role is trusted when an ``Allow`` statement
names ``codepipeline.amazonaws.com`` (as a string or in a list) for ``sts:AssumeRole`` and no
``Deny`` statement does; other statements are ignored. ``Condition`` blocks are not evaluated
(AWS would evaluate them when CodePipeline assumes the role). A role that does not trust
CodePipeline still gets moto's ``InvalidStructureException``, and tags are checked before the
pipeline is stored, so a rejected call leaves nothing behind.
"""

from __future__ import annotations

import functools
import json
import logging
from typing import Any

from moto.codepipeline.exceptions import InvalidStructureException
from moto.codepipeline.models import CodePipeline, CodePipelineBackend
from moto.iam.exceptions import NotFoundException as IAMNotFoundException

log = logging.getLogger(__name__)

_MARK = "_cdw_shim"
SERVICE_PRINCIPAL = "codepipeline.amazonaws.com"
MIN_STAGES = 2


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _names_assume_role(statement: dict[str, Any]) -> bool:
    actions = [str(a).lower() for a in _as_list(statement.get("Action"))]
    return any(a in ("sts:assumerole", "sts:*", "*") for a in actions)


def _names_service(statement: dict[str, Any], service: str) -> bool:
    principal = statement.get("Principal")
    if not isinstance(principal, dict):
        return False
    return service in _as_list(principal.get("Service"))


def trusts_service(policy_document: str, service: str = SERVICE_PRINCIPAL) -> bool:
    """True when the trust policy lets ``service`` assume the role.

    Args:
        policy_document: The role's trust policy (JSON text).
        service: The service principal, e.g. ``codepipeline.amazonaws.com``.
    """
    try:
        statements = _as_list(json.loads(policy_document).get("Statement"))
    except (ValueError, AttributeError):
        return False
    matching = [s for s in statements if isinstance(s, dict)
                and _names_service(s, service) and _names_assume_role(s)]
    allowed = any(s.get("Effect") == "Allow" for s in matching)
    denied = any(s.get("Effect") == "Deny" for s in matching)
    return allowed and not denied


def _create_pipeline(original: Any) -> Any:
    @functools.wraps(original)
    def create_pipeline(self: CodePipelineBackend, pipeline: dict[str, Any],
                        tags: list[dict[str, str]] | None) -> tuple[dict[str, Any], list]:
        name = pipeline["name"]
        if name in self.pipelines:
            raise InvalidStructureException(
                f"A pipeline with the name '{name}' already exists in account "
                f"'{self.account_id}'")
        role_arn = pipeline["roleArn"]
        try:
            role = self.iam_backend.get_role_by_arn(role_arn)
        except IAMNotFoundException:
            role = None
        if role is None or not trusts_service(role.assume_role_policy_document):
            raise InvalidStructureException(
                f"CodePipeline is not authorized to perform AssumeRole on role {role_arn}")
        if len(pipeline["stages"]) < MIN_STAGES:
            raise InvalidStructureException(
                f"Pipeline has only {len(pipeline['stages'])} stage(s). There should be a "
                f"minimum of {MIN_STAGES} stages in a pipeline")
        model = CodePipeline(self.account_id, self.region_name, pipeline)
        tags = tags or []
        model.validate_tags(tags)
        model.tags.update({tag["key"]: tag["value"] for tag in tags})
        self.pipelines[name] = model
        return pipeline, sorted(tags, key=lambda tag: tag["key"])

    setattr(create_pipeline, _MARK, True)
    return create_pipeline


def install() -> None:
    """Replace moto's trust check in ``create_pipeline`` (idempotent)."""
    current = CodePipelineBackend.create_pipeline
    if not getattr(current, _MARK, False):
        CodePipelineBackend.create_pipeline = _create_pipeline(current)
    log.debug("codepipeline shim installed")
