"""Background work for the GUI: one small object per operation, and the engine-event bridge.

An `Operation` runs a plain function in a thread pool and reports `succeeded`/`failed` on the
UI thread (queued signals); it never touches widgets (Anki's aqt.operations shape). The
`EventBridge` is an engine EventSink callable from any thread: step events become queued Qt
signals, while log lines and progress are buffered and collected per frame by the UI, so a
flood of 100,000 log lines costs a handful of signals, not 100,000.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
import traceback
from dataclasses import dataclass
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from wizard import i18n
from wizard.core.events import StepEvent
from wizard.secrets import scrub

log = logging.getLogger(__name__)

# Long operations (a deployment) hold a thread for minutes; keep them off Qt's global pool.
_pool = QThreadPool()
_pool.setMaxThreadCount(12)
_running: set["Operation"] = set()
YIELD_EVERY = 64  # log lines between GIL hand-overs in EventBridge  # keeps Python wrappers alive until their signals are delivered


@dataclass(frozen=True)
class ErrorInfo:
    """What went wrong, as a sentence for the user plus the technical detail shown on demand."""

    sentence: str
    detail: str = ""


def describe_error(exc: BaseException, doing: str = "") -> ErrorInfo:
    """Turn an exception into a sentence; the traceback (scrubbed of secrets) becomes the detail."""
    detail = scrub("".join(traceback.format_exception(exc)))
    if isinstance(exc, ModuleNotFoundError) and (exc.name or "").startswith("wizard"):
        return ErrorInfo(
            i18n._("This part of mlfunc-wizard is not available in this installation ({module}). "
                   "Update mlfunc-wizard, or choose another option.").format(module=exc.name),
            detail,
        )
    if isinstance(exc, (ImportError, AttributeError)) and "wizard" in str(exc):
        return ErrorInfo(
            i18n._("This part of mlfunc-wizard is not available in this installation. "
                   "Update mlfunc-wizard, or choose another option."),
            detail,
        )
    message = scrub(str(exc)).strip() or type(exc).__name__
    if not message.endswith((".", "!", "?")):
        message += "."
    # `doing` is a gettext msgid too ("look up the function's address"); one not in the catalogue stays English.
    prefix = i18n._("Could not {doing}: ").format(doing=i18n._(doing)) if doing else ""
    if prefix and message.lower().startswith(prefix.rstrip(": ").lower()):
        prefix = ""  # the sentence says it already ("Could not sign in to Azure: …"): never twice
    return ErrorInfo(prefix + message, detail)


class _Signals(QObject):
    # Lives in the UI thread; emitting from the pool thread makes the connections queued.
    succeeded = Signal(object)
    failed = Signal(object)
    done = Signal()


class _Task(QRunnable):
    def __init__(self, op: "Operation"):
        super().__init__()
        self.setAutoDelete(True)
        self._op = op

    def run(self) -> None:  # pool thread
        op = self._op
        try:
            try:
                result = op.fn()
            except BaseException as exc:  # every failure must reach the UI as a sentence
                log.debug("operation %s failed", op.doing, exc_info=True)
                op.signals.failed.emit(describe_error(exc, op.doing))
            else:
                op.signals.succeeded.emit(result)
            finally:
                op.signals.done.emit()
        except RuntimeError:  # the application is shutting down and the receiver is gone
            log.debug("result of %s dropped at shutdown", op.doing)


class Operation:
    """One background call. `on_success(result)` / `on_failure(ErrorInfo)` run on the UI thread."""

    def __init__(
        self,
        fn: Callable[[], Any],
        *,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[ErrorInfo], None] | None = None,
        on_done: Callable[[], None] | None = None,
        doing: str = "",
        owner: QObject | None = None,
    ):
        self.fn = fn
        self.doing = doing
        self.owner = owner
        self.signals = _Signals()
        self.finished = False
        if on_success:
            self.signals.succeeded.connect(self._guard(on_success))
        if on_failure:
            self.signals.failed.connect(self._guard(on_failure))
        if on_done:
            self.signals.done.connect(self._guard(on_done))
        self.signals.done.connect(self._forget)

    def _guard(self, callback: Callable[..., None]) -> Callable[..., None]:
        # A page closed while its operation ran must not be called back (its widgets are gone).
        def call(*args: Any) -> None:
            if self.owner is not None and not shiboken6.isValid(self.owner):
                return
            callback(*args)

        return call

    def start(self) -> "Operation":
        _running.add(self)
        _pool.start(_Task(self))
        return self

    def _forget(self) -> None:
        self.finished = True
        _running.discard(self)


def run_in_background(fn: Callable[[], Any], **kwargs: Any) -> Operation:
    """Start `fn` in the worker pool; see `Operation` for the callbacks."""
    return Operation(fn, **kwargs).start()


def busy() -> bool:
    return bool(_running)


def wait_for_workers(timeout_ms: int = 30000) -> bool:
    """Wait for every background operation (used at exit and by tests)."""
    return _pool.waitForDone(timeout_ms)


class LogBuffer:
    """Thread-safe, bounded queue of log lines waiting to be shown.

    Lines beyond `max_lines` push out the oldest ones: the view keeps at most that many
    lines anyway, so memory stays bounded however fast a step writes.
    """

    def __init__(self, max_lines: int = 20000):
        self._lock = threading.Lock()
        self._lines: collections.deque[str] = collections.deque(maxlen=max_lines)
        self.dropped = 0  # lines that never reached the view (overtaken by newer ones)
        self.total = 0

    def append(self, line: str) -> bool:
        """Add a line; True when the buffer was empty (the caller should wake the UI once)."""
        with self._lock:
            was_empty = not self._lines
            if len(self._lines) == self._lines.maxlen:
                self.dropped += 1
            self._lines.append(line)
            self.total += 1
            return was_empty

    def extend(self, lines: list[str]) -> bool:
        with self._lock:
            was_empty = not self._lines
            overflow = len(self._lines) + len(lines) - (self._lines.maxlen or 0)
            if overflow > 0:
                self.dropped += overflow
            self._lines.extend(lines)
            self.total += len(lines)
            return was_empty

    def take(self, limit: int) -> tuple[list[str], int]:
        """Up to `limit` oldest lines and the count of lines dropped since the last take."""
        with self._lock:
            n = min(limit, len(self._lines))
            lines = [self._lines.popleft() for _ in range(n)]
            dropped, self.dropped = self.dropped, 0
            return lines, dropped

    def __len__(self) -> int:
        with self._lock:
            return len(self._lines)


class EventBridge(QObject):
    """An engine EventSink (call it from any thread) that feeds the deploy page.

    - started/finished/failed/skipped/cancelled/retrying: one queued `stepEvent` each;
    - log lines: into `log_buffer`, with one `logsPending` signal when the buffer fills up
      from empty;
    - progress: only the latest per step is kept; one `progressPending` until collected.
    """

    stepEvent = Signal(object)
    logsPending = Signal()
    progressPending = Signal()

    def __init__(self, log_buffer: LogBuffer, parent: QObject | None = None):
        super().__init__(parent)
        self.log_buffer = log_buffer
        self._progress_lock = threading.Lock()
        self._progress: dict[str, StepEvent] = {}
        self._logged = 0

    def __call__(self, event: StepEvent) -> None:
        if event.kind == "log":
            prefix = f"[{event.step}] " if event.step else ""
            text = scrub(event.message)
            lines = [prefix + part for part in text.splitlines()] or [prefix]
            if self.log_buffer.extend(lines):
                self.logsPending.emit()
            self._logged += 1
            if self._logged % YIELD_EVERY == 0:
                # A step that logs in a tight loop would hold the GIL for whole switch intervals and
                # starve the UI thread; letting go briefly keeps the window responsive during floods.
                time.sleep(0)
            return
        if event.kind == "progress":
            with self._progress_lock:
                first = not self._progress
                self._progress[event.step] = event
            if first:
                self.progressPending.emit()
            return
        self.stepEvent.emit(event)

    def take_progress(self) -> list[StepEvent]:
        with self._progress_lock:
            events = list(self._progress.values())
            self._progress.clear()
        return events
