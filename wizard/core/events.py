"""Events that flow up from the engine's steps to the CLI and the GUI (never holding secrets)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Literal

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


EventSink = Callable[[StepEvent], None]
