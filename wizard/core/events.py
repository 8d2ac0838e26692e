"""Events that flow up from the engine's steps to the CLI and the GUI (never holding secrets)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Literal

from wizard.core.lifecycle import StepState

EventKind = Literal["started", "progress", "log", "finished", "failed", "skipped", "cancelled", "retrying"]


@dataclass(frozen=True)
class StepEvent:
    kind: EventKind
    step: str  # step name, e.g. "cache"; "" for events about the whole deployment
    message: str = ""  # a sentence for the user (failed), a log line (log), a status (progress)
    fraction: float | None = None  # progress only: 0.0 .. 1.0
    outputs: dict[str, Any] = field(default_factory=dict)  # finished/skipped: non-secret outputs
    duration_s: float | None = None  # finished/failed/cancelled
    detail: str = ""  # failed: technical detail shown on demand (already masked)
    time: float = field(default_factory=time.time)
    # The step's lifecycle state (a wizard.core.lifecycle.StepState value) on the events that end a
    # step or say it never ran: "adopted", "created", "updated", "replaced", "checked", "failed",
    # "blocked", "cancelled", "not-started". Empty on started/progress/log/retrying. The kind stays
    # the coarse event ("finished", "skipped", ...); the state says exactly what happened.
    state: str = ""


EventSink = Callable[[StepEvent], None]


def kind_for(state: StepState) -> EventKind:
    """The event kind that announces `state` (kinds kept from the first release for older sinks)."""
    if state in (StepState.ADOPTED, StepState.BLOCKED, StepState.NOT_STARTED):
        return "skipped"
    if state is StepState.FAILED:
        return "failed"
    if state is StepState.CANCELLED:
        return "cancelled"
    if state is StepState.RUNNING:
        return "started"
    return "finished"
