"""Moved to wizard.core.engine; this path stays so code written before the move keeps importing."""

from wizard.core.engine import Engine, RunOutcome, backoff_delay

__all__ = ["Engine", "RunOutcome", "backoff_delay"]
