"""helpers.ecs_service: the ECS stack for notebook 08, listener weights, the ECS AppSpec."""

from __future__ import annotations

from helpers import ecs_service
from helpers.specs import appspec_compute


def test_stack_serves_blue_on_both_listeners(aws):
    """A CODE_DEPLOY service; prod and test listeners forward to the blue target group."""
    stack = ecs_service.create_ecs_stack(aws("ec2"), aws("elbv2"), aws("ecs"), "cdw-t-08-web",
                                         [{"Key": "cdw:run", "Value": "t"}])
    elbv2 = aws("elbv2")
    assert ecs_service.listener_weights(elbv2, stack.prod_listener) == {"cdw-t-08-web-blue": 100}
    assert ecs_service.listener_weights(elbv2, stack.test_listener) == {"cdw-t-08-web-blue": 100}
    service = aws("ecs").describe_services(cluster=stack.cluster, services=[stack.service])[
        "services"][0]
    assert service["deploymentController"]["type"] == "CODE_DEPLOY"


def test_ecs_appspec_round_trips():
    """The AppSpec parses back to the task definition, container, port and hooks."""
    text = ecs_service.ecs_appspec("arn:td", hooks={"AfterAllowTestTraffic": "h"})
    spec = appspec_compute.loads(text, "ECS")
    assert (spec.task_definition, spec.container_name, spec.container_port) == ("arn:td", "web", 80)
    assert spec.hooks == {"AfterAllowTestTraffic": "h"}
