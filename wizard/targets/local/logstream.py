"""The local function app's log as a stream: functions/<app>/host.log followed like `tail -F` across the size
rotation (host.log -> host.log.1 -> ...), history from the rotated files for `--since`; for a container app
(function.packaging docker) the container's output through the Docker engine."""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from wizard.core.errors import WizardError
from wizard.core.logstream import POLL_S, LogLine, make_line
from wizard.i18n import _
from wizard.profile import Profile
from wizard.targets.local import function_host
from wizard.targets.local import resource_group as rg

TAIL_LINES = 10  # following without --since starts with the last lines, as `tail -f` does
_STAMP = re.compile(rb"^(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2})(?:[,.](\d{1,6}))?")


def stream(profile: Profile, *, since: float | None, follow: bool, cancel: threading.Event) -> Iterator[LogLine]:
    """The deployment's log lines, oldest first; with `follow`, new ones as they are written until `cancel`."""
    try:
        group = rg.group_dir(profile.resource_group.name)
    except rg.ResourceGroupError as exc:
        raise WizardError(str(exc)) from None
    if not group.is_dir():
        raise WizardError(_("The resource group '{group}' of '{name}' is not on this computer any more; deploy it "
                            "again (`mlfunc-wizard deploy`).").format(
            group=profile.resource_group.name, name=profile.name))
    rg.read_keys(group)  # registers the group's keys: a key the app prints is masked like any other
    if profile.function.packaging == "docker":
        return container_lines(profile, since=since, follow=follow, cancel=cancel)
    log_file = function_host.app_folder(group, profile.function.app_name) / function_host.LOG
    if not log_file.exists():
        raise WizardError(_("'{name}' has no host log yet ({log_file}); deploy it first (`mlfunc-wizard deploy`).").format(
            name=profile.name, log_file=log_file))
    return follow_file(log_file, since=since, follow=follow, cancel=cancel)


# --- the host log -----------------------------------------------------------------------------


def line_time(raw: bytes) -> float | None:
    """The host's `2026-12-01 11:37:15,123` prefix (local time) as epoch seconds; None for other lines."""
    match = _STAMP.match(raw)
    if not match:
        return None
    try:
        stamp = dt.datetime.fromisoformat(match.group(1).decode().replace(" ", "T"))
    except ValueError:
        return None
    fraction = match.group(2)
    return stamp.timestamp() + (int(fraction) / 10 ** len(fraction) if fraction else 0.0)


def rotated_files(path: Path) -> list[Path]:
    """The kept files of one log, oldest first: host.log.N ... host.log.1, host.log."""
    older = []
    for i in range(1, 1000):
        candidate = path.with_name(f"{path.name}.{i}")
        if not candidate.exists():
            break
        older.append(candidate)
    return list(reversed(older)) + [path]


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


class _Reader:
    """Turns bytes of one file into LogLines; a line without a timestamp (a traceback) takes its record's time."""

    def __init__(self, source: str):
        self.source = source
        self.last_time: float | None = None
        self.pending = b""

    def feed(self, data: bytes) -> list[LogLine]:
        self.pending += data
        *complete, self.pending = self.pending.split(b"\n")
        return [self._line(raw) for raw in complete]

    def flush(self) -> list[LogLine]:
        """A last line without its newline (the file was rotated or ended there)."""
        rest, self.pending = self.pending, b""
        return [self._line(rest)] if rest else []

    def _line(self, raw: bytes) -> LogLine:
        when = line_time(raw)
        if when is not None:
            self.last_time = when
        return make_line(when if when is not None else self.last_time, self.source, raw.decode("utf-8", "replace"))


