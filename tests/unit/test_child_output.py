"""The one streaming/cancel loop (processes.follow_output) as the container helpers use it: real child processes."""

from __future__ import annotations

import sys
import threading

import pytest

from wizard.containers.proc import CommandCancelled, CommandFailed, run_streamed


def test_lines_stream_in_order_and_a_failure_keeps_the_last_lines():
    lines: list[str] = []
    script = "import sys\nfor i in range(40): print(f'line {i}', flush=True)\nsys.exit(3)"
    with pytest.raises(CommandFailed) as failed:
        run_streamed([sys.executable, "-c", script], log=lines.append, cancel_event=None, what="the helper", tail_lines=5)
    assert lines == [f"line {i}" for i in range(40)]
    assert "exit code 3" in failed.value.message
    assert failed.value.detail.splitlines() == [f"line {i}" for i in range(35, 40)]


def test_cancel_kills_the_child_and_says_so():
    cancel = threading.Event()
    lines: list[str] = []

    def log(line: str) -> None:
        lines.append(line)
        cancel.set()  # cancel as soon as the child has started talking

    with pytest.raises(CommandCancelled):
        run_streamed([sys.executable, "-c", "import time\nprint('up', flush=True)\ntime.sleep(600)"], log=log,
                     cancel_event=cancel, what="the helper")
    assert lines == ["up"]  # the child sleeps 600 s: returning at all means it was killed (pytest-timeout bounds it)
