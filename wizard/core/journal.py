"""The deployment journal: each step's lifecycle state and non-secret outputs, rewritten atomically on every change.

Version 2 (this release) records a wizard.core.lifecycle.StepState per step and the name of the step's
outputs class. Version 1 (the first release: "finished" + an `adopted` flag, dict outputs) is migrated
when read, so deployments made by it stay resumable and destroyable; the file is rewritten as version 2
at the next change.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wizard import profile as profiles
from wizard.core.lifecycle import StepState, parse_state
from wizard.secrets import registry, scrub

log = logging.getLogger(__name__)

JOURNAL_VERSION = 2
JOURNAL_FILE = "journal.json"

# Steps of the first release's local plan that later merged into another: their outputs move there.
_V1_MERGED_STEPS = {"local": {"app-settings": "function-app"}}


def profile_hash(profile: profiles.Profile) -> str:
    """A fingerprint of what the profile asks for; a different hash means steps must re-check."""
    return profiles.fingerprint(profile)


def scrub_value(value: Any) -> Any:
    """`value` with every registered or recognisable secret masked, recursively."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {str(k): scrub_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub_value(v) for v in value]
    return value


@dataclass
class StepRecord:
    state: StepState
    outputs: dict[str, Any] = field(default_factory=dict)
    started: float | None = None  # epoch seconds
    finished: float | None = None
    duration_s: float | None = None
    error: str = ""
    outputs_type: str = ""  # the step's Outputs class name ("" for a step not yet converted)

    @property
    def adopted(self) -> bool:
        """Found in place rather than created (the first release's flag)."""
        return self.state is StepState.ADOPTED

    def to_json(self) -> dict[str, Any]:
        return {
            "state": self.state.value,
            "outputs": self.outputs,
            "outputs_type": self.outputs_type,
            "started": self.started,
            "finished": self.finished,
            "duration_s": self.duration_s,
            "error": self.error,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "StepRecord":
        return cls(
            state=parse_state(data.get("state")),
            outputs=dict(data.get("outputs") or {}),
            outputs_type=str(data.get("outputs_type") or ""),
            started=data.get("started"),
            finished=data.get("finished"),
            duration_s=data.get("duration_s"),
            error=str(data.get("error") or ""),
        )


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """A journal document of any earlier version as the current version's document."""
    version = int(data.get("version") or 1)
    if version >= JOURNAL_VERSION:
        return data
    steps: dict[str, Any] = {}
    for name, rec in (data.get("steps") or {}).items():
        rec = dict(rec)
        if rec.get("state") == "finished":
            rec["state"] = (StepState.ADOPTED if rec.get("adopted") else StepState.CREATED).value
        rec.pop("adopted", None)
        steps[name] = rec
    merged_steps = _V1_MERGED_STEPS.get(str(data.get("target") or ""), {})
    for old, new in merged_steps.items():
        merged = steps.pop(old, None)
        if merged and new in steps and merged.get("state") != "running":
            steps[new] = dict(steps[new], outputs={**steps[new].get("outputs", {}), **merged.get("outputs", {})})
    plan = [n for n in data.get("plan") or [] if n not in merged_steps]
    return {**data, "version": JOURNAL_VERSION, "plan": plan, "steps": steps, "migrated_from": version}


class Journal:
    """One deployment's journal file. Thread-safe; every change is on disk before the call returns,
    so a killed process leaves at worst `running` entries, which resume treats as not finished."""

    def __init__(self, state_dir: Path):
        self.state_dir = Path(state_dir)
        self.path = self.state_dir / JOURNAL_FILE
        self._lock = threading.RLock()
        self.meta: dict[str, Any] = {}
        self.steps: dict[str, StepRecord] = {}
        self._load()

    # --- reading ---------------------------------------------------------------------------

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            # Atomic writes make this unlikely; a damaged journal only costs re-checks, so start afresh.
            log.warning("ignoring unreadable journal %s: %s", self.path, exc)
            return
        data = migrate(data)
        self.meta = {k: v for k, v in data.items() if k != "steps"}
        self.steps = {name: StepRecord.from_json(rec) for name, rec in (data.get("steps") or {}).items()}

    @property
    def exists(self) -> bool:
        return self.path.exists()

    def get(self, name: str) -> StepRecord | None:
        with self._lock:
            return self.steps.get(name)

    def state(self, name: str) -> StepState | None:
        rec = self.get(name)
        return rec.state if rec else None

    def finished_outputs(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return {n: dict(r.outputs) for n, r in self.steps.items() if r.state.done}

    # --- writing ---------------------------------------------------------------------------

    def begin(self, *, profile_hash: str, target: str, profile_name: str, plan: list[str]) -> bool:
        """Start (or resume) a run; returns True when the profile changed since the journal was written."""
        with self._lock:
            changed = bool(self.meta.get("profile_hash")) and self.meta.get("profile_hash") != profile_hash
            self.meta.update(
                version=JOURNAL_VERSION,
                name=profile_name,
                target=target,
                profile_hash=profile_hash,
                plan=list(plan),
                pid=os.getpid(),
                run_started=time.time(),
                status="running",
            )
            # Steps no longer in the plan would confuse status; the resources they made belong to the
            # resource group, which destroy deletes as a whole.
            self.steps = {n: r for n, r in self.steps.items() if n in plan}
            self._write()
            return changed

    def set_meta(self, **values: Any) -> None:
        with self._lock:
            self.meta.update(scrub_value(values))
            self._write()

    def step_started(self, name: str, started: float) -> None:
        with self._lock:
            self.steps[name] = StepRecord(state=StepState.RUNNING, started=started)
            self._write()

    def step_finished(self, name: str, outputs: dict[str, Any], *, started: float, duration_s: float,
                      state: StepState = StepState.CREATED, outputs_type: str = "") -> None:
        """Record a step that is done (`state` one of lifecycle.DONE) with its outputs."""
        if not state.done:
            raise ValueError(f"step_finished needs a done state, not {state}")
        with self._lock:
            self.steps[name] = StepRecord(
                state=state,
                outputs=self.checked_outputs(name, outputs),
                outputs_type=outputs_type,
                started=started,
                finished=time.time(),
                duration_s=duration_s,
            )
            self._write()

    def step_ended(self, name: str, state: StepState, *, error: str = "", started: float | None = None, duration_s: float | None = None) -> None:
        """Record a failed or cancelled step (keeps no outputs: the step did not finish)."""
        with self._lock:
            self.steps[name] = StepRecord(
                state=parse_state(state), started=started, finished=time.time(), duration_s=duration_s,
                error=scrub(error),
            )
            self._write()

    def forget(self, name: str) -> None:
        with self._lock:
            if self.steps.pop(name, None) is not None:
                self._write()

    @staticmethod
    def checked_outputs(name: str, outputs: dict[str, Any]) -> dict[str, Any]:
        """Outputs safe to write: any secret a step put there by mistake is masked (and logged)."""
        clean = scrub_value(outputs)
        if clean != outputs:
            log.warning("step %s returned a secret in its outputs; it was masked in the journal", name)
        if _holds_registered_secret(json.dumps(clean, default=str, ensure_ascii=False)):
            raise AssertionError(f"a registered secret survived scrubbing in the outputs of step {name}")
        return clean

    def _write(self) -> None:
        data = dict(self.meta)
        data["updated"] = time.time()
        self.meta["updated"] = data["updated"]
        data["steps"] = {n: r.to_json() for n, r in self.steps.items()}
        text = json.dumps(data, indent=2, sort_keys=True, default=str, ensure_ascii=False) + "\n"
        self.state_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".journal.", suffix=".tmp", dir=self.state_dir)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _fsync_dir(self.state_dir)


def _holds_registered_secret(text: str) -> bool:
    """Last line of defence before the disk. SecretRegistry has no public membership test, so this
    reads its set under its lock (read-only)."""
    lock = getattr(registry, "_lock", None)
    if lock is None:
        return False
    with lock:
        known = list(getattr(registry, "_secrets", ()))
    return any(secret in text for secret in known)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows has no directory handles to sync."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read(state_dir: Path) -> Journal | None:
    """The journal of a deployment folder, or None when it has none."""
    journal = Journal(state_dir)
    return journal if journal.exists else None
