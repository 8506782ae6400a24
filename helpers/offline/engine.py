"""The engine: one thread that owns a SimPy environment and the virtual clock.

API handlers never touch the environment directly. They call :meth:`Engine.call` (a write: the
function runs on the engine thread and its result is returned) or read under :attr:`Engine.lock`
(a consistent snapshot). Real work (scripts, commands, handlers) runs in the worker pool of
:mod:`helpers.offline.work`; a SimPy process waits for it with :meth:`Engine.run_work`.

Time scale is virtual seconds per wall second. Under ``max`` the clock jumps to the next event
as soon as nothing is in flight, and real work takes its *modelled* duration. Under a finite scale
the clock follows the wall clock and real durations count.

Two kinds of timers: world timers (``env.timeout``) always run; *held* waits (:meth:`Engine.hold`,
a caller that has to act) never fire under ``max`` unless the caller acts or the clock is advanced
on purpose (:meth:`Engine.advance`).
"""

from __future__ import annotations

import itertools
import logging
import queue
import random
import threading
import time
from collections.abc import Callable, Generator
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import simpy

log = logging.getLogger(__name__)

MAX = "max"
#: The virtual epoch used under ``helpers run``, nbval and tests (CDW_EPOCH overrides it).
FIXED_EPOCH = datetime(2026, 1, 5, 9, 0, 0, tzinfo=UTC)


def parse_scale(value: str | float | int) -> str | float:
    """Return ``"max"`` or a positive float from a user-given time scale."""
    if isinstance(value, str) and value.strip().lower() == MAX:
        return MAX
    try:
        scale = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"time scale {value!r} is not 'max' or a number") from None
    if scale <= 0:
        raise ValueError(f"time scale must be 'max' or a positive number, got {value!r}")
    return scale


class HoldExpired(Exception):
    """Raised into a process whose held wait reached its deadline."""


@dataclass
class Hold:
    """A wait on a caller: released by :meth:`Engine.release` or expired at ``deadline``."""

    name: str
    deadline: float  # virtual seconds since the epoch; inf = never expires
    event: simpy.Event
    seq: int
    _timer: simpy.Event | None = field(default=None, repr=False)


@dataclass
class _Job:
    seq: int
    generation: int
    done: simpy.Event
    result: Any = None
    error: BaseException | None = None


