"""Lambda and ECS AppSpecs: both key spellings, JSON, and errors that name the key (§A.5)."""

from __future__ import annotations

import pytest

from helpers.specs import appspec_compute
from helpers.specs.appspec import AppSpecError

LAMBDA = """version: 0.0
Resources:
  - myFunction:
      Type: AWS::Lambda::Function
      Properties:
        Name: api
        Alias: live
        CurrentVersion: 1
        TargetVersion: 2
Hooks:
  - BeforeAllowTraffic: CodeDeployHook_pre
  - AfterAllowTraffic: CodeDeployHook_post
"""


def test_lambda_camel_case():
    """The example page's CamelCase keys."""
    spec = appspec_compute.loads(LAMBDA, "Lambda")
    assert (spec.function, spec.alias, spec.current_version, spec.target_version) == \
        ("api", "live", "1", "2")
    assert spec.hooks == {"BeforeAllowTraffic": "CodeDeployHook_pre",
                          "AfterAllowTraffic": "CodeDeployHook_post"}


def test_lambda_lower_case_json():
    """The structure page's lower-case keys, written as JSON."""
    text = ('{"version": 0.0, "resources": [{"f": {"type": "AWS::Lambda::Function", '
            '"properties": {"name": "api", "alias": "live", "currentversion": "3", '
            '"targetversion": "4"}}}], "hooks": [{"beforeallowtraffic": "h"}]}')
    spec = appspec_compute.loads(text, "Lambda")
    assert (spec.current_version, spec.target_version, spec.hooks) == \
        ("3", "4", {"BeforeAllowTraffic": "h"})


@pytest.mark.parametrize(("change", "named"), [
    (("        Alias: live\n", ""), "Alias is required"),
    (("Type: AWS::Lambda::Function", "Type: AWS::ECS::Service"), "AWS::Lambda::Function"),
    (("version: 0.0", "version: 1.0"), "version: 0.0"),
    (("BeforeAllowTraffic", "BeforeInstall"), "BeforeInstall is not a hook here"),
    (("TargetVersion: 2", "TargetVersion: live"), "TargetVersion"),
])
def test_lambda_errors_name_the_key(change, named):
    """Each mistake names the key to fix."""
    with pytest.raises(AppSpecError, match=named):
        appspec_compute.loads(LAMBDA.replace(*change), "Lambda")


def test_ecs_spec_and_errors():
    """An ECS AppSpec needs a task definition and a numeric container port."""
    text = ("version: 0.0\nResources:\n  - s:\n      Type: AWS::ECS::Service\n"
            "      Properties:\n        TaskDefinition: arn:td\n        LoadBalancerInfo:\n"
            "          ContainerName: web\n          ContainerPort: 8080\n"
            "        NetworkConfiguration:\n          AwsvpcConfiguration:\n"
            "            Subnets: [a, b]\n")
    spec = appspec_compute.loads(text, "ECS")
    assert (spec.task_definition, spec.container_name, spec.container_port) == \
        ("arn:td", "web", 8080)
    assert spec.network == {"AwsvpcConfiguration": {"Subnets": ["a", "b"]}}
    with pytest.raises(AppSpecError, match="ContainerPort must be a number"):
        appspec_compute.loads(text.replace("8080", "http"), "ECS")
    with pytest.raises(AppSpecError, match="not valid YAML or JSON"):
        appspec_compute.loads("version: 0.0\nResources: [\n", "ECS")
