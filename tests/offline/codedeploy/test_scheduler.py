"""Property tests of the minimum-healthy-hosts scheduler against aws-semantics.md §A.3."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from helpers.offline.codedeploy import scheduler
from helpers.offline.codedeploy.scheduler import simulate

ONE = {"type": "MOST_CONCURRENCY", "value": 1}
HALF = {"type": "FLEET_PERCENT", "value": 50}
ALL = {"type": "FLEET_PERCENT", "value": 0}

fleets = st.lists(st.booleans(), min_size=1, max_size=40)
hosts = st.one_of(
    st.just(ONE), st.just(HALF), st.just(ALL),
    st.builds(lambda v: {"type": "FLEET_PERCENT", "value": v}, st.integers(0, 99)),
    st.builds(lambda v: {"type": "HOST_COUNT", "value": v}, st.integers(0, 45)))


@given(fleets)
def test_one_at_a_time_fails_on_any_failure_but_the_last(results):
    """OneAtATime: one instance per batch; any failure but the last instance's fails it."""
    out = simulate(results, ONE)
    if len(results) == 1:
        assert out.status == ("Succeeded" if results[0] else "Failed")
        return
    assert all(len(b) == 1 for b in out.batches)
    early_failure = not all(results[:-1])
    assert out.status == ("Failed" if early_failure else "Succeeded")
    if early_failure:
        first = results.index(False)
        assert out.attempted == list(range(first + 1))
        assert out.skipped == list(range(first + 1, len(results)))
        assert out.error == scheduler.HEALTH_CONSTRAINTS


@given(st.integers(2, 60))
def test_half_at_a_time_rounds_batches_down_and_successes_up(n):
    """HalfAtATime: batches of floor(n/2); success needs ceil(n/2) successes."""
    out = simulate([True] * n, HALF)
    assert out.required == math.ceil(n / 2)
    assert len(out.batches[0]) == n // 2
    assert out.status == "Succeeded"


@given(st.integers(2, 60), st.data())
def test_half_at_a_time_verdict(n, data):
    """HalfAtATime succeeds iff no batch leaves fewer than ceil(n/2) healthy."""
    results = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    out = simulate(results, HALF)
    if out.status == "Succeeded":
        assert sum(results[i] for i in out.attempted) >= math.ceil(n / 2)
    else:
        assert sum(1 for r in results if not r) >= 1


@given(fleets)
def test_all_at_once_one_success_suffices(results):
    """AllAtOnce: every instance at once; Succeeded iff at least one succeeds."""
    out = simulate(results, ALL)
    assert out.batches == [list(range(len(results)))]
    assert out.status == ("Succeeded" if any(results) else "Failed")


@given(fleets, hosts)
def test_never_more_offline_than_the_minimum_allows(results, config):
    """Healthy (not yet failed, not in flight) instances never drop below the minimum."""
    out = simulate(results, config)
    failed = 0
    for batch in out.batches:
        assert len(results) - failed - len(batch) >= out.required
        failed += sum(1 for i in batch if not results[i])


@given(fleets, hosts)
def test_start_checks_and_partition(results, config):
    """Impossible minimums fail before touching any instance; otherwise every instance is
    attempted or skipped exactly once; success needs the minimum and at least one success."""
    out = simulate(results, config)
    n = len(results)
    if out.required >= n:
        assert out.error == scheduler.HEALTH_CONSTRAINTS_INVALID and out.attempted == []
        assert out.skipped == list(range(n))
        return
    assert sorted(out.attempted + out.skipped) == list(range(n))
    succeeded = sum(results[i] for i in out.attempted)
    if out.status == "Succeeded":
        assert not out.skipped and succeeded >= max(1, out.required)
    else:
        assert out.error == scheduler.HEALTH_CONSTRAINTS


@given(st.integers(1, 50), st.integers(0, 99))
def test_fleet_percent_rounds_up(n, pct):
    """A FLEET_PERCENT minimum is ceil(n * pct / 100)."""
    assert scheduler.required_healthy(n, {"type": "FLEET_PERCENT", "value": pct}) == \
        math.ceil(n * pct / 100)


def test_documented_examples():
    """The worked examples of §A.3."""
    assert len(simulate([True] * 9, {"type": "HOST_COUNT", "value": 6}).batches[0]) == 3
    assert len(simulate([True] * 9, {"type": "FLEET_PERCENT", "value": 40}).batches[0]) == 5
    assert simulate([True] * 10, {"type": "FLEET_PERCENT", "value": 95}).error == \
        scheduler.HEALTH_CONSTRAINTS_INVALID
    assert len(simulate([True] * 10, {"type": "HOST_COUNT", "value": 8}).batches[0]) == 2
    assert simulate([], ONE).error == scheduler.NO_INSTANCES
    assert simulate([True], HALF).error == scheduler.HEALTH_CONSTRAINTS_INVALID
    # 85% of 10 → 9: a failure before the last instance fails the deployment.
    assert simulate([False] + [True] * 9, {"type": "FLEET_PERCENT", "value": 85}).status == \
        "Failed"


def test_order_targets_unhealthy_then_unknown_old_current():
    """Unhealthy instances first, then revision Unknown, Old, Current."""
    targets = [{"id": "a", "healthy": True, "revision": "Current"},
               {"id": "b", "healthy": True, "revision": "Old"},
               {"id": "c", "healthy": False, "revision": "Current"},
               {"id": "d", "healthy": True, "revision": "Unknown"}]
    assert [t["id"] for t in scheduler.order_targets(targets)] == ["c", "d", "b", "a"]
