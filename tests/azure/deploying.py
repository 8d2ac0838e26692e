"""Running a deployment through the real engine (wizard.deployment.DeploymentRun) and collecting what it wrote."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from wizard.deployment import DeploymentRun, state_dir
from wizard.core.engine import RunOutcome
from wizard.core.events import StepEvent
from wizard.paths import data_home
from wizard.profile import Profile
from wizard.secrets import scrub


@dataclass
class Deployed:
    outcome: RunOutcome
    events: list[StepEvent] = field(default_factory=list)

    def of(self, kind: str, step: str | None = None) -> list[StepEvent]:
        return [e for e in self.events if e.kind == kind and (step is None or e.step == step)]

    @property
    def failed_sentences(self) -> dict[str, str]:
        return {e.step: e.message for e in self.of("failed")}


def deploy(profile: Profile, credential) -> Deployed:
    events: list[StepEvent] = []
    outcome = DeploymentRun(profile, events.append, credential=credential).run()
    return Deployed(outcome, events)


class LogCapture(logging.Handler):
    """Every log record of the wizard's process during the run, passed through wizard.secrets.scrub as every
    handler of the app must (secrets.py). A secret the wizard never registered still shows here and fails the
    test. The emulator's own log lines are Azure's side, not the wizard's, and are left out."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("tests.azure.arm_emulator"):
            return
        try:
            text = self.format(record)
        except Exception:  # a record that cannot format is not what we are testing
            text = str(record.msg)
        self.lines.append(scrub(text))


def written_text() -> dict[Path, str]:
    """Text of every file the wizard wrote in its data folder (journals, profile copies, the app folder)."""
    out: dict[Path, str] = {}
    for path in data_home().rglob("*"):
        if path.is_file():
            out[path] = path.read_bytes().decode("utf-8", "replace")
    return out


def journal_text(profile: Profile) -> str:
    return (state_dir(profile.name) / "journal.json").read_text(encoding="utf-8")
