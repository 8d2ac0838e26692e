"""Runs a plan: every step whose needs are met starts at once in its own thread; retries, cancel, journal/resume.

Inside one step (docs/step-contract.md): observe the resource, compare it with what the profile asks
(wizard.targets.base.compare), then act: adopt (no change), create, update in place, or replace (only
with allow_replace). Steps still written as existing()/run() are adapted: existing() found -> adopted,
else run() -> created. Events go to the sink from worker threads, already scrubbed. While a step runs,
`ctx.outputs[own name]` holds its own outputs journaled by an earlier run (same profile only).
"""

from __future__ import annotations

import dataclasses
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

from wizard.core.events import EventSink, StepEvent, kind_for
from wizard.core.journal import Journal, profile_hash, scrub_value
from wizard.core.lifecycle import StepState
from wizard.core.plan import Plan
from wizard.i18n import _
from wizard.profile import Profile
from wizard.secrets import registry, scrub
from wizard.targets.base import (
    Cancelled,
    Change,
    ChangeKind,
    CheckAction,
    Endpoint,
    Outputs,
    OutputsMismatch,
    ResourceAction,
    Step,
    StepContext,
    StepFailed,
    TransientError,
    compare,
    outputs_dict,
    producers_of,
)

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

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def setdefault(self, key: str, default: str = "") -> str:  # type: ignore[override]
        if key not in self:
            self[key] = default
        return self[key]


class ReplaceRefused(StepFailed):
    """A setting cannot change in place and the run was not allowed to replace the resource."""

    def __init__(self, message: str, change: Change):
        super().__init__(message)
        self.change = change


@dataclass
class RunOutcome:
    """What a run ended with. `states`: one wizard.core.lifecycle.StepState per step of the plan."""

    ok: bool
    cancelled: bool
    failed: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)  # step -> outputs as plain (JSON) dicts
    typed: dict[str, Any] = field(default_factory=dict)  # step -> its Outputs instance (a dict for a legacy step)
    endpoint: Endpoint | None = None
    states: dict[str, StepState] = field(default_factory=dict)
    details: dict[str, str] = field(default_factory=dict)  # failed step -> masked technical detail
    duration_s: float = 0.0
    changes: dict[str, Change] = field(default_factory=dict)  # what each step decided (resource steps)
    refused: dict[str, Change] = field(default_factory=dict)  # replacements not done without allow_replace


