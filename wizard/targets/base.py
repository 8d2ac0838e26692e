"""The contract between the engine and a target: steps that each own one resource, and the Target protocol."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol

from wizard.core.errors import WizardError
from wizard.profile import Profile


class StepFailed(WizardError):
    """A permanent failure: the message is a sentence for the user; `detail` is shown on demand."""

    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.detail = detail


class TransientError(WizardError):
    """Worth retrying with backoff (throttling, 5xx, a dropped connection, a host not up yet)."""

    def __init__(self, message: str, retry_after_s: float | None = None):
        super().__init__(message)
        self.retry_after_s = retry_after_s


class Cancelled(Exception):
    """Raised inside a step when the user cancelled; the engine records the step as cancelled."""


@dataclass
class StepContext:
    """What a running step sees. Outputs of finished steps are non-secret and journaled;
    secrets go through `secrets` (in memory only) and are fetched again after a resume."""

    profile: Profile
    state_dir: Path  # the deployment's state folder (journal lives here)
    outputs: dict[str, dict[str, Any]]  # step name -> outputs of every finished/skipped step
    cancel_event: threading.Event
    report: Callable[[float | None, str], None]  # progress: fraction (or None) and a status line
    log: Callable[[str], None]  # one line of live output (build logs, process output)
    secrets: dict[str, str] = field(default_factory=dict)  # in-memory only, shared by the run's steps

    def check_cancelled(self) -> None:
        if self.cancel_event.is_set():
            raise Cancelled()

    def wait(self, seconds: float) -> None:
        """Sleep that wakes at once on cancel: long polls use this, never time.sleep."""
        if self.cancel_event.wait(seconds):
            raise Cancelled()


class StepAction(Protocol):
    def existing(self, ctx: StepContext) -> dict[str, Any] | None:
        """If the resource already exists and is right, its outputs (the step is skipped);
        else None. May repair small drift itself. Like `shouldExecute` in VS Code's Azure wizard."""

    def run(self, ctx: StepContext) -> dict[str, Any]:
        """Create or update the resource; return non-secret outputs."""


@dataclass
class Step:
    name: str  # stable id, e.g. "cache", "function-app"; journal key
    title: str  # "Create the Redis cache"
    creates: str  # what it creates, for `plan` and Review + create
    needs: tuple[str, ...]  # names of steps that must finish first
    action: StepAction
    estimate_s: float = 1.0  # expected duration, for progress and the plan's critical path
    retries: int = 4  # attempts after a TransientError


@dataclass
class Endpoint:
    """How to call a deployed function. `key` is a secret: show it masked."""

    url: str  # full invoke URL, e.g. http://127.0.0.1:7071/api/score
    key: str = ""
    auth_header: str = "x-functions-key"
    health_url: str = ""


class Target(Protocol):
    name: str  # "local" | "azure"

    def steps(self, profile: Profile) -> list[Step]:
        """The plan's steps for this profile, with their dependencies."""

    def endpoint(self, profile: Profile, outputs: dict[str, dict[str, Any]]) -> Endpoint:
        """The invoke URL and (freshly fetched) function key of a finished deployment."""

    def resources(self, profile: Profile) -> list[str]:
        """What the resource group holds now, for the clean-up confirmation."""

    def destroy(self, profile: Profile, log: Callable[[str], None], cancel_event: threading.Event,
                typed_name: str | None = None) -> None:
        """Delete the whole resource group and everything in it. `typed_name` is the user's typed
        confirmation; without it a target deletes only groups this tool created."""
