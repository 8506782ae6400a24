"""CloudFormation: a template with resource types moto cannot create is refused, not half-built.

moto skips a resource type it has no model for (a log warning), marks the stack CREATE_COMPLETE
and silently drops outputs that refer to it — a learner would think ``AWS::CodePipeline::Pipeline``
was created. AWS answers a type it does not know with a synchronous ``ValidationError``
("Template format error: Unrecognized resource types: [...]") from CreateStack, UpdateStack and
CreateChangeSet, before any stack or change set exists. The offline endpoint does the same for
every type moto cannot create, with a message that says it is the offline endpoint's limit (the
type may well exist in AWS). Supported means what moto itself would create: its CloudFormation
model map (which other shims may extend, clearing its cache), ``Custom::`` resources and the
wait-condition types moto deliberately ignores.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from moto.cloudformation import parsing
from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import CloudFormationBackend, Stack

log = logging.getLogger(__name__)

_MARK = "_cdw_shim"


def unsupported_types(template: dict[str, Any]) -> list[str]:
    """The resource types in ``template`` that moto cannot create, sorted, without repeats."""
    resources = template.get("Resources") if isinstance(template, dict) else None
    if not isinstance(resources, dict):
        return []
    known = parsing.get_model_map()
    found = set()
    for resource in resources.values():
        kind = resource.get("Type") if isinstance(resource, dict) else None
        if not isinstance(kind, str):
            continue  # moto reports a malformed resource itself
        if kind in known or kind in parsing.NULL_MODELS or kind.startswith("Custom::"):
            continue
        found.add(kind)
    return sorted(found)


def check_template(template: str | None) -> None:
    """Raise moto's ValidationError naming every resource type the offline endpoint lacks."""
    if not template:
        return
    try:
        parsed = Stack.parse_template(template)
    except Exception:  # noqa: BLE001 - not JSON nor YAML: moto's own parsing reports it
        return
    missing = unsupported_types(parsed)
    if missing:
        log.info("refused a template with unsupported resource types %s", missing)
        raise ValidationError(message=(
            f"Template format error: Unrecognized resource types: [{', '.join(missing)}]. "
            "The offline endpoint's CloudFormation cannot create these types (AWS can); "
            "create them with their own service's API instead, or run this stack in a sandbox "
            "account. See docs/offline-differences.md."))


def _checked(original: Any, template_at: int) -> Any:
    """Wrap a backend method whose ``template`` argument is positional number ``template_at``."""

    @functools.wraps(original)
    def method(self: CloudFormationBackend, *args: Any, **kwargs: Any) -> Any:
        template = kwargs.get("template", args[template_at] if len(args) > template_at else None)
        check_template(template)
        return original(self, *args, **kwargs)

    setattr(method, _MARK, True)
    return method


#: Backend methods that take a template, and the position of ``template`` after ``self``.
CHECKED = {"create_stack": 1, "update_stack": 1, "create_change_set": 2}


def install() -> None:
    """Refuse templates with unsupported types in create/update stack and change sets
    (idempotent)."""
    for name, position in CHECKED.items():
        current = getattr(CloudFormationBackend, name)
        if not getattr(current, _MARK, False):
            setattr(CloudFormationBackend, name, _checked(current, position))
    log.debug("cloudformation shim installed")
