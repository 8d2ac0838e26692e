"""Runs a command (pip) as the leader of its own process group and takes the whole group down with the wizard:
`python -m wizard.targets.local.child_guard PARENT_PID -- argv...`. pip re-executes itself and starts build
subprocesses, so a death signal on the direct child alone would leave its children running."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys

from wizard.targets.local import processes

PR_SET_PDEATHSIG = 1


def set_parent_death_signal(sig: int) -> bool:
    """Linux: deliver `sig` to this process when the thread that started it exits (also on kill -9)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _take_down_group(*_: object) -> None:
    # Our own record, checked like any other: the one place that signals is processes.signal_owned.
    me = os.getpid()
    group = processes.environ_value(me, processes.GROUP_ENV) or ""
    record = {"pid": me, "identity": processes.identify(me, group), "role": "package build"}
    processes.signal_owned(record, signal.SIGKILL, process_group=True)
    os._exit(137)  # only reached when the group could not be signalled


def main(argv: list[str]) -> int:
    parent = int(argv[1])
    command = argv[argv.index("--") + 1:]
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, _take_down_group)
    set_parent_death_signal(signal.SIGTERM)
    if os.getppid() != parent:  # the wizard died before the death signal was armed
        _take_down_group()
    child = subprocess.Popen(command)  # same process group as us: it goes when the group goes
    return child.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
