"""Moved to wizard.core.plan; this path stays so code written before the move keeps importing."""

from wizard.core.plan import Plan, PlanError

__all__ = ["Plan", "PlanError"]
