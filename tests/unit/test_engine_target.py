"""A small real Target for engine tests: each step creates a file in a folder (after waiting through
ctx.wait), so tests count real work by reading files. Not a mock: the engine runs it like any target.

Also runnable as a process (`python -m tests.unit.test_engine_target SPEC.json`) so tests can SIGKILL
a deploy mid-run and resume it. No tests live here.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from wizard.targets.base import Endpoint, Step, StepContext, StepFailed, TransientError


@dataclass
class Behaviour:
    seconds: float = 0.0  # waited through ctx.wait (so cancel wakes it)
    fail: str = ""  # raise StepFailed(fail)
    crash: bool = False  # raise an unexpected exception
    transient: int = 0  # the first N run() calls raise TransientError
    connection_errors: int = 0  # the first N run() calls raise ConnectionError
    retry_after: float | None = None
    secret: str = ""  # stored in ctx.secrets, then logged and reported verbatim


@dataclass
class StepSpec:
    name: str
    needs: tuple[str, ...] = ()
    estimate_s: float = 1.0
    behaviour: Behaviour = field(default_factory=Behaviour)
    retries: int = 4


def _append(path: Path, record: dict[str, Any]) -> None:
    # One short O_APPEND write per record: lines from parallel threads/processes never interleave.
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def read_calls(folder: Path) -> list[dict[str, Any]]:
    path = folder / "calls.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def count(folder: Path, step: str, event: str) -> int:
    return sum(1 for c in read_calls(folder) if c["step"] == step and c["event"] == event)


class FileAction:
    """The resource is `<folder>/<step>.created` (JSON outputs); calls are logged to calls.jsonl."""

    def __init__(self, spec: StepSpec, folder: Path):
        self.spec = spec
        self.folder = folder
        self.marker = folder / f"{spec.name}.created"
        self._lock = threading.Lock()

    def existing(self, ctx: StepContext) -> dict[str, Any] | None:
        _append(self.folder / "calls.jsonl", {"step": self.spec.name, "event": "existing", "t": time.time()})
        if self.marker.exists():
            return json.loads(self.marker.read_text())
        return None

    def run(self, ctx: StepContext) -> dict[str, Any]:
        name, b = self.spec.name, self.spec.behaviour
        calls = self.folder / "calls.jsonl"
        _append(calls, {"step": name, "event": "start", "t": time.time(), "pid": os.getpid()})
        attempt = count(self.folder, name, "start")
        if b.secret:
            ctx.secrets[f"{name}-key"] = b.secret
            ctx.log(f"fetched key {b.secret} for {name}")
            ctx.report(0.5, f"using {b.secret}")
        if attempt <= b.transient:
            raise TransientError(f"{name} is throttled", retry_after_s=b.retry_after)
        if attempt <= b.connection_errors:
            raise ConnectionError(f"{name}: connection reset by peer")
        try:
            ctx.wait(b.seconds)
        except BaseException:
            _append(calls, {"step": name, "event": "interrupted", "t": time.time()})
            raise
        if b.fail:
            raise StepFailed(b.fail, detail="the test target was told to fail")
        if b.crash:
            raise KeyError("no-such-key")
        outputs = {"name": name, "seen": sorted(ctx.outputs), "upstream": {n: ctx.outputs[n].get("name") for n in self.spec.needs}}
        tmp = self.marker.with_suffix(".tmp")
        tmp.write_text(json.dumps(outputs))
        tmp.replace(self.marker)
        _append(calls, {"step": name, "event": "created", "t": time.time()})
        return outputs


class FileTarget:
    """Implements the Target protocol over FileAction steps."""

    name = "test"

    def __init__(self, specs: list[StepSpec], folder: Path):
        self.specs = specs
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def steps(self, profile: Any) -> list[Step]:
        return [
            Step(name=s.name, title=f"Create {s.name}", creates=f"the file {s.name}.created", needs=tuple(s.needs),
                 action=FileAction(s, self.folder), estimate_s=s.estimate_s, retries=s.retries)
            for s in self.specs
        ]

    def endpoint(self, profile: Any, outputs: dict[str, dict[str, Any]]) -> Endpoint:
        return Endpoint(url="http://127.0.0.1:9/api/score", key="")

    def resources(self, profile: Any) -> list[str]:
        return sorted(p.name for p in self.folder.glob("*.created"))

    def destroy(self, profile: Any, log: Callable[[str], None], cancel_event: threading.Event,
                typed_name: str | None = None) -> None:
        for p in self.folder.glob("*.created"):
            p.unlink()
            log(f"deleted {p.name}")


def specs_to_json(specs: list[StepSpec]) -> list[dict[str, Any]]:
    return [asdict(s) for s in specs]


def specs_from_json(data: list[dict[str, Any]]) -> list[StepSpec]:
    return [StepSpec(name=d["name"], needs=tuple(d["needs"]), estimate_s=d["estimate_s"],
                     behaviour=Behaviour(**d["behaviour"]), retries=d["retries"]) for d in data]


def main(argv: list[str]) -> int:
    """Deploy the FileTarget described by a JSON file {"folder", "state_dir", "specs"} and print events."""
    from wizard.core.engine import Engine
    from wizard.core.plan import Plan
    from wizard.profile import Profile

    spec = json.loads(Path(argv[0]).read_text())
    target = FileTarget(specs_from_json(spec["specs"]), Path(spec["folder"]))
    plan = Plan(target.steps(None), target="test")
    engine = Engine(plan, Profile(name="engine-test"), Path(spec["state_dir"]),
                    lambda e: print(f"{e.kind} {e.step} {e.message}", flush=True))
    outcome = engine.run()
    return 0 if outcome.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


def test_azure_worker_counts_follow_the_plans_vcpus():
    from wizard.targets.azure.functionapp import worker_settings

    assert worker_settings("B1") == {"FUNCTIONS_WORKER_PROCESS_COUNT": "1", "PYTHON_THREADPOOL_THREAD_COUNT": "4"}
    assert worker_settings("P3v3")["FUNCTIONS_WORKER_PROCESS_COUNT"] == "8"
    assert worker_settings("EP2")["FUNCTIONS_WORKER_PROCESS_COUNT"] == "2"