class Engine:
    """Owns the discrete-event environment and the virtual clock, on one thread."""

    def __init__(
        self,
        scale: str | float = MAX,
        epoch: datetime | None = None,
        seed: int | None = None,
        settle_timeout: float = 30.0,
    ) -> None:
        self.lock = threading.RLock()
        self.settle_timeout = settle_timeout
        self._queue: queue.Queue[tuple[Callable[[], Any], Future]] = queue.Queue()
        self._idle = threading.Condition(self.lock)
        self._stop = False
        self._thread: threading.Thread | None = None
        self._ident: int | None = None
        # Commands queued or running; kept across resets (a reset is itself a command).
        self._pending = 0
        #: How many times the loop has turned (tests use it to prove there is no busy-waiting).
        self.iterations = 0
        self._reset_state(scale, epoch, seed)

    # -- state ---------------------------------------------------------------------------------

    def _reset_state(self, scale: str | float, epoch: datetime | None, seed: int | None) -> None:
        self.scale = parse_scale(scale)
        self.epoch = epoch or datetime.now(UTC).replace(microsecond=0)
        self.seed = seed
        self.random = random.Random(seed)
        self.env = simpy.Environment()
        self._holds: dict[int, Hold] = {}
        self._jobs: dict[int, _Job] = {}
        self._seq = itertools.count()
        # Work still running at a reset belongs to the old generation: its completion is dropped.
        self._generation = getattr(self, "_generation", 0) + 1
        self._inflight = 0
        # Finite scale: virtual time v0 corresponds to wall time w0.
        self._v0 = 0.0
        self._w0 = time.monotonic()

    def reset(self, scale: str | float | None = None, epoch: datetime | None = None,
              seed: int | None = None) -> None:
        """Drop every process and timer, and restart the clock (used by the control API reset)."""
        def _do() -> None:
            self._reset_state(self.scale if scale is None else scale, epoch, seed)
        self.call(_do)

    # -- the thread ----------------------------------------------------------------------------

    def start(self) -> Engine:
        """Start the engine thread (idempotent)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="cdw-engine", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the engine thread."""
        self._stop = True
        with self.lock:
            self._pending += 1
        self._queue.put((lambda: None, Future()))
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def on_engine_thread(self) -> bool:
        """True when called from the engine thread itself."""
        return threading.get_ident() == self._ident

    def _loop(self) -> None:
        self._ident = threading.get_ident()
        while not self._stop:
            self.iterations += 1
            timeout = self._wait_budget()
            try:
                fn, fut = self._queue.get(timeout=timeout)
            except queue.Empty:
                fn = None
            if fn is not None:
                self._run_command(fn, fut)
                # Drain everything already queued before stepping the clock.
                while True:
                    try:
                        fn, fut = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    self._run_command(fn, fut)
            self._step_clock()

    def _run_command(self, fn: Callable[[], Any], fut: Future) -> None:
        with self.lock:
            try:
                fut.set_result(fn())
            except BaseException as exc:  # noqa: BLE001 - handed back to the caller
                fut.set_exception(exc)
            finally:
                self._pending -= 1

    def _wait_budget(self) -> float | None:
        """How long the loop may block on the command queue (None: until a command arrives)."""
        with self.lock:
            nxt = self.env.peek()
            if self.scale == MAX:
                if self._inflight == 0 and (nxt < float("inf")):
                    return 0
                return None  # no busy-waiting: a command or a work completion wakes us
            if nxt == float("inf"):
                return None
            return max(0.0, (nxt - self._virtual_now_finite()) / self.scale)

    def _virtual_now_finite(self) -> float:
        return self._v0 + (time.monotonic() - self._w0) * float(self.scale)

    def _step_clock(self) -> None:
        with self.lock:
            if self.scale == MAX:
                # Never pass an instant while real work started at it is still running.
                while self.env.peek() < float("inf") and (
                    self._inflight == 0 or self.env.peek() <= self.env.now
                ):
                    self._step()
                    if not self._queue.empty():
                        break
            else:
                target = self._virtual_now_finite()
                while self.env.peek() <= target:
                    self._step()
            self._idle.notify_all()

    def _step(self) -> None:
        try:
            self.env.step()
        except Exception:  # noqa: BLE001 - a broken process must not stop the engine
            log.exception("engine: a process failed")

    # -- public API: commands, reads, clock ------------------------------------------------

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run ``fn(*args, **kwargs)`` on the engine thread and return its result (a write)."""
        if self.on_engine_thread() or self._thread is None:
            with self.lock:
                return fn(*args, **kwargs)
        fut: Future = Future()
        with self.lock:
            self._pending += 1
        self._queue.put((lambda: fn(*args, **kwargs), fut))
        return fut.result()

    def process(self, generator: Generator) -> simpy.Process:
        """Start a SimPy process. Call on the engine thread (inside :meth:`call`)."""
        proc = self.env.process(generator)
        self._wake()
        return proc

    def now(self) -> datetime:
        """The virtual time as an aware UTC datetime."""
        with self.lock:
            return self.epoch + timedelta(seconds=self.now_seconds())

    def now_seconds(self) -> float:
        """Virtual seconds since the epoch."""
        with self.lock:
            if self.scale == MAX:
                return float(self.env.now)
            return max(float(self.env.now), min(self._virtual_now_finite(), self.env.peek()))

    def to_datetime(self, seconds: float) -> datetime:
        """Convert virtual seconds since the epoch to a datetime."""
        return self.epoch + timedelta(seconds=seconds)

    def set_scale(self, scale: str | float) -> None:
        """Switch between ``max`` and a finite scale, keeping the current virtual time."""
        new = parse_scale(scale)

        def _do() -> None:
            now = self.now_seconds()
            self.scale = new
            self._v0, self._w0 = now, time.monotonic()
            for hold in self._holds.values():
                self._arm(hold)
        self.call(_do)

    def advance(self, seconds: float) -> float:
        """Move the virtual clock forward on purpose, firing held waits that fall due."""
        if seconds < 0:
            raise ValueError("advance takes a non-negative number of seconds")

        def _do() -> float:
            target = self.now_seconds() + seconds
            for hold in list(self._holds.values()):
                if hold.deadline <= target:
                    self._arm(hold, force=True)
            # A marker event so the clock reaches the target even with nothing else scheduled.
            self.env.timeout(target - self.env.now)
            if self.scale != MAX:
                self._v0, self._w0 = target, time.monotonic()
            while self.env.peek() <= target:
                self._step()
            return target
        return self.call(_do)

    # -- held waits ----------------------------------------------------------------------------

    def hold(self, name: str, timeout: float | None = None) -> Hold:
        """Create a wait on a caller. ``yield hold.event`` in a process; it fails with
        :class:`HoldExpired` at the deadline (never under ``max`` unless the clock is advanced)."""
        deadline = self.env.now + timeout if timeout is not None else float("inf")
        hold = Hold(name=name, deadline=deadline, event=self.env.event(), seq=next(self._seq))
        self._holds[hold.seq] = hold
        self._arm(hold)
        return hold

    def release(self, hold: Hold, value: Any = None) -> None:
        """The caller acted: release the held wait (call on the engine thread)."""
        if self._holds.pop(hold.seq, None) is not None and not hold.event.triggered:
            hold.event.succeed(value)
            self._wake()

    def holds(self) -> list[Hold]:
        """The waits on callers that are open now."""
        with self.lock:
            return sorted(self._holds.values(), key=lambda h: h.seq)

    def _arm(self, hold: Hold, force: bool = False) -> None:
        if hold._timer is not None or hold.deadline == float("inf"):
            return
        if self.scale == MAX and not force:
            return
        timer = self.env.timeout(max(0.0, hold.deadline - self.env.now))
        hold._timer = timer

        def _expire(_: simpy.Event) -> None:
            if self._holds.pop(hold.seq, None) is not None and not hold.event.triggered:
                hold.event.fail(HoldExpired(hold.name))
        timer.callbacks.append(_expire)

    # -- real work -----------------------------------------------------------------------------

    def run_work(self, fn: Callable[[], Any], modelled: float = 0.0) -> Generator:
        """A process step: run ``fn`` in the worker pool; return its result.

        Use as ``result = yield from engine.run_work(fn, modelled=12)``. Under ``max`` the step
        takes
        ``modelled`` virtual seconds (the real duration goes to the debug log); under a finite
        scale it takes as long as the work really did, scaled. Exceptions from ``fn`` are raised
        in the process.
        """
        from helpers.offline import work

        job = _Job(seq=next(self._seq), generation=self._generation, done=self.env.event())
        self._jobs[job.seq] = job
        self._inflight += 1
        started = self.env.now
        work.pool().submit(self._finish_work, job, fn)
        if self.scale == MAX:
            # Scheduled now, so completions at one instant are applied in submission order.
            yield self.env.timeout(modelled)
        yield job.done
        log.debug("work %s: modelled %.1fs, virtual %.1fs", job.seq, modelled,
                  self.env.now - started)
        if job.error is not None:
            raise job.error
        return job.result

    def _finish_work(self, job: _Job, fn: Callable[[], Any]) -> None:
        try:
            job.result = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised inside the process
            job.error = exc
        with self.lock:
            self._pending += 1
        self._queue.put((lambda: self._complete(job), Future()))

    def _complete(self, job: _Job) -> None:
        if job.generation != self._generation:
            return  # started before a reset: its process and clock are gone
        self._inflight -= 1
        if self.scale != MAX:
            self._jobs.pop(job.seq, None)
            job.done.succeed()
            return
        if self._inflight == 0:
            # Release every finished job in submission order: a stable order whatever the
            # real completion order was.
            for seq in sorted(self._jobs):
                done = self._jobs.pop(seq)
                if not done.done.triggered:
                    done.done.succeed()

    # -- settling ------------------------------------------------------------------------------

    def idle(self) -> bool:
        """True when nothing is queued, in flight or (under ``max``) scheduled."""
        with self.lock:
            if self._pending > 0 or self._inflight > 0:
                return False
            if self.scale == MAX:
                return self.env.peek() == float("inf")
            return True

    def settle(self, timeout: float | None = None) -> bool:
        """Under ``max``, wait (bounded) until the engine is idle. Returns whether it is."""
        if self.scale != MAX or self.on_engine_thread():
            return True
        deadline = time.monotonic() + (self.settle_timeout if timeout is None else timeout)
        with self._idle:
            while not self.idle():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    log.warning("engine: did not settle within the bound; answering anyway")
                    return False
                self._idle.wait(min(remaining, 0.5))
        return True

    def _wake(self) -> None:
        if not self.on_engine_thread():
            with self.lock:
                self._pending += 1
            self._queue.put((lambda: None, Future()))

    def status(self) -> dict[str, Any]:
        """A snapshot of the clock for the control API."""
        with self.lock:
            return {
                "now": self.now().isoformat(),
                "seconds": self.now_seconds(),
                "scale": self.scale,
                "epoch": self.epoch.isoformat(),
                "inflight": self._inflight,
                "holds": [{"name": h.name, "deadline": h.deadline} for h in self.holds()],
                "idle": self.idle(),
            }
