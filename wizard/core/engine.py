"""Runs a plan: every step whose needs are met starts at once in its own thread; retries, cancel, journal/resume.

Order inside one step: `existing()` first (a resource may exist from an earlier or killed run), and
only when that returns None, `run()`. Events go to the sink from worker threads, already scrubbed.
While a step runs, `ctx.outputs[own name]` holds its own outputs journaled by an earlier run (same
profile only), so `existing()` can find what it made last time (e.g. a PID or a resource id).
"""

from __future__ import annotations

import logging
import queue
import random
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import requests

from wizard.core.events import EventSink, StepEvent
from wizard.core.journal import Journal, profile_hash, scrub_value
from wizard.core.plan import Plan
from wizard.profile import Profile
from wizard.secrets import registry, scrub
from wizard.targets.base import Cancelled, Endpoint, Step, StepContext, StepFailed, TransientError

log = logging.getLogger(__name__)

# Errors worth another attempt even when a step did not wrap them in TransientError.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    TransientError,
    ConnectionError,
    TimeoutError,
    requests.ConnectionError,
    requests.Timeout,
)

# How long running steps get to notice a cancel before the engine returns without them.
CANCEL_GRACE_S = 0.8
_POLL_S = 0.05

Backoff = Callable[[int, "float | None"], float]


def backoff_delay(attempt: int, retry_after_s: float | None = None, *, base_s: float = 1.0, cap_s: float = 60.0,
                  rng: random.Random | None = None) -> float:
    """Seconds to wait before attempt `attempt + 1`: exponential with equal jitter (so parallel steps
    hitting the same throttle do not retry in lock-step), never less than the server's Retry-After."""
    ceiling = min(cap_s, base_s * (2 ** max(0, attempt - 1)))
    delay = ceiling / 2 + (rng or random).random() * ceiling / 2
    if retry_after_s is not None and retry_after_s > delay:
        delay = float(retry_after_s)
    return delay


