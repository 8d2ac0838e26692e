"""Suite-wide fixtures: an isolated data folder, offscreen Qt, and a guard that no process outlives the suite."""

from __future__ import annotations

import os
import signal
import uuid
from pathlib import Path

import pytest

# Shared real-process fixtures (redis_factory, ...).
pytest_plugins = ["tests.fixtures.redis_servers", "tests.fixtures.function_host", "tests.fixtures.arm_emulator"]

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The suite runs in English whatever the machine's locale (tests of Polish switch explicitly).
os.environ["LANG"] = "C"
for _var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_var, None)

# Every process the suite starts inherits this marker, so the session can find leftovers by PID.
RUN_MARKER = f"MLFUNC_WIZARD_TEST_RUN={uuid.uuid4().hex}"
os.environ["MLFUNC_WIZARD_TEST_RUN"] = RUN_MARKER.split("=", 1)[1]


@pytest.fixture(autouse=True)
def wizard_home(tmp_path, monkeypatch):
    """Each test gets its own MLFUNC_WIZARD_HOME, so deployments never touch the user's."""
    home = tmp_path / "wizard-home"
    home.mkdir()
    monkeypatch.setenv("MLFUNC_WIZARD_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def shared_env_cache(tmp_path_factory):
    """One package-environment cache (MLFUNC_WIZARD_ENV_CACHE) for every local deployment in the suite:
    building one takes about a minute, and the GUI and CLI tests deploy the same requirements."""
    return tmp_path_factory.mktemp("app-envs")


def leftover_processes() -> list[tuple[int, str]]:
    """Processes (other than this one) whose environment carries this run's marker."""
    found = []
    marker = RUN_MARKER.encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                found.append((int(entry.name), cmd.strip()))
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return found


def pytest_sessionfinish(session, exitstatus):
    if not Path("/proc").is_dir() or hasattr(session.config, "workerinput"):
        return
    leftovers = [(pid, cmd) for pid, cmd in leftover_processes() if not _is_zombie(pid)]
    if not leftovers:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    for pid, cmd in leftovers:
        if reporter:
            reporter.write_line(f"LEAK: process {pid} outlived the suite: {cmd}", red=True)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
    except (FileNotFoundError, IndexError):
        return True
