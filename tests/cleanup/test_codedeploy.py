"""Cleanup of CodeDeploy resources by prefix and tags."""

from __future__ import annotations

from helpers.cleanup import codedeploy as cleanup
from helpers.cleanup.base import Scope


def _run(client, scope):
    for rtype in sorted(cleanup.RESOURCE_TYPES, key=lambda r: r.order):
        for ident in rtype.list_fn(client, scope):
            rtype.delete_fn(client, ident)


def test_cleanup_removes_only_resources_in_scope(aws):
    """Prefixed/tagged applications, groups, configs and on-prem instances go; others stay."""
    codedeploy = aws("codedeploy")
    role = "arn:aws:iam::123456789012:role/r"
    codedeploy.create_application(applicationName="cdw-me-app")
    codedeploy.create_deployment_group(applicationName="cdw-me-app", deploymentGroupName="g",
                                       serviceRoleArn=role)
    codedeploy.create_application(applicationName="tagged",
                                  tags=[{"Key": "cdw:participant", "Value": "me"}])
    codedeploy.create_application(applicationName="other")
    hosts = {"type": "HOST_COUNT", "value": 0}
    codedeploy.create_deployment_config(deploymentConfigName="cdw-me-cfg",
                                        minimumHealthyHosts=hosts)
    codedeploy.create_deployment_config(deploymentConfigName="keep-cfg", minimumHealthyHosts=hosts)
    codedeploy.register_on_premises_instance(
        instanceName="cdw-me-host", iamSessionArn="arn:aws:sts::123456789012:assumed-role/R/h")
    scope = Scope(prefix="cdw-me-", tags={"cdw:participant": "me"})
    _run(codedeploy, scope)
    assert codedeploy.list_applications()["applications"] == ["other"]
    configs = codedeploy.list_deployment_configs()["deploymentConfigsList"]
    assert "keep-cfg" in configs and "cdw-me-cfg" not in configs
    assert codedeploy.list_on_premises_instances(
        registrationStatus="Registered")["instanceNames"] == []
    assert all(rtype.list_fn(codedeploy, scope) == [] for rtype in cleanup.RESOURCE_TYPES)
