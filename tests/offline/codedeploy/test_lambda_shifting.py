"""Lambda traffic shifting on the virtual clock: the alias's weights at each step (§A.2.2)."""

from __future__ import annotations

import time

from helpers.offline.codedeploy import shifting
from tests.offline.codedeploy import lambdas


def _weight(aws) -> tuple[str, float]:
    alias = aws("lambda").get_alias(FunctionName="api", Name="live")
    weights = (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
    return alias["FunctionVersion"], weights.get("2", 0.0)


def _until(aws, expected: tuple[str, float]) -> tuple[str, float]:
    """Poll until the alias shows ``expected`` (the engine applies work asynchronously)."""
    seen = _weight(aws)
    for _ in range(400):
        if seen == expected:
            break
        time.sleep(0.05)
        seen = _weight(aws)
    return seen


def test_schedule_linear_and_canary():
    """Linear 10 % every 10 minutes: 10 shifts, the last (100 %) at minute 90."""
    linear = shifting.schedule({"type": "TimeBasedLinear", "timeBasedLinear": {
        "linearPercentage": 10, "linearInterval": 10}})
    assert [p for _, p in linear] == list(range(10, 101, 10))
    assert linear[-1][0] == 90 * 60
    canary = shifting.schedule({"type": "TimeBasedCanary", "timeBasedCanary": {
        "canaryPercentage": 25, "canaryInterval": 7}})
    assert canary == [(0.0, 25), (420.0, 100)]
    assert shifting.schedule({"type": "TimeBasedLinear", "timeBasedLinear": {
        "linearPercentage": 30, "linearInterval": 1}})[-1] == (180.0, 100)


def test_linear_weights_step_by_step(aws, role_arn, ep):
    """At a near-frozen finite scale, advancing the clock a minute moves the alias 10 %."""
    lambdas.function(aws)
    lambdas.group(aws, role_arn, config="CodeDeployDefault.LambdaLinear10PercentEvery1Minute")
    ep.engine.set_scale(1e-6)
    codedeploy = aws("codedeploy")
    deployment_id = codedeploy.create_deployment(
        applicationName="fn-app", deploymentGroupName="fn-group",
        revision=lambdas.revision(lambdas.appspec()))["deploymentId"]
    ep.engine.advance(1)
    seen = [_until(aws, ("1", 0.1))]
    for step in range(2, 10):
        ep.engine.advance(60)
        seen.append(_until(aws, ("1", step / 10)))
    ep.engine.advance(60)
    seen.append(_until(aws, ("2", 0.0)))
    assert seen == [("1", n / 10) for n in range(1, 10)] + [("2", 0.0)]
    ep.engine.set_scale("max")
    info = codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]
    assert info["status"] == "Succeeded"
    assert 9 * 60 <= (info["completeTime"] - info["startTime"]).total_seconds() < 10 * 60


def test_custom_canary_takes_its_interval_at_max(aws, role_arn):
    """A custom TimeBasedCanary config: done after its interval of virtual time."""
    codedeploy = aws("codedeploy")
    codedeploy.create_deployment_config(
        deploymentConfigName="canary-25-7", computePlatform="Lambda",
        trafficRoutingConfig={"type": "TimeBasedCanary", "timeBasedCanary": {
            "canaryPercentage": 25, "canaryInterval": 7}})
    lambdas.function(aws)
    lambdas.group(aws, role_arn, config="canary-25-7")
    info = lambdas.deploy(aws, lambdas.appspec())
    assert info["status"] == "Succeeded"
    assert 7 * 60 <= (info["completeTime"] - info["startTime"]).total_seconds() < 8 * 60
    events = {e["lifecycleEventName"]: e for e in lambdas.target(
        aws, info["deploymentId"])["lambdaTarget"]["lifecycleEvents"]}
    shift = events["AllowTraffic"]
    assert (shift["endTime"] - shift["startTime"]).total_seconds() == 7 * 60
    assert _weight(aws) == ("2", 0.0)


def test_weights_watched_live_overlay_the_schedule(aws, role_arn, ep):
    """At a finite scale, watch_alias samples rising weights that traffic_frame overlays."""
    from helpers import frames, functions

    lambdas.function(aws)
    lambdas.group(aws, role_arn, config="CodeDeployDefault.LambdaLinear10PercentEvery1Minute")
    ep.engine.set_scale(120)  # a virtual minute every half wall second
    codedeploy = aws("codedeploy")
    deployment_id = codedeploy.create_deployment(
        applicationName="fn-app", deploymentGroupName="fn-group",
        revision=lambdas.revision(lambdas.appspec()))["deploymentId"]
    seen = functions.watch_alias(aws("lambda"), codedeploy, deployment_id, "api", "live", "2",
                                 now=ep.engine.now, poll=0.1)
    weights = [w for _, w in seen]
    assert weights == sorted(weights)
    assert weights[-1] == 100.0
    assert len({w for w in weights if 0 < w < 100}) >= 3
    config = codedeploy.get_deployment_config(
        deploymentConfigName="CodeDeployDefault.LambdaLinear10PercentEvery1Minute")[
        "deploymentConfigInfo"]
    info = codedeploy.get_deployment(deploymentId=deployment_id)["deploymentInfo"]
    targets = [codedeploy.get_deployment_target(deploymentId=deployment_id, targetId="api:live")[
        "deploymentTarget"]]
    frame = frames.traffic_frame_from(info, config, targets, observed=seen)
    assert (frame["source"] == "observed").sum() == len(seen)
    assert frame[frame["source"] == "schedule"]["weight"].max() == 100.0
