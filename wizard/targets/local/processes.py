"""Long-lived local processes that outlive the CLI: spawn detached, pid files, stop by PID, free ports, health waits."""

from __future__ import annotations

import errno
import logging
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Callable, Sequence

logger = logging.getLogger(__name__)

# Ports handed out by this process but maybe not bound yet: two caches started back to back
# must not both receive the same "free" port between bind(0) and the server binding it.
_reserved_lock = threading.Lock()
_reserved: set[int] = set()


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now (bind to port 0), never handed out twice by this process."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((host, 0))
            port = sock.getsockname()[1]
        with _reserved_lock:
            if port in _reserved:
                continue
            _reserved.add(port)
        return port
    raise RuntimeError("Could not find a free TCP port on this machine.")


def spawn_detached(
    argv: Sequence[str],
    *,
    log_file: Path,
    pid_file: Path | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.Popen:
    """Start a process in its own session (it survives the CLI and Ctrl+C), output appended to log_file."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "ab") as out:
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=str(cwd) if cwd else None,
            start_new_session=True,
            close_fds=True,
        )
    if pid_file is not None:
        pid_file.write_text(f"{proc.pid}\n", encoding="utf-8")
    # Reap the child in the background if it dies while we still run, so it never lingers as a zombie
    # (a zombie would look "alive" to kill(pid, 0)).
    threading.Thread(target=_reap, args=(proc,), daemon=True).start()
    return proc


def _reap(proc: subprocess.Popen) -> None:
    try:
        proc.wait()
    except Exception:  # pragma: no cover - interpreter shutdown
        pass


def pid_alive(pid: int | None) -> bool:
    """True while a process with this PID exists and is not a zombie."""
    if not pid or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno == errno.EPERM
    # A zombie is dead, but only once every thread is gone: a leader thread that exited first
    # shows "Z" while the others still hold the process's sockets open.
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return True
    for task in tasks:
        try:
            state = (task / "stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state not in ("Z", "X"):
            return True
    return False


def pid_cmdline(pid: int) -> str:
    """The command line of a PID ('' if unknown); used to make sure a PID still is our process."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def read_pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None


def stop_pid(pid: int, *, timeout: float = 5.0) -> bool:
    """SIGTERM, wait up to `timeout`, then SIGKILL. True when the process is gone."""
    if not pid_alive(pid):
        return True
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return True
    if wait_gone(pid, timeout):
        return True
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return True
    return wait_gone(pid, 3.0)


def kill_pid(pid: int) -> bool:
    """SIGKILL at once (fail-open tests: the cache vanishes without a goodbye)."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return True
    return wait_gone(pid, 3.0)


def wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.02)
    return not pid_alive(pid)


def port_open(port: int, host: str = "127.0.0.1", timeout: float = 0.2) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_until(
    check: Callable[[], bool],
    *,
    timeout: float,
    interval: float = 0.05,
    pid: int | None = None,
    cancel_event: threading.Event | None = None,
) -> bool:
    """Poll `check` until true; False on timeout or when the watched PID died. Wakes on cancel."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except Exception:  # a health probe that throws simply means "not yet"
            pass
        if pid is not None and not pid_alive(pid):
            return False
        if cancel_event is not None:
            if cancel_event.wait(interval):
                return False
        else:
            time.sleep(interval)
    return False


def tail(path: Path, lines: int = 20) -> str:
    """The last lines of a log file, for error details."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])
