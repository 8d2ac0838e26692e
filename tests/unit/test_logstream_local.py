"""The local log source of `mlfunc-wizard logs`: host.log followed across the real size rotation (the same
rotating writer process the host's output goes through), --since reading the rotated files, secrets masked."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.polling import wait_for
from wizard.core.errors import InputError
from wizard.core.logstream import parse_since
from wizard.secrets import registry
from wizard.targets.local import log_rotation
from wizard.targets.local.logstream import follow_file, line_time


def _stamp(when: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(when)) + f",{int(when * 1000) % 1000:03d}"


class Follower:
    """follow_file in a thread, as the CLI and the GUI worker run it; stop() sets the cancel event."""

    def __init__(self, path: Path, **options):
        self.cancel = threading.Event()
        self.lines: list[str] = []
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(path, options), daemon=True)
        self._thread.start()

    def _run(self, path: Path, options: dict) -> None:
        try:
            for line in follow_file(path, follow=True, cancel=self.cancel, **options):
                self.lines.append(line.line)
        except BaseException as exc:
            self.error = exc

    def stop(self) -> None:
        self.cancel.set()
        self._thread.join(timeout=10)
        assert not self._thread.is_alive(), "the follower did not stop after cancel"
        assert self.error is None, self.error


@pytest.fixture
def writer(tmp_path):
    """The real rotating log writer (log_rotation.py run as processes.spawn_detached runs it), 200-byte files."""
    log = tmp_path / "host.log"
    log.touch()
    proc = subprocess.Popen([sys.executable, "-I", "-S", log_rotation.__file__, str(log), "200", "3"],
                            stdin=subprocess.PIPE)
    yield log, proc
    if proc.poll() is None:
        proc.stdin.close()
        proc.wait(timeout=10)


def _write(proc: subprocess.Popen, text: str) -> None:
    proc.stdin.write(text.encode())
    proc.stdin.flush()


def test_follows_across_rotation_line_by_line(writer):
    log, proc = writer
    follower = Follower(log, since=None)
    try:
        for i in range(40):  # ~45 bytes a line, 200-byte files: a rotation every 4 lines
            _write(proc, f"{_stamp(time.time())} INFO mlfunc.host: line {i:02d}\n")
            wait_for(lambda: f"line {i:02d}" in " ".join(follower.lines[-3:]), 20, f"line {i:02d}")
    finally:
        follower.stop()
    assert log.with_name("host.log.3").exists(), "the log did not rotate"
    assert [line[-7:] for line in follower.lines] == [f"line {i:02d}" for i in range(40)]


def test_follows_when_several_rotations_happen_between_reads(writer):
    log, proc = writer
    follower = Follower(log, since=None)
    try:
        _write(proc, "first line\n")
        wait_for(lambda: follower.lines, 20, "the first line")
        # 12 lines at once: two or three rotations before the follower looks again (3 files are kept).
        _write(proc, "".join(f"{_stamp(time.time())} INFO mlfunc.host: burst {i:02d}\n" for i in range(12)))
        wait_for(lambda: any("burst 11" in line for line in follower.lines), 20, "the last burst line")
    finally:
        follower.stop()
    assert [line[-8:] for line in follower.lines[1:]] == [f"burst {i:02d}" for i in range(12)]


def test_since_reads_the_rotated_files_and_keeps_a_records_continuation_lines(tmp_path):
    log = tmp_path / "host.log"
    out = log_rotation.RotatingFile(log, 150, 5)
    now = time.time()
    old, recent = now - 7200, now - 600
    out.write(f"{_stamp(old)} INFO mlfunc.host: old request\n".encode())
    out.write(f"{_stamp(old)} ERROR mlfunc.host: old failure\nTraceback (most recent call last):\n  old frame\n".encode())
    out.write(f"{_stamp(recent)} ERROR mlfunc.host: recent failure\nTraceback (most recent call last):\n  recent frame\n".encode())
    out.write(f"{_stamp(recent + 1)} INFO mlfunc.host: recent request\n".encode())
    out.close()
    assert log.with_name("host.log.1").exists(), "the history spans rotated files"

    lines = [line.line for line in follow_file(log, since=parse_since("30m"), follow=False, cancel=threading.Event())]
    assert lines[0].endswith("recent failure")
    assert lines[1:] == ["Traceback (most recent call last):", "  recent frame", lines[3]]
    assert lines[3].endswith("recent request")
    everything = [line.line for line in follow_file(log, since=None, follow=False, cancel=threading.Event())]
    assert len(everything) == 8 and everything[0].endswith("old request")


def test_follow_without_since_starts_with_the_last_lines(tmp_path):
    log = tmp_path / "host.log"
    log.write_text("".join(f"{_stamp(time.time())} INFO x: n{i}\n" for i in range(25)))
    cancel = threading.Event()
    lines = follow_file(log, since=None, follow=True, cancel=cancel)
    shown = [next(lines).line for _ in range(10)]
    cancel.set()
    assert [s.split()[-1] for s in shown] == [f"n{i}" for i in range(15, 25)]
    assert list(lines) == []  # cancelled: the follow ends


def test_secrets_in_log_lines_are_masked(tmp_path):
    key = "Zq8v" + "k" * 30 + "Xy9w"
    registry.add(key)
    log = tmp_path / "host.log"
    log.write_text(f"print from score.py: password is {key}\n"
                   "INFO access \"POST /api/score?code=s3cr3tfunctionkey123\" 200\n")
    shown = "\n".join(line.line for line in follow_file(log, since=None, follow=False, cancel=threading.Event()))
    assert key not in shown and "s3cr3tfunctionkey123" not in shown
    assert "Zq8v…Xy9w" in shown


def test_parse_since():
    assert parse_since("10m", now=1000.0) == 400.0
    assert parse_since("1h30m", now=10000.0) == 10000.0 - 5400
    assert parse_since("2026-12-01T10:00:00Z") == 1796119200.0
    assert parse_since("2026-12-01 10:00:00+01:00") == 1796119200.0 - 3600
    for bad in ("", "ten minutes", "10x", "yesterday"):
        with pytest.raises(InputError, match="neither a duration"):
            parse_since(bad)


def test_line_time_reads_the_hosts_prefix():
    when = time.mktime((2026, 12, 1, 11, 37, 15, 0, 0, -1)) + 0.123
    assert line_time(b"2026-12-01 11:37:15,123 INFO mlfunc.host: ready") == pytest.approx(when)
    assert line_time(b"  File \"score.py\", line 3") is None
