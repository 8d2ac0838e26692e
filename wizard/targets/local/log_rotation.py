"""Size-based log rotation for the local processes' logs (redis.log, host.log): a rotating file writer, and a tiny
script that copies stdin into one (`python -I -S log_rotation.py PATH MAX_BYTES BACKUPS`). Standard library only."""

from __future__ import annotations

import os
import sys
from pathlib import Path

MAX_BYTES_ENV = "MLFUNC_WIZARD_LOG_MAX_BYTES"
BACKUPS_ENV = "MLFUNC_WIZARD_LOG_BACKUPS"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_BACKUPS = 3  # log, log.1, log.2, log.3: at most 4 x 10 MB per process


def limits() -> tuple[int, int]:
    """(max bytes per file, files kept besides the current one); overridable through the environment."""
    def read(name: str, default: int, lowest: int) -> int:
        try:
            return max(lowest, int(os.environ.get(name, default)))
        except ValueError:
            return default

    return read(MAX_BYTES_ENV, DEFAULT_MAX_BYTES, 1), read(BACKUPS_ENV, DEFAULT_BACKUPS, 1)


class RotatingFile:
    """Append lines to `path`; before a line would take it past `max_bytes`, path -> path.1 -> ... -> path.N."""

    def __init__(self, path: Path | str, max_bytes: int, backups: int):
        self.path = Path(path)
        self.max_bytes = max(1, max_bytes)
        self.backups = max(1, backups)
        self._fh = open(self.path, "ab")
        self._size = self._fh.tell()

    def write_line(self, line: bytes) -> None:
        if self._size > 0 and self._size + len(line) > self.max_bytes:
            self.rotate()
        self._fh.write(line)
        self._size += len(line)

    def write(self, data: bytes) -> None:
        """Whole lines go to one file each (a line longer than max_bytes gets a file of its own)."""
        for line in data.splitlines(keepends=True):
            self.write_line(line)
        self._fh.flush()

    def rotate(self) -> None:
        self._fh.close()
        for i in range(self.backups - 1, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{i}")
            if older.exists():
                os.replace(older, self.path.with_name(f"{self.path.name}.{i + 1}"))
        if self.path.exists():
            os.replace(self.path, self.path.with_name(f"{self.path.name}.1"))
        self._fh = open(self.path, "ab")
        self._size = 0

    def close(self) -> None:
        self._fh.close()


def copy_stream(fd: int, out: RotatingFile) -> None:
    """Copy from `fd` until end of file (the writing process exited), line by line into `out`."""
    pending = b""
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        pending += chunk
        head, sep, pending = pending.rpartition(b"\n")
        if sep:
            out.write(head + sep)
        if len(pending) > out.max_bytes:  # a runaway line without newline: write it anyway
            out.write(pending)
            pending = b""
    if pending:
        out.write(pending)


def main(argv: list[str]) -> int:
    path, max_bytes, backups = argv[1], int(argv[2]), int(argv[3])
    out = RotatingFile(path, max_bytes, backups)
    try:
        copy_stream(0, out)
    finally:
        out.close()
    return 0


if __name__ == "__main__":
    import signal

    # Part of the logged process's session: Ctrl+C there must not cut its log short; end of input ends us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(main(sys.argv))
