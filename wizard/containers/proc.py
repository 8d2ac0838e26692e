"""Run a helper program (pip download, mmdebstrap) with its output streamed line by line and cancel by PID."""

from __future__ import annotations

import signal
import subprocess
import threading
from collections.abc import Callable

from wizard.core.errors import WizardError
from wizard.i18n import _


class CommandFailed(WizardError):
    """A helper program failed; `detail` holds its last output lines."""


class CommandCancelled(WizardError):
    """The user cancelled while a helper program ran; it was killed."""


def run_streamed(argv: list[str], *, log: Callable[[str], None], cancel_event: threading.Event | None,
                 what: str, env: dict[str, str] | None = None, tail_lines: int = 30) -> None:
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            text=True, bufsize=1, env=env, start_new_session=True)
    from wizard.targets.local.processes import follow_output

    tail = follow_output(proc, log=log, cancel_event=cancel_event, kill=lambda: _kill(proc), tail_lines=tail_lines)
    if cancel_event is not None and cancel_event.is_set():
        raise CommandCancelled(_("{what} was cancelled.").format(what=what))
    if proc.returncode != 0:
        raise CommandFailed(_("{what} failed (exit code {code}); see the lines above.").format(
            what=what, code=proc.returncode), detail="\n".join(tail))


def _kill(proc: subprocess.Popen) -> None:
    # The child leads its own session (start_new_session), so its group id is its pid: ours, never <= 0.
    from wizard.targets.local.processes import (
        signal_owned,  # the one function that signals (issue 12)
    )

    signal_owned(proc, signal.SIGKILL, process_group=True)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:  # pragma: no cover
        pass
