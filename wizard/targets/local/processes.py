"""Long-lived local processes that outlive the CLI: spawn detached with an identity, signal only what is provably
ours (one function: `signal_owned`), free ports, health waits."""

from __future__ import annotations

import errno
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from wizard import interpreter
from wizard.i18n import _
from wizard.targets.local import log_rotation

logger = logging.getLogger(__name__)

# Placed in the environment of every process we start: `MLFUNC_WIZARD_GROUP=<the resource group's id>`.
# A process that lacks it (or has another group's) is not ours, whatever its name or number.
GROUP_ENV = "MLFUNC_WIZARD_GROUP"

# Ports handed out by this process but maybe not bound yet: two caches started back to back
# must not both receive the same "free" port between bind(0) and the server binding it.
_reserved_lock = threading.Lock()
_reserved: set[int] = set()


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now (bind to port 0), never handed out twice by this process."""
    for _attempt in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((host, 0))
            port = sock.getsockname()[1]
        with _reserved_lock:
            if port in _reserved:
                continue
            _reserved.add(port)
        return port
    raise RuntimeError("Could not find a free TCP port on this machine.")


# --- identity -------------------------------------------------------------------------------


def have_proc() -> bool:
    """Identity checks need Linux's /proc; without it we never signal anything."""
    return Path("/proc/self/stat").is_file()