class SecretStore(dict):
    """The run's in-memory secrets: every value put here is registered for masking at once, so a
    step cannot log a key it just fetched before the scrubber knows it."""

    def __setitem__(self, key: str, value: str) -> None:
        registry.add(value)
        super().__setitem__(key, value)

    def update(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def setdefault(self, key: str, default: str = "") -> str:  # type: ignore[override]
        if key not in self:
            self[key] = default
        return self[key]


@dataclass
class RunOutcome:
    """What a run ended with. `states`: per step finished | skipped | failed | cancelled | blocked | not-started."""

    ok: bool
    cancelled: bool
    failed: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    endpoint: Endpoint | None = None
    states: dict[str, str] = field(default_factory=dict)
    details: dict[str, str] = field(default_factory=dict)  # failed step -> masked technical detail
    duration_s: float = 0.0


@dataclass
class _Done:
    name: str
    state: str  # finished | skipped | failed | cancelled
    outputs: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    detail: str = ""


class Engine:
    """Runs one plan once. Create a new Engine per run; `cancel()` may be called from any thread."""

    def __init__(
        self,
        plan: Plan,
        profile: Profile,
        state_dir: Path,
        on_event: EventSink,
        *,
        journal: Journal | None = None,
        backoff: Backoff | None = None,
        max_parallel: int | None = None,
        cancel_grace_s: float = CANCEL_GRACE_S,
        secrets: dict[str, str] | None = None,
    ):
        self.plan = plan
        self.profile = profile
        self.state_dir = Path(state_dir)
        self.journal = journal or Journal(self.state_dir)
        self.cancel_event = threading.Event()
        self.secrets = SecretStore()
        self.secrets.update(secrets or {})
        self._sink = on_event
        self._backoff: Backoff = backoff or (lambda attempt, retry_after: backoff_delay(attempt, retry_after))
        # None = unbounded: a bound below the plan's width would serialise independent steps.
        self._max_parallel = max_parallel
        self._grace = cancel_grace_s
        self._done: queue.Queue[_Done] = queue.Queue()
        self._closed = False  # after run() returns, late workers neither write nor emit
        self._close_lock = threading.Lock()
        self._emit_lock = threading.Lock()

    # --- public ----------------------------------------------------------------------------

    def cancel(self) -> None:
        """Ask every running step to stop; returns at once. run() returns within about a second."""
        self.cancel_event.set()

    def run(self) -> RunOutcome:
        t0 = time.monotonic()
        previous = {n: r for n, r in self.journal.steps.items()}
        changed = self.journal.begin(
            profile_hash=profile_hash(self.profile), target=self.plan.target or self.profile.target,
            profile_name=self.profile.name, plan=self.plan.names,
        )
        finished_before = [n for n in self.plan.names if previous.get(n) and previous[n].state == "finished"]
        if changed:
            self._emit(StepEvent("log", "", "The profile changed since the last deployment; every step checks its resource again."))
        elif finished_before:
            self._emit(StepEvent("log", "", f"Resuming: {len(finished_before)} of {len(self.plan.steps)} steps finished "
                                            "in an earlier run; each checks that its resource is still there."))
        # What a step's own existing() may consult: its outputs recorded last time (only when the
        # profile is unchanged, so stale values never leak into a different deployment).
        self._previous_outputs = {} if changed else {n: dict(previous[n].outputs) for n in finished_before}
        self._previous_states = {n: r.state for n, r in previous.items()}

        outputs: dict[str, dict[str, Any]] = {}
        states: dict[str, str] = {}
        failed: dict[str, str] = {}
        details: dict[str, str] = {}
        blocked_by: dict[str, str] = {}
        running: dict[str, threading.Thread] = {}
        cancel_deadline: float | None = None

        while True:
            if not self.cancel_event.is_set():
                for step in self.plan.steps:
                    if step.name in states or step.name in running:
                        continue
                    causes = [blocked_by.get(n, n) for n in step.needs if states.get(n) in ("failed", "blocked")]
                    if causes:
                        blocked_by[step.name] = causes[0]
                        states[step.name] = "blocked"
                        self._emit(StepEvent("skipped", step.name, f"Not started because '{causes[0]}' failed."))
                        continue
                    if all(states.get(n) in ("finished", "skipped") for n in step.needs):
                        if self._max_parallel is not None and len(running) >= self._max_parallel:
                            continue
                        running[step.name] = self._start(step, outputs)
            if not running:
                break
            try:
                done = self._done.get(timeout=_POLL_S)
            except queue.Empty:
                done = None
            if done is not None:
                running.pop(done.name, None)
                states[done.name] = done.state
                if done.state in ("finished", "skipped"):
                    outputs[done.name] = done.outputs
                elif done.state == "failed":
                    failed[done.name] = done.message
                    details[done.name] = done.detail
            if self.cancel_event.is_set():
                if cancel_deadline is None:
                    cancel_deadline = time.monotonic() + self._grace
                elif time.monotonic() >= cancel_deadline:
                    break

        with self._close_lock:
            self._closed = True
            # Steps that did not stop in time: their threads are abandoned (daemon) and they are
            # journaled as cancelled; on resume, existing() decides whether their resource is usable.
            for name in running:
                states[name] = "cancelled"
                self.journal.step_ended(name, "cancelled", error="Cancelled before it finished.")
                self._emit_now(StepEvent("cancelled", name, "Cancelled before it finished."))
        cancelled = self.cancel_event.is_set() and any(
            s not in states or states[s] in ("cancelled",) for s in self.plan.names
        )
        for name in self.plan.names:
            if name not in states:
                states[name] = "not-started"
                self._emit_now(StepEvent("skipped", name, "Not started because the deployment was cancelled."))
        ok = all(states[n] in ("finished", "skipped") for n in self.plan.names)
        status = "deployed" if ok else ("cancelled" if cancelled else "failed")
        self.journal.set_meta(status=status, run_finished=time.time())
        return RunOutcome(ok=ok, cancelled=cancelled and not ok, failed=failed, outputs=outputs, states=states,
                          details=details, duration_s=time.monotonic() - t0)

    # --- per step ----------------------------------------------------------------------------

    def _start(self, step: Step, outputs: dict[str, dict[str, Any]]) -> threading.Thread:
        snapshot = {n: dict(o) for n, o in outputs.items()}
        thread = threading.Thread(target=self._worker, args=(step, snapshot), name=f"step-{step.name}", daemon=True)
        thread.start()
        return thread

    def _context(self, step: Step, outputs: dict[str, dict[str, Any]]) -> StepContext:
        name = step.name

        def report(fraction: float | None, message: str) -> None:
            if fraction is not None:
                fraction = min(1.0, max(0.0, float(fraction)))
            self._emit(StepEvent("progress", name, scrub(str(message)), fraction))

        def log_line(line: str) -> None:
            self._emit(StepEvent("log", name, scrub(str(line).rstrip("\n"))))

        return StepContext(
            profile=self.profile, state_dir=self.state_dir, outputs=outputs, cancel_event=self.cancel_event,
            report=report, log=log_line, secrets=self.secrets,
        )

    def _worker(self, step: Step, outputs: dict[str, dict[str, Any]]) -> None:
        name = step.name
        t0 = time.monotonic()
        started = time.time()
        try:
            if name in self._previous_outputs:
                outputs[name] = self._previous_outputs[name]
            ctx = self._context(step, outputs)
            self.journal.step_started(name, started)
            self._emit(StepEvent("started", name, step.title))
            result, adopted = self._attempts(step, ctx)
            result = Journal.checked_outputs(name, result)
        except Cancelled:
            self._finish(step, _Done(name, "cancelled", message="Cancelled."), started, t0)
        except StepFailed as exc:
            self._finish(step, _Done(name, "failed", message=scrub(str(exc)), detail=scrub(exc.detail or "")), started, t0)
        except BaseException as exc:  # noqa: BLE001 - a worker must always report back
            if self.cancel_event.is_set():
                # e.g. a child process killed by the step's own cancel handling
                self._finish(step, _Done(name, "cancelled", message="Cancelled."), started, t0)
            else:
                sentence = (f"{step.title} stopped with an unexpected error ({type(exc).__name__}: {exc}). "
                            "The details below help report it; run deploy again to retry.")
                detail = "".join(traceback.format_exception(exc))
                log.debug("step %s crashed", name, exc_info=True)
                self._finish(step, _Done(name, "failed", message=scrub(sentence), detail=scrub(detail)), started, t0)
        else:
            self._finish(step, _Done(name, "skipped" if adopted else "finished", outputs=result), started, t0)

    def _attempts(self, step: Step, ctx: StepContext) -> tuple[dict[str, Any], bool]:
        """existing() then run(), retried on transient errors; returns (outputs, adopted)."""
        attempt = 0
        while True:
            attempt += 1
            ctx.check_cancelled()
            try:
                found = step.action.existing(ctx)
                if found is not None:
                    return dict(found), True
                if self._previous_states.get(step.name) == "finished":
                    ctx.log("Finished in an earlier run, but its check did not find the result in place; running it again.")
                ctx.check_cancelled()
                return dict(step.action.run(ctx) or {}), False
            except TRANSIENT_ERRORS as exc:
                if self.cancel_event.is_set():
                    raise Cancelled() from exc
                message = scrub(str(exc) or type(exc).__name__)
                if attempt > step.retries:
                    raise StepFailed(
                        f"{step.title} failed after {attempt} attempts: {message}. Run deploy again to retry.",
                        detail=scrub("".join(traceback.format_exception(exc))),
                    ) from exc
                retry_after = getattr(exc, "retry_after_s", None)
                delay = max(0.0, float(self._backoff(attempt, retry_after)))
                self._emit(StepEvent(
                    "retrying", step.name,
                    f"{message} — retrying in {delay:.1f} s (attempt {attempt + 1} of {step.retries + 1}).",
                    outputs={"attempt": attempt + 1, "delay_s": delay, "retry_after_s": retry_after},
                ))
                ctx.wait(delay)

    def _finish(self, step: Step, done: _Done, started: float, t0: float) -> None:
        """Journal, then emit, then tell the main loop; the main loop always hears back, even when
        the journal cannot be written (which turns the step into a failure)."""
        duration = time.monotonic() - t0
        with self._close_lock:
            if self._closed:
                log.info("step %s ended (%s) after the run returned; ignored", step.name, done.state)
                return
            try:
                if done.state in ("finished", "skipped"):
                    try:
                        self.journal.step_finished(step.name, done.outputs, started=started, duration_s=duration,
                                                   adopted=done.state == "skipped")
                    except Exception as exc:  # noqa: BLE001 - disk full, folder deleted, a leaked secret
                        done = _Done(step.name, "failed",
                                     message=scrub(f"{step.title} finished, but recording it in the journal failed "
                                                   f"({type(exc).__name__}: {exc})."),
                                     detail=scrub("".join(traceback.format_exception(exc))))
                    else:
                        message = "Already in place; nothing to do." if done.state == "skipped" else ""
                        self._emit_now(StepEvent(done.state, step.name, message, outputs=done.outputs,
                                                 duration_s=duration))
                        return
                try:
                    self.journal.step_ended(step.name, done.state, error=done.message, started=started,
                                            duration_s=duration)
                except Exception:  # noqa: BLE001 - the event below still tells the user
                    log.exception("could not journal the end of step %s", step.name)
                self._emit_now(StepEvent(done.state, step.name, done.message, duration_s=duration, detail=done.detail))
            finally:
                self._done.put(done)

    # --- events -----------------------------------------------------------------------------

    def _emit(self, event: StepEvent) -> None:
        if self._closed:
            return
        self._emit_now(event)

    def _emit_now(self, event: StepEvent) -> None:
        if event.outputs:
            event = StepEvent(event.kind, event.step, event.message, event.fraction, scrub_value(event.outputs),
                              event.duration_s, event.detail, event.time)
        try:
            # One event at a time: sinks (CLI printing, Qt signal bridges) then see a consistent order per step.
            with self._emit_lock:
                self._sink(event)
        except Exception:  # noqa: BLE001 - a broken sink must not take the deployment down
            log.exception("event sink failed on %s", event)
