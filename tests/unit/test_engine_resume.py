"""Resume after the deploying process was SIGKILLed: nothing finished is done again, nothing is created twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.unit.test_engine_target import Behaviour, FileTarget, StepSpec, count, specs_to_json
from wizard.core.engine import Engine
from wizard.core.journal import Journal
from wizard.core.plan import Plan
from wizard.profile import Profile

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def deploy_process():
    """Starts the test target's deploy in a child process; kills it by PID at teardown."""
    started: list[subprocess.Popen] = []

    def start(spec_file: Path) -> subprocess.Popen:
        proc = subprocess.Popen([sys.executable, "-m", "tests.unit.test_engine_target", str(spec_file)], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        if proc.stdout:
            proc.stdout.close()


def test_sigkilled_deploy_resumes_and_runs_every_step_once(tmp_path, deploy_process):
    resources, state = tmp_path / "resources", tmp_path / "state"
    specs = [
        StepSpec("group"),
        StepSpec("storage", ("group",)),
        StepSpec("cache", ("group",), behaviour=Behaviour(seconds=600)),  # still running when killed
        StepSpec("access", ("cache",)),
        StepSpec("app", ("storage", "access")),
    ]
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps({"folder": str(resources), "state_dir": str(state), "specs": specs_to_json(specs)}))
    proc = deploy_process(spec_file)
    deadline = time.monotonic() + 60
    while not (count(resources, "cache", "start") and count(resources, "storage", "created")):
        assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else "deploy exited"
        assert time.monotonic() < deadline, "the deploy process never reached the cache step"
        time.sleep(0.02)
    # Wait until the journal (written after the resource) records storage as finished.
    while Journal(state).state("storage") != "created":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)

    killed = Journal(state)
    assert killed.state("cache") == "running"  # the killed process could not say otherwise
    assert killed.meta["status"] == "running"

    # Run again in this process (the cache is quick this time, as if Azure had finished it).
    specs[2].behaviour = Behaviour(seconds=0.01)
    target = FileTarget(specs, resources)
    outcome = Engine(Plan(target.steps(None)), Profile(name="engine-test"), state, lambda e: None).run()
    assert outcome.ok
    for name in ("group", "storage", "cache", "access", "app"):
        assert count(resources, name, "created") == 1, f"{name} was created {count(resources, name, 'created')} times"
    # Finished steps were not run again; the interrupted one ran once more, after checking existing().
    assert [count(resources, n, "start") for n in ("group", "storage", "cache", "access", "app")] == [1, 1, 2, 1, 1]
    assert outcome.states["group"] == outcome.states["storage"] == "adopted"
    journal = Journal(state)
    assert all(journal.state(n).done for n in ("group", "storage", "cache", "access", "app"))
    assert journal.meta["status"] == "deployed"
