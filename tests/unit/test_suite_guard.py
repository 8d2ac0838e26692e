"""The suite's leak guard finds a process that carries the run marker (and only such processes)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import leftover_processes


def test_leak_guard_sees_a_child_and_forgets_it_once_stopped():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert child.pid in [pid for pid, _ in leftover_processes()]
    finally:
        child.kill()
        child.wait()
    assert child.pid not in [pid for pid, _ in leftover_processes()]


def test_leak_guard_ignores_processes_without_the_marker():
    env = {k: v for k, v in __import__("os").environ.items() if k != "MLFUNC_WIZARD_TEST_RUN"}
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], env=env)
    try:
        assert child.pid not in [pid for pid, _ in leftover_processes()]
    finally:
        child.kill()
        child.wait()
