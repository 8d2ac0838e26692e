"""The one lifecycle of a step, shared by the engine, the journal, events, the CLI and the GUI."""

from __future__ import annotations

from enum import Enum


class StepState(str, Enum):
    """Where a step is. A `str` so it compares and serialises as its value ("created", ...)."""

    PENDING = "pending"  # in the plan, not started yet (the GUI's initial state; never journaled)
    RUNNING = "running"  # observing or acting now (a killed run leaves this in the journal)
    ADOPTED = "adopted"  # found in place and matching the profile: nothing was changed
    CREATED = "created"  # did not exist; created
    UPDATED = "updated"  # existed with other settings (or needed a repair); changed in place
    REPLACED = "replaced"  # existed with a setting that cannot change in place; deleted and created again (with consent)
    CHECKED = "checked"  # a step that owns no resource (keys, smoke test) ran its check
    FAILED = "failed"  # stopped with an error, or a replacement the user did not allow
    BLOCKED = "blocked"  # never started: a step it needs failed or was blocked
    CANCELLED = "cancelled"  # was running when the user cancelled
    NOT_STARTED = "not-started"  # never started because the run was cancelled

    def __str__(self) -> str:
        return self.value

    @property
    def done(self) -> bool:
        """The step's resource is in place as the profile asks (dependants may start)."""
        return self in DONE

    @property
    def changed(self) -> bool:
        """The run changed something real for this step."""
        return self in (StepState.CREATED, StepState.UPDATED, StepState.REPLACED)


DONE = frozenset({StepState.ADOPTED, StepState.CREATED, StepState.UPDATED, StepState.REPLACED, StepState.CHECKED})
NEVER_RAN = frozenset({StepState.PENDING, StepState.BLOCKED, StepState.NOT_STARTED})


def parse_state(value: object) -> StepState:
    """A journaled or evented state, including the names the first release wrote (journal version 1)."""
    text = str(value or "")
    legacy = {"finished": StepState.CREATED, "skipped": StepState.ADOPTED}
    if text in legacy:
        return legacy[text]
    try:
        return StepState(text)
    except ValueError:
        return StepState.PENDING
