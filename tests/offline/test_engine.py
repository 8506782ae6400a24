"""The engine: virtual clock, world vs held timers, real work, ordering, settling."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from helpers.offline import work
from helpers.offline.engine import FIXED_EPOCH, MAX, Engine, HoldExpired, parse_scale


@pytest.fixture
def engine():
    eng = Engine(scale=MAX, epoch=FIXED_EPOCH, seed=1).start()
    yield eng
    eng.stop()


def test_parse_scale_accepts_max_and_positive_numbers():
    """'max' and positive numbers are scales; anything else is refused with a message."""
    assert parse_scale("MAX") == MAX
    assert parse_scale("60") == 60.0
    with pytest.raises(ValueError, match="positive"):
        parse_scale(0)
    with pytest.raises(ValueError, match="not 'max'"):
        parse_scale("fast")


def test_world_timers_run_at_once_under_max(engine):
    """A one-hour world timer completes immediately under max, and the clock shows the hour."""
    seen = []

    def proc():
        yield engine.env.timeout(3600)
        seen.append(engine.now())

    engine.call(lambda: engine.process(proc()))
    assert engine.settle()
    assert seen == [FIXED_EPOCH + timedelta(hours=1)]


def test_held_wait_never_fires_under_max_until_released(engine):
    """A held wait stays open under max; the caller acting releases it at the current instant."""
    log = []
    holder = {}

    def proc():
        yield engine.env.timeout(60)
        holder["hold"] = engine.hold("approval", timeout=3600)
        value = yield holder["hold"].event
        log.append((engine.env.now, value))

    engine.call(lambda: engine.process(proc()))
    engine.settle()
    assert log == []
    assert [h.name for h in engine.holds()] == ["approval"]
    assert engine.idle()  # a held wait does not keep the engine busy
    engine.call(lambda: engine.release(holder["hold"], "approved"))
    engine.settle()
    assert log == [(60, "approved")]


def test_held_wait_expires_when_the_clock_is_advanced(engine):
    """advance() past a held wait's deadline expires it; the clock lands on the target."""
    outcome = []

    def proc():
        hold = engine.hold("ready", timeout=600)
        try:
            yield hold.event
            outcome.append("released")
        except HoldExpired:
            outcome.append(("expired", engine.env.now))

    engine.call(lambda: engine.process(proc()))
    engine.settle()
    engine.advance(300)
    assert outcome == []
    engine.advance(400)
    engine.settle()
    assert outcome == [("expired", 600)]
    assert engine.now_seconds() == 700


def test_held_wait_expires_on_its_own_at_a_finite_scale():
    """At a finite scale a held wait is an ordinary timer: it expires in (scaled) real time."""
    eng = Engine(scale=3600, epoch=FIXED_EPOCH).start()  # one virtual hour per wall second
    try:
        outcome = []

        def proc():
            try:
                yield eng.hold("hook", timeout=360).event
            except HoldExpired:
                outcome.append("expired")

        eng.call(lambda: eng.process(proc()))
        for _ in range(200):
            if outcome:
                break
            time.sleep(0.02)
        assert outcome == ["expired"]
    finally:
        eng.stop()


def test_real_work_takes_its_modelled_duration_under_max(engine):
    """Real work in the pool takes its modelled virtual duration, not its wall duration."""
    results = []

    def proc():
        out = yield from engine.run_work(lambda: work.run(["bash", "-c", "echo hi"], env={}),
                                         modelled=42)
        results.append((engine.env.now, out.stdout.strip()))

    engine.call(lambda: engine.process(proc()))
    engine.settle()
    assert results == [(42, "hi")]


def test_completions_at_one_instant_apply_in_a_stable_order(engine):
    """Work finishing in reverse real order is applied in submission order at the same instant."""
    order = []

    def proc(i, delay):
        yield from engine.run_work(lambda: time.sleep(delay), modelled=5)
        order.append(i)

    def start():
        for i, delay in enumerate([0.3, 0.2, 0.1, 0.0]):
            engine.process(proc(i, delay))

    engine.call(start)
    engine.settle()
    assert order == [0, 1, 2, 3]


def test_clock_does_not_pass_an_instant_while_work_runs(engine):
    """A world timer due later waits for real work started now, even if the work is slow."""
    events = []

    def worker():
        yield from engine.run_work(lambda: time.sleep(0.2), modelled=0)
        events.append(("work done", engine.env.now))

    def timer():
        yield engine.env.timeout(1)
        events.append(("timer", engine.env.now))

    engine.call(lambda: (engine.process(worker()), engine.process(timer())))
    engine.settle()
    assert events == [("work done", 0), ("timer", 1)]


def test_failing_work_raises_inside_the_process(engine):
    """An exception in real work is raised at the yield point, not lost."""
    caught = []

    def boom():
        raise RuntimeError("script exploded")

    def proc():
        try:
            yield from engine.run_work(boom, modelled=1)
        except RuntimeError as exc:
            caught.append(str(exc))

    engine.call(lambda: engine.process(proc()))
    engine.settle()
    assert caught == ["script exploded"]


def test_no_busy_waiting_when_idle(engine):
    """An idle engine blocks: its loop does not turn while nothing happens."""
    engine.settle()
    before = engine.iterations
    time.sleep(0.5)
    assert engine.iterations == before


def test_seeded_random_repeats():
    """The same seed gives the same ids."""
    a, b = Engine(seed=7), Engine(seed=7)
    assert [a.random.random() for _ in range(3)] == [b.random.random() for _ in range(3)]


def test_set_scale_keeps_virtual_time(engine):
    """Switching scale keeps the current virtual time."""
    engine.advance(100)
    engine.set_scale(60)
    assert engine.now_seconds() >= 100
    engine.set_scale("max")
    assert engine.scale == MAX


def test_work_running_at_a_reset_does_not_corrupt_the_new_clock(engine):
    """A job that finishes after a reset is dropped; later jobs still complete and settle."""
    import threading

    gate = threading.Event()
    engine.call(lambda: engine.process(engine.run_work(gate.wait, modelled=5)))
    engine.reset(epoch=FIXED_EPOCH, seed=1)
    gate.set()
    done = []

    def proc():
        yield from engine.run_work(lambda: None, modelled=3)
        done.append(engine.env.now)

    engine.call(lambda: engine.process(proc()))
    assert engine.settle(timeout=30)
    assert done == [3]
