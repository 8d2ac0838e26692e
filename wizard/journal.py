"""Moved to wizard.core.journal; this path stays so code written before the move keeps importing."""

from wizard.core.journal import Journal, profile_hash, read, scrub_value

__all__ = ["Journal", "profile_hash", "read", "scrub_value"]
