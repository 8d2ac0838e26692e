"""Moved to wizard.core.events; this path stays so code written before the move keeps importing."""

from wizard.core.events import EventKind, EventSink, StepEvent

__all__ = ["EventKind", "EventSink", "StepEvent"]
