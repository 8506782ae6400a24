"""ECS: services (with their task sets), clusters, task definition families — by name prefix.

Services go first (deleted with ``force``: a CODE_DEPLOY service's task sets go with it), then
clusters; task definitions of a family whose name starts with the prefix are deregistered.
"""

from __future__ import annotations

from typing import Any

from helpers.cleanup.base import ResourceType, Scope


def _clusters(client: Any, scope: Scope) -> list[str]:
    arns = [a for page in client.get_paginator("list_clusters").paginate()
            for a in page["clusterArns"] if scope.matches_name(a.rsplit("/", 1)[1])]
    if not arns:
        return []
    return [c["clusterArn"] for c in client.describe_clusters(clusters=arns)["clusters"]
            if c.get("status") == "ACTIVE"]


def list_services(client: Any, scope: Scope) -> list[str]:
    """``cluster/service`` of services in clusters in scope (or named with the prefix)."""
    out = []
    for page in client.get_paginator("list_clusters").paginate():
        for cluster in page["clusterArns"]:
            cluster_name = cluster.rsplit("/", 1)[1]
            arns = [a for a in client.list_services(cluster=cluster).get("serviceArns", [])
                    if scope.matches_name(cluster_name)
                    or scope.matches_name(a.rsplit("/", 1)[1])]
            # A deleted service stays listed while it drains: only ACTIVE ones are left over.
            for start in range(0, len(arns), 10):
                for svc in client.describe_services(cluster=cluster,
                                                    services=arns[start:start + 10])["services"]:
                    if svc.get("status") == "ACTIVE":
                        out.append(f"{cluster_name}/{svc['serviceName']}")
    return out


def delete_service(client: Any, ident: str) -> None:
    """Delete a service (force: no need to scale it to zero first)."""
    cluster, name = ident.split("/", 1)
    client.delete_service(cluster=cluster, service=name, force=True)


def list_clusters(client: Any, scope: Scope) -> list[str]:
    """Clusters named with the prefix."""
    return [a.rsplit("/", 1)[1] for a in _clusters(client, scope)]


def delete_cluster(client: Any, name: str) -> None:
    """Delete an (empty) cluster."""
    client.delete_cluster(cluster=name)


def list_task_definitions(client: Any, scope: Scope) -> list[str]:
    """Active task definition revisions of families named with the prefix."""
    arns = [a for page in client.get_paginator("list_task_definitions").paginate(status="ACTIVE")
            for a in page["taskDefinitionArns"]]
    return [a for a in arns if scope.matches_name(a.rsplit("/", 1)[1])]


def deregister_task_definition(client: Any, arn: str) -> None:
    """Deregister one revision."""
    client.deregister_task_definition(taskDefinition=arn)


RESOURCE_TYPES = [
    ResourceType("ECS service", "ecs", list_services, delete_service, order=40),
    ResourceType("ECS cluster", "ecs", list_clusters, delete_cluster, order=45),
    ResourceType("ECS task definition", "ecs", list_task_definitions,
                 deregister_task_definition, order=45),
]
