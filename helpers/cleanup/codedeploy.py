"""CodeDeploy: running deployments, deployment groups, applications (with their revisions),
custom deployment configurations and on-premises instances.

Applications and deployment groups are in scope by name prefix or by tags; deployment
configurations take no tags, so only the prefix finds them; on-premises instances by prefix or
tags, and "deleting" one deregisters it (AWS has no delete). Registered revisions go with their
application; the bundles themselves are S3 objects, cleaned up with their bucket.
"""

from __future__ import annotations

import logging
from typing import Any

from botocore.exceptions import ClientError

from helpers.cleanup.base import ResourceType, Scope

log = logging.getLogger(__name__)

ACTIVE = ["Created", "Queued", "InProgress", "Baking", "Ready"]


def _arn(codedeploy: Any, kind: str, name: str) -> str:
    region = codedeploy.meta.region_name
    account = _account(codedeploy)
    return f"arn:aws:codedeploy:{region}:{account}:{kind}:{name}"


def _account(codedeploy: Any) -> str:
    """The account of the client's credentials (STS, with the same credentials and endpoint)."""
    import boto3

    creds = codedeploy._request_signer._credentials.get_frozen_credentials()
    sts = boto3.client("sts", endpoint_url=codedeploy.meta.endpoint_url,
                       region_name=codedeploy.meta.region_name,
                       aws_access_key_id=creds.access_key, aws_secret_access_key=creds.secret_key,
                       aws_session_token=creds.token)
    return sts.get_caller_identity()["Account"]


def _in_scope(codedeploy: Any, scope: Scope, kind: str, name: str) -> bool:
    if scope.matches_name(name):
        return True
    if not scope.tags:
        return False
    try:
        tags = codedeploy.list_tags_for_resource(ResourceArn=_arn(codedeploy, kind, name))["Tags"]
    except ClientError:
        return False
    return scope.matches_tags(tags)


def _applications(codedeploy: Any) -> list[str]:
    return [n for page in codedeploy.get_paginator("list_applications").paginate()
            for n in page["applications"]]


def list_applications(codedeploy: Any, scope: Scope) -> list[str]:
    """Applications in scope."""
    return [n for n in _applications(codedeploy) if _in_scope(codedeploy, scope, "application", n)]


def delete_application(codedeploy: Any, name: str) -> None:
    """Delete an application (its groups and registered revisions go with it)."""
    codedeploy.delete_application(applicationName=name)


def list_groups(codedeploy: Any, scope: Scope) -> list[str]:
    """Deployment groups in scope, as ``application/group``."""
    out = []
    for app in _applications(codedeploy):
        for page in codedeploy.get_paginator("list_deployment_groups").paginate(
                applicationName=app):
            for group in page["deploymentGroups"]:
                ident = f"{app}/{group}"
                if scope.matches_name(app) or scope.matches_name(group) or \
                        _in_scope(codedeploy, scope, "deploymentgroup", ident):
                    out.append(ident)
    return out


def delete_group(codedeploy: Any, ident: str) -> None:
    """Delete one ``application/group``."""
    app, group = ident.split("/", 1)
    codedeploy.delete_deployment_group(applicationName=app, deploymentGroupName=group)


def list_active_deployments(codedeploy: Any, scope: Scope) -> list[str]:
    """Deployments still running in groups in scope."""
    out = []
    for ident in list_groups(codedeploy, scope):
        app, group = ident.split("/", 1)
        out += codedeploy.list_deployments(applicationName=app, deploymentGroupName=group,
                                           includeOnlyStatuses=ACTIVE)["deployments"]
    return out


def stop_deployment(codedeploy: Any, deployment_id: str) -> None:
    """Stop one deployment (one that finished meanwhile is fine)."""
    try:
        codedeploy.stop_deployment(deploymentId=deployment_id)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "DeploymentAlreadyCompletedException":
            raise


def list_configs(codedeploy: Any, scope: Scope) -> list[str]:
    """Custom deployment configurations whose names start with the prefix."""
    names = [n for page in codedeploy.get_paginator("list_deployment_configs").paginate()
             for n in page["deploymentConfigsList"]]
    return [n for n in names if not n.startswith("CodeDeployDefault.") and scope.matches_name(n)]


def delete_config(codedeploy: Any, name: str) -> None:
    """Delete one custom deployment configuration."""
    codedeploy.delete_deployment_config(deploymentConfigName=name)


def list_onprem(codedeploy: Any, scope: Scope) -> list[str]:
    """Registered on-premises instances in scope (by name prefix or tags)."""
    names = [n for page in codedeploy.get_paginator("list_on_premises_instances").paginate(
        registrationStatus="Registered") for n in page["instanceNames"]]
    if not names:
        return []
    out = []
    for start in range(0, len(names), 100):
        infos = codedeploy.batch_get_on_premises_instances(
            instanceNames=names[start:start + 100])["instanceInfos"]
        out += [i["instanceName"] for i in infos
                if scope.matches_name(i["instanceName"])
                or (scope.tags and scope.matches_tags(i.get("tags")))]
    return out


def deregister_onprem(codedeploy: Any, name: str) -> None:
    """Deregister one on-premises instance."""
    codedeploy.deregister_on_premises_instance(instanceName=name)


RESOURCE_TYPES = [
    ResourceType("CodeDeploy deployment (stop)", "codedeploy", list_active_deployments,
                 stop_deployment, order=10),
    ResourceType("CodeDeploy deployment group", "codedeploy", list_groups, delete_group,
                 order=20),
    ResourceType("CodeDeploy application", "codedeploy", list_applications, delete_application,
                 order=30),
    ResourceType("CodeDeploy deployment configuration", "codedeploy", list_configs,
                 delete_config, order=40),
    ResourceType("CodeDeploy on-premises instance", "codedeploy", list_onprem, deregister_onprem,
                 order=40),
]
