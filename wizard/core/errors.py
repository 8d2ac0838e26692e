"""The wizard's one error root: every expected failure is a WizardError, caught once at the CLI's top and in the GUI."""

from __future__ import annotations


class WizardError(Exception):
    """An expected failure: `message` is one sentence saying what to do; `detail` is extra context shown on request."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return self.message


class InputError(WizardError):
    """Input that cannot be read (a missing or malformed file): the CLI exits 2."""