def follow_file(path: Path, *, since: float | None, follow: bool, cancel: threading.Event) -> Iterator[LogLine]:
    """The log at `path` and its rotated predecessors. History: every kept line at or after `since`; without
    `since`, everything when not following, else the last TAIL_LINES. Then, with `follow`, new lines as written,
    across rotations (the file we hold is read to its end, then any newer rotated files, then the new host.log)."""
    reader = _Reader(path.name)
    files = rotated_files(path) if since is not None or not follow else [path]
    history: deque[LogLine] | list[LogLine] = deque(maxlen=TAIL_LINES) if since is None and follow else []
    current: BinaryIO | None = None
    ident: tuple[int, int] | None = None
    for index, file in enumerate(files):
        try:
            fh = open(file, "rb")
        except FileNotFoundError:  # rotated away while we looked
            continue
        last = index == len(files) - 1
        for line in reader.feed(fh.read()) + ([] if last and follow else reader.flush()):
            if since is None or (line.time is not None and line.time >= since):
                history.append(line)
        if last and follow:
            current, ident = fh, (os.fstat(fh.fileno()).st_dev, os.fstat(fh.fileno()).st_ino)
        else:
            fh.close()
    yield from history
    if not follow:
        return
    try:
        while not cancel.is_set():
            if current is None:  # between a rotation's rename and the writer's new file
                current, ident = _reopen(path)
                if current is None:
                    cancel.wait(POLL_S)
                    continue
            data = current.read()
            if data:
                yield from reader.feed(data)
                continue
            if _identity(path) != ident:
                # Rotated: finish the file we hold, then the newer rotated files we have not opened yet.
                yield from reader.feed(current.read())
                yield from reader.flush()
                current.close()
                for newer in _newer_rotations(path, ident):
                    yield from _whole(newer, reader)
                current, ident = _reopen(path)
                continue
            if current.tell() > os.fstat(current.fileno()).st_size:  # truncated in place: start again at the top
                current.seek(0)
                continue
            cancel.wait(POLL_S)
    finally:
        if current is not None:
            current.close()


def _reopen(path: Path) -> tuple[BinaryIO | None, tuple[int, int] | None]:
    try:
        fh = open(path, "rb")
    except FileNotFoundError:
        return None, None
    st = os.fstat(fh.fileno())
    return fh, (st.st_dev, st.st_ino)


def _newer_rotations(path: Path, held: tuple[int, int] | None) -> list[Path]:
    """The rotated files written after the one we held (it is host.log.K now: host.log.K-1 ... host.log.1).
    If it has been rotated out of the kept files altogether, every kept rotated file is newer."""
    kept = rotated_files(path)[:-1]  # oldest first, without host.log
    for index, file in enumerate(kept):
        if _identity(file) == held:
            return kept[index + 1:]
    return kept


def _whole(file: Path, reader: _Reader) -> Iterator[LogLine]:
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        return
    yield from reader.feed(data)
    yield from reader.flush()


# --- the container's output ----------------------------------------------------------------------


def container_lines(profile: Profile, *, since: float | None, follow: bool, cancel: threading.Event) -> Iterator[LogLine]:
    """`docker logs [--follow] [--since]` of the app's container, found by its labels, through the Docker SDK."""
    from wizard.containers import containers as ctr
    from wizard.containers.engine import EngineUnavailable, connect

    try:
        engine = connect()
    except EngineUnavailable as exc:
        raise WizardError(exc.message, exc.detail) from None
    found = ctr.find(engine, group=profile.resource_group.name, app=profile.function.app_name)
    if not found:
        engine.close()
        raise WizardError(_("'{name}' has no container on this computer; deploy it again (`mlfunc-wizard deploy`).").format(
            name=profile.name))
    return _container_stream(engine, found[0], since=since, follow=follow, cancel=cancel)


def _container_stream(engine: Any, container: Any, *, since: float | None, follow: bool,
                      cancel: threading.Event) -> Iterator[LogLine]:
    source = f"container {container.name}"
    options: dict[str, Any] = {"stream": True, "follow": follow, "timestamps": True}
    if since is not None:
        options["since"] = since
    elif follow:
        options["tail"] = TAIL_LINES
    logs = engine.client.logs(container.id, **options)
    # The engine's stream blocks between lines: a cancel shuts its socket down (CancellableStream.close).
    done = threading.Event()
    closer = threading.Thread(target=_close_on, args=(cancel, done, logs), daemon=True, name="container-logs-cancel")
    closer.start()
    pending = b""
    try:
        for chunk in logs:
            pending += chunk
            *complete, pending = pending.split(b"\n")
            for raw in complete:
                yield _container_line(source, raw)
        if pending:
            yield _container_line(source, pending)
    except Exception:  # the socket shut down by a cancel ends the stream; anything else is reported
        if not cancel.is_set():
            raise
    finally:
        done.set()
        logs.close()
        engine.close()


def _close_on(cancel: threading.Event, done: threading.Event, logs: Any) -> None:
    while not done.is_set():
        if cancel.wait(POLL_S * 5):
            logs.close()
            return


def _container_line(source: str, raw: bytes) -> LogLine:
    """`2026-12-01T11:37:15.123456789Z text` (the engine's timestamps=True prefix) -> LogLine(time, text)."""
    stamp, _, text = raw.partition(b" ")
    try:
        when = dt.datetime.fromisoformat(stamp.decode()[:26].rstrip("Z") + "+00:00").timestamp()
    except ValueError:
        when, text = None, raw
    return make_line(when, source, text.decode("utf-8", "replace"))