def start_time(pid: int) -> int | None:
    """Field 22 of /proc/PID/stat: clock ticks after boot when the process started (a recycled PID differs)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
        # The command name (field 2) may hold spaces and ')': split after its last ')'. Field 3 is index 0 there.
        return int(text.rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def executable(pid: int) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return None


def environ_value(pid: int, name: str) -> str | None:
    """The value of `name` in the environment the process was started with (None: absent or unreadable)."""
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return None
    prefix = name.encode() + b"="
    for entry in raw.split(b"\0"):
        if entry.startswith(prefix):
            return entry[len(prefix):].decode(errors="replace")
    return None


def identify(pid: int, group: str) -> dict[str, Any] | None:
    """What proves later that `pid` is still the process we started: start time, executable, group marker."""
    if pid <= 0 or not have_proc():
        return None
    started, exe = start_time(pid), executable(pid)
    if started is None or exe is None:
        return None
    return {"start_time": started, "exe": exe, "group": group}


def _fields(record: Any) -> tuple[Any, Any, str]:
    if isinstance(record, subprocess.Popen):
        return record.pid, None, "child process"
    if isinstance(record, Mapping):
        pid, ident = record.get("pid"), record.get("identity")
        what = " ".join(str(record.get(k)) for k in ("role", "resource", "node") if record.get(k))
    else:
        pid, ident = getattr(record, "pid", None), getattr(record, "identity", None)
        what = " ".join(str(getattr(record, k)) for k in ("role", "name") if getattr(record, k, None))
    return pid, ident, (what or "process")


def why_not_ours(record: Any) -> str | None:
    """None when the recorded process runs now and is provably the one we started; else a sentence saying why not."""
    pid, ident, what = _fields(record)
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return _("{what}: no valid process id recorded ({pid!r}); nothing to stop.").format(what=what, pid=pid)
    if isinstance(record, subprocess.Popen):
        # Our own child that we have not reaped yet: the kernel keeps its PID from being reused until we do.
        return None if record.poll() is None else _("{what} (pid {pid}) is not running.").format(what=what, pid=pid)
    if not have_proc():
        return _("{what} (pid {pid}): this system has no /proc, so mlfunc-wizard cannot prove the process is its own "
                 "and does not stop it; stop it yourself if it still runs.").format(what=what, pid=pid)
    if not isinstance(ident, Mapping) or not ident.get("group") or ident.get("start_time") is None:
        return _("{what} (pid {pid}) was recorded without its identity (by an older mlfunc-wizard), so it is not "
                 "stopped; if it still runs, stop it yourself (kill {pid}).").format(what=what, pid=pid)
    if not pid_alive(pid):
        return _("{what} (pid {pid}) is not running.").format(what=what, pid=pid)
    if start_time(pid) != ident.get("start_time"):
        return _("pid {pid} now belongs to another process (it started at another time than our {what}); left "
                 "alone.").format(what=what, pid=pid)
    if executable(pid) != ident.get("exe"):
        return _("pid {pid} now runs another program than our {what}; left alone.").format(what=what, pid=pid)
    marker = environ_value(pid, GROUP_ENV)
    if marker != ident.get("group"):
        return _("pid {pid} does not carry this resource group's marker (not our {what}); left alone.").format(
            what=what, pid=pid)
    return None


def is_owned(record: Any) -> bool:
    return why_not_ours(record) is None


def signal_owned(record: Any, sig: int, *, log: Callable[[str], None] | None = None,
                 process_group: bool = False) -> bool:
    """THE one place in wizard/ that signals a process we started. Refuses pid <= 0 and any PID whose identity
    (start time, executable, group marker) does not match the record, logging why. True when the signal was sent.
    `record`: a mapping or object with `pid` and `identity` (see identify), or a subprocess.Popen of ours that
    has not been reaped (its PID cannot have been reused)."""
    pid, _ident, _what = _fields(record)
    pidfd = None
    if isinstance(pid, int) and pid > 0 and hasattr(os, "pidfd_open"):
        # Pin the process first: checked and signalled through the same handle, a PID recycled in between
        # cannot receive the signal.
        try:
            pidfd = os.pidfd_open(pid)
        except OSError:
            pidfd = None
    try:
        reason = why_not_ours(record)
        if reason is not None:
            if not (isinstance(pid, int) and pid > 0 and not pid_alive(pid)):  # an ended process needs no word
                (log or logger.warning)(reason)
            return False
        assert isinstance(pid, int) and pid > 0  # why_not_ours proved it; never signal 0 or a group by -pid
        try:
            if process_group:
                # The recorded process leads its own session/group (start_new_session): its children go too.
                if os.getpgid(pid) != pid:
                    (log or logger.warning)(_("pid {pid} does not lead its own process group; only it is signalled.").format(
                        pid=pid))
                    os.kill(pid, sig)
                else:
                    os.killpg(pid, sig)
            elif pidfd is not None and hasattr(signal, "pidfd_send_signal"):
                signal.pidfd_send_signal(pidfd, sig)
            else:
                os.kill(pid, sig)
        except ProcessLookupError:
            return False
        return True
    finally:
        if pidfd is not None:
            os.close(pidfd)


def stop_owned(record: Any, *, timeout: float = 5.0, log: Callable[[str], None] | None = None) -> bool:
    """SIGTERM, wait up to `timeout`, then SIGKILL, only if the record proves the process is ours.
    True when it is gone afterwards (or was never running); False when it still runs (not ours, or it survived)."""
    pid, _ident, _what = _fields(record)
    if not isinstance(pid, int) or pid <= 0 or not pid_alive(pid):
        return True
    if not signal_owned(record, signal.SIGTERM, log=log):
        return not pid_alive(pid)
    if wait_gone(pid, timeout):
        return _writer_done(record)
    signal_owned(record, signal.SIGKILL, log=log)
    return wait_gone(pid, 3.0) and _writer_done(record)


def kill_owned(record: Any, *, log: Callable[[str], None] | None = None) -> bool:
    """SIGKILL at once (fail-open tests, clean-up of a half-started cache), only if provably ours."""
    pid, _ident, _what = _fields(record)
    if not isinstance(pid, int) or pid <= 0 or not pid_alive(pid):
        return True
    if not signal_owned(record, signal.SIGKILL, log=log):
        return not pid_alive(pid)
    return wait_gone(pid, 3.0) and _writer_done(record)


def _writer_done(record: Any, timeout: float = 3.0) -> bool:
    """Wait (never signal) until the process's log writer has copied its last lines and ended (end of input)."""
    _pid, ident, _what = _fields(record)
    writer = ident.get("writer") if isinstance(ident, Mapping) else None
    if not isinstance(writer, Mapping) or not isinstance(writer.get("pid"), int):
        return True
    wpid, started = writer["pid"], writer.get("start_time")
    deadline = time.monotonic() + timeout
    while pid_alive(wpid) and start_time(wpid) == started and time.monotonic() < deadline:
        time.sleep(0.01)
    return True


# --- spawning -------------------------------------------------------------------------------


@dataclass
class Spawned:
    """A process we started: its PID, the identity recorded for it, and the Popen (while we run)."""

    pid: int
    identity: dict[str, Any] | None
    proc: subprocess.Popen = field(repr=False)
    log_writer: subprocess.Popen | None = field(repr=False, default=None)

    def record(self) -> dict[str, Any]:
        return {"pid": self.pid, "identity": self.identity}