@dataclass
class _Done:
    name: str
    state: StepState
    outputs: Any = None  # Outputs, or a dict from a legacy step
    message: str = ""
    detail: str = ""
    change: Change | None = None


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
        allow_replace: bool = False,
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
        self.allow_replace = allow_replace
        self._producers: dict[type, str] = producers_of(plan.steps)
        self._changes: dict[str, Change] = {}
        self._refused: dict[str, Change] = {}
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
        finished_before = [n for n in self.plan.names if previous.get(n) and previous[n].state.done]
        if changed:
            self._emit(StepEvent("log", "", _("The profile changed since the last deployment; every step checks its resource again.")))
        elif finished_before:
            self._emit(StepEvent("log", "", _("Resuming: {done} of {total} steps finished in an earlier run; each "
                                              "checks that its resource is still there.").format(
                done=len(finished_before), total=len(self.plan.steps))))
        # What a step's own existing() may consult: its outputs recorded last time (only when the
        # profile is unchanged, so stale values never leak into a different deployment).
        self._previous_outputs = {} if changed else {
            n: self._typed(self.plan.by_name[n], previous[n].outputs) for n in finished_before
        }
        self._previous_states = {n: r.state for n, r in previous.items()}

        outputs: dict[str, Any] = {}
        states: dict[str, StepState] = {}
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
                    causes = [blocked_by.get(n, n) for n in step.needs
                              if states.get(n) in (StepState.FAILED, StepState.BLOCKED)]
                    if causes:
                        blocked_by[step.name] = causes[0]
                        states[step.name] = StepState.BLOCKED
                        self._emit(StepEvent("skipped", step.name, _("Not started because '{cause}' failed.").format(cause=causes[0]),
                                             state=StepState.BLOCKED.value))
                        continue
                    if all((st := states.get(n)) is not None and st.done for n in step.needs):
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
                if done.state.done:
                    outputs[done.name] = done.outputs
                elif done.state is StepState.FAILED:
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
                states[name] = StepState.CANCELLED
                self.journal.step_ended(name, StepState.CANCELLED, error=_("Cancelled before it finished."))
                self._emit_now(StepEvent("cancelled", name, _("Cancelled before it finished."),
                                         state=StepState.CANCELLED.value))
        cancelled = self.cancel_event.is_set() and any(
            s not in states or states[s] is StepState.CANCELLED for s in self.plan.names
        )
        for name in self.plan.names:
            if name not in states:
                states[name] = StepState.NOT_STARTED
                self._emit_now(StepEvent("skipped", name, _("Not started because the deployment was cancelled."),
                                         state=StepState.NOT_STARTED.value))
        ok = all(states[n].done for n in self.plan.names)
        status = "deployed" if ok else ("cancelled" if cancelled else "failed")
        self.journal.set_meta(status=status, run_finished=time.time())
        return RunOutcome(ok=ok, cancelled=cancelled and not ok, failed=failed,
                          outputs={n: outputs_dict(o) for n, o in outputs.items()}, typed=dict(outputs), states=states,
                          details=details, duration_s=time.monotonic() - t0, changes=dict(self._changes),
                          refused=dict(self._refused))

    def _typed(self, step: Step, data: dict[str, Any]) -> Any:
        """Journaled outputs as the step's outputs class (a legacy step keeps its dict)."""
        kind = step.outputs_type
        if kind is None:
            return dict(data)
        try:
            return kind.from_dict(data)
        except (OutputsMismatch, TypeError) as exc:
            log.info("journaled outputs of %s do not fit %s (%s); the step observes afresh", step.name, kind.__name__, exc)
            return None

    # --- per step ----------------------------------------------------------------------------

    def _start(self, step: Step, outputs: dict[str, Any]) -> threading.Thread:
        # Outputs are frozen dataclasses (shared safely); legacy dicts are copied.
        snapshot = {n: (o if isinstance(o, Outputs) else dict(o)) for n, o in outputs.items()}
        thread = threading.Thread(target=self._worker, args=(step, snapshot), name=f"step-{step.name}", daemon=True)
        thread.start()
        return thread

    def _context(self, step: Step, outputs: dict[str, Any]) -> StepContext:
        name = step.name

        def report(fraction: float | None, message: str) -> None:
            if fraction is not None:
                fraction = min(1.0, max(0.0, float(fraction)))
            self._emit(StepEvent("progress", name, scrub(str(message)), fraction))

        def log_line(line: str) -> None:
            self._emit(StepEvent("log", name, scrub(str(line).rstrip("\n"))))

        return StepContext(
            profile=self.profile, state_dir=self.state_dir, outputs=outputs, cancel_event=self.cancel_event,
            report=report, log=log_line, secrets=self.secrets, producers=self._producers,
        )

    def _worker(self, step: Step, outputs: dict[str, Any]) -> None:
        name = step.name
        t0 = time.monotonic()
        started = time.time()
        try:
            if self._previous_outputs.get(name) is not None:
                outputs[name] = self._previous_outputs[name]
            ctx = self._context(step, outputs)
            self.journal.step_started(name, started)
            self._emit(StepEvent("started", name, step.title))
            result, state, change = self._attempts(step, ctx)
            plain = outputs_dict(result)
            clean = Journal.checked_outputs(name, plain)
            if clean != plain:  # a secret slipped into the outputs: carry the masked values on
                result = type(result).from_dict(clean) if isinstance(result, Outputs) else clean
        except Cancelled:
            self._finish(step, _Done(name, StepState.CANCELLED, message=_("Cancelled.")), started, t0)
        except StepFailed as exc:
            self._finish(step, _Done(name, StepState.FAILED, message=scrub(str(exc)), detail=scrub(exc.detail or "")),
                         started, t0)
        except BaseException as exc:  # a worker must always report back
            if self.cancel_event.is_set():
                # e.g. a child process killed by the step's own cancel handling
                self._finish(step, _Done(name, StepState.CANCELLED, message=_("Cancelled.")), started, t0)
            else:
                sentence = _("{title} stopped with an unexpected error ({error}). The details below help report it; "
                             "run deploy again to retry.").format(title=step.title, error=f"{type(exc).__name__}: {exc}")
                detail = "".join(traceback.format_exception(exc))
                log.debug("step %s crashed", name, exc_info=True)
                self._finish(step, _Done(name, StepState.FAILED, message=scrub(sentence), detail=scrub(detail)),
                             started, t0)
        else:
            self._finish(step, _Done(name, state, outputs=result, change=change), started, t0)

    def _act(self, step: Step, ctx: StepContext) -> tuple[Any, StepState, Change | None]:
        """One attempt: observe -> compare -> act (or the legacy existing()/run())."""
        action = step.action
        if isinstance(action, ResourceAction):
            observed = action.observe(ctx)
            change = compare(action.desired(ctx), observed, action.replace_on)
            self._changes[step.name] = change
            ctx.check_cancelled()
            if change.kind is ChangeKind.NO_CHANGE and observed is not None:
                return action.adopt(ctx, observed), StepState.ADOPTED, change
            if change.kind is ChangeKind.CREATE or observed is None:
                if self._previous_states.get(step.name, StepState.PENDING).done:
                    ctx.log(_("Done in an earlier run, but its resource is not there any more; creating it again."))
                return action.create(ctx), StepState.CREATED, change
            if change.kind is ChangeKind.UPDATE:
                ctx.log(_("Updating in place: {changes}.").format(
                    changes=", ".join(str(c) for c in change.settings) or change.reason))
                return action.update(ctx, observed, change), StepState.UPDATED, change
            # REPLACE
            what = "; ".join(str(c) for c in change.settings if c.setting in change.forced_by)
            if not self.allow_replace:
                self._refused[step.name] = change
                loses = _(", which loses {data_loss}").format(data_loss=change.data_loss) if change.data_loss else ""
                raise ReplaceRefused(
                    _("{resource} would have to be replaced because {settings} cannot change in place{loses}; it was "
                      "left as it is. Run deploy with --allow-replace to replace it, or change the profile back.").format(
                        resource=step.creates, settings=what, loses=loses),
                    change,
                )
            ctx.log(_("Replacing: {settings} cannot change in place; this loses {data_loss}.").format(
                settings=what, data_loss=change.data_loss) if change.data_loss else
                _("Replacing: {settings} cannot change in place.").format(settings=what))
            action.delete(ctx, observed)
            ctx.check_cancelled()
            return action.create(ctx), StepState.REPLACED, change
        if isinstance(action, CheckAction):
            return action.check(ctx), StepState.CHECKED, Change(ChangeKind.READ)
        found = action.existing(ctx)
        if found is not None:
            return dict(found), StepState.ADOPTED, None
        if self._previous_states.get(step.name, StepState.PENDING).done:
            ctx.log(_("Finished in an earlier run, but its check did not find the result in place; running it again."))
        ctx.check_cancelled()
        return dict(action.run(ctx) or {}), StepState.CREATED, None

    def _attempts(self, step: Step, ctx: StepContext) -> tuple[Any, StepState, Change | None]:
        """One action, retried on transient errors; returns (outputs, state, change)."""
        attempt = 0
        while True:
            attempt += 1
            ctx.check_cancelled()
            try:
                return self._act(step, ctx)
            except TRANSIENT_ERRORS as exc:
                if self.cancel_event.is_set():
                    raise Cancelled() from exc
                message = scrub(str(exc) or type(exc).__name__)
                if attempt > step.retries:
                    raise StepFailed(
                        _("{title} failed after {attempt} attempts: {message}. Run deploy again to retry.").format(
                            title=step.title, attempt=attempt, message=message),
                        detail=scrub("".join(traceback.format_exception(exc))),
                    ) from exc
                retry_after = getattr(exc, "retry_after_s", None)
                delay = max(0.0, float(self._backoff(attempt, retry_after)))
                self._emit(StepEvent(
                    "retrying", step.name,
                    _("{message} — retrying in {delay:.1f} s (attempt {attempt} of {attempts}).").format(
                        message=message, delay=delay, attempt=attempt + 1, attempts=step.retries + 1),
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
                if done.state.done:
                    try:
                        kind = step.outputs_type
                        self.journal.step_finished(step.name, outputs_dict(done.outputs), started=started,
                                                   duration_s=duration, state=done.state,
                                                   outputs_type=kind.__name__ if kind else "")
                    except Exception as exc:  # noqa: BLE001 - disk full, folder deleted, a leaked secret
                        done = _Done(step.name, StepState.FAILED,
                                     message=scrub(_("{title} finished, but recording it in the journal failed "
                                                     "({error}).").format(title=step.title,
                                                                          error=f"{type(exc).__name__}: {exc}")),
                                     detail=scrub("".join(traceback.format_exception(exc))))
                    else:
                        self._emit_now(StepEvent(kind_for(done.state), step.name, _done_message(done),
                                                 outputs=outputs_dict(done.outputs), duration_s=duration,
                                                 state=done.state.value))
                        return
                try:
                    self.journal.step_ended(step.name, done.state, error=done.message, started=started,
                                            duration_s=duration)
                except Exception:  # the event below still tells the user
                    log.exception("could not journal the end of step %s", step.name)
                self._emit_now(StepEvent(kind_for(done.state), step.name, done.message, duration_s=duration,
                                         detail=done.detail, state=done.state.value))
            finally:
                self._done.put(done)

    # --- events -----------------------------------------------------------------------------

    def _emit(self, event: StepEvent) -> None:
        if self._closed:
            return
        self._emit_now(event)

    def _emit_now(self, event: StepEvent) -> None:
        if event.outputs:
            event = dataclasses.replace(event, outputs=scrub_value(event.outputs))
        try:
            # One event at a time: sinks (CLI printing, Qt signal bridges) then see a consistent order per step.
            with self._emit_lock:
                self._sink(event)
        except Exception:  # a broken sink must not take the deployment down
            log.exception("event sink failed on %s", event)


def _done_message(done: _Done) -> str:
    """The line a finished step's event carries: what the engine decided for it."""
    if done.state is StepState.ADOPTED:
        return _("Already in place; nothing to do.")
    change = done.change
    if done.state is StepState.UPDATED and change is not None:
        return _("Updated in place: {changes}").format(
            changes=", ".join(str(c) for c in change.settings) or change.reason)
    if done.state is StepState.REPLACED and change is not None:
        return _("Replaced: {changes}").format(
            changes=", ".join(str(c) for c in change.settings if c.setting in change.forced_by))
    return ""