def spawn_detached(
    argv: Sequence[str],
    *,
    log_file: Path,
    group: str,
    pid_file: Path | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    rotate: bool = True,
) -> Spawned:
    """Start a process in its own session (it survives the CLI and Ctrl+C), marked with `group` in its environment.
    Its output goes to `log_file`, rotated by size through a small writer process (see log_rotation)."""
    if not group:
        raise ValueError("a spawned process needs its resource group marker")
    log_file.parent.mkdir(parents=True, exist_ok=True)
    # Opened here first: an unusable log path fails before anything is started.
    with open(log_file, "ab"):
        pass
    child_env = dict(os.environ if env is None else env)
    child_env[GROUP_ENV] = group
    writer: subprocess.Popen | None = None
    if rotate:
        max_bytes, backups = log_rotation.limits()
        proc = subprocess.Popen(
            list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=child_env,
            cwd=str(cwd) if cwd else None, start_new_session=True, close_fds=True,
        )
        assert proc.stdout is not None
        try:
            writer = subprocess.Popen(
                [*_log_writer_command(), str(log_file), str(max_bytes), str(backups)],
                stdin=proc.stdout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                env={**{k: v for k, v in child_env.items() if k.startswith("MLFUNC_WIZARD_")}, GROUP_ENV: group},
                start_new_session=True, close_fds=True,
            )
        except BaseException:
            # Not recorded anywhere yet: stop it here (our unreaped child), or it would run unseen.
            signal_owned(proc, signal.SIGKILL)
            proc.wait()
            raise
        finally:
            proc.stdout.close()  # the writer holds the read end now; the child sees EPIPE only if it dies
    else:
        with open(log_file, "ab") as out:
            proc = subprocess.Popen(
                list(argv), stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=child_env,
                cwd=str(cwd) if cwd else None, start_new_session=True, close_fds=True,
            )
    # Popen returns after exec succeeded, so /proc already shows the new program and its environment.
    identity = identify(proc.pid, group)
    if identity is not None and writer is not None:
        # Waited for (never signalled) after a stop, so a stop returns once the log is complete.
        identity["writer"] = {"pid": writer.pid, "start_time": start_time(writer.pid)}
    spawned = Spawned(proc.pid, identity, proc, writer)
    if pid_file is not None:
        pid_file.write_text(f"{proc.pid}\n", encoding="utf-8")
    # Reap the children in the background if they die while we still run, so they never linger as zombies
    # (a zombie would look "alive" to kill(pid, 0)).
    for child in (proc, writer):
        if child is not None:
            threading.Thread(target=_reap, args=(child,), daemon=True).start()
    return spawned


def _reap(proc: subprocess.Popen) -> None:
    try:
        proc.wait()
    except Exception:  # pragma: no cover - interpreter shutdown
        pass


def pid_alive(pid: int | None) -> bool:
    """True while a process with this PID exists and is not a zombie (signal 0: a probe, nothing is delivered)."""
    if not isinstance(pid, int) or pid <= 0:
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
    """The command line of a PID ('' if unknown); shown to the user, never used to decide ownership."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def read_pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None


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


def _log_writer_command() -> list[str]:
    """The rotating log writer: a bare, isolated interpreter (quick to start), or the frozen bundle's own entry."""
    if interpreter.is_frozen():
        return interpreter.helper_command("wizard.targets.local.log_rotation")
    return [sys.executable, "-I", "-S", log_rotation.__file__]


def follow_output(proc: subprocess.Popen, *, log: Callable[[str], None], cancel_event: threading.Event | None,
                  kill: Callable[[], None], tail_lines: int = 30) -> list[str]:
    """Pass each non-blank output line of `proc` (text mode, stdout piped) to `log` as it comes, and wait for it.
    `kill` stops it when `cancel_event` is set or when reading fails. Returns its last `tail_lines` lines.
    Shared by the package build and the container helpers, so the streaming and cancel logic exist once."""
    stop = threading.Event()

    def watch() -> None:
        if cancel_event is None:
            return
        while not stop.is_set():
            if cancel_event.wait(0.1):
                kill()
                return

    threading.Thread(target=watch, daemon=True, name="child-cancel-watch").start()
    tail: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            line = line.rstrip("\n")
            if line.strip():
                log(line)
                tail = (tail + [line])[-tail_lines:]
        proc.wait()
    finally:
        stop.set()
        if proc.poll() is None:
            kill()
    return tail
