"""Streamed `docker build`: every line goes to `on_line` as the engine sends it; cancel closes the stream at once."""

from __future__ import annotations

import contextlib
import http.client
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import urllib3
from docker.errors import DockerException
from requests.exceptions import RequestException

from wizard.containers.engine import Engine
from wizard.core.errors import WizardError
from wizard.i18n import _

PLATFORM = "linux/amd64"  # Azure runs amd64 whatever the build machine is
_STEP = re.compile(r"^Step (\d+)/(\d+) :")
TAIL_LINES = 30
# What a stream broken mid-way raises, from each layer of the HTTP stack.
STREAM_ERRORS = (DockerException, RequestException, urllib3.exceptions.HTTPError, http.client.HTTPException, OSError,
                 ValueError)


class BuildFailed(WizardError):
    """The image did not build; `detail` holds the last build lines."""


class BuildCancelled(WizardError):
    """The user cancelled; the stream was closed and the engine dropped the build."""


@dataclass
class BuildResult:
    image_id: str
    tags: list[str]
    lines: int
    seconds: float
    tail: list[str] = field(default_factory=list)


class _StreamHandle:
    """Remembers the HTTP response of a streaming call so another thread can shut its socket down."""

    def __init__(self) -> None:
        self.response: Any = None
        self.closed = False
        self._lock = threading.Lock()

    def close(self, engine: Engine) -> None:
        with self._lock:
            self.closed = True
            response = self.response
        if response is None:
            return
        # Only shut the socket down here: that wakes the reader blocked in recv() with EOF. Closing the response
        # from this thread would wait for the reader's buffer lock; the reading thread closes it (stream_call).
        with contextlib.suppress(OSError, AttributeError, DockerException, RequestException):
            raw = engine.client._get_raw_response_socket(response)
            sock = getattr(raw, "_sock", raw)  # unix sockets come back as a SocketIO wrapper
            sock.shutdown(socket.SHUT_RDWR)


def _capture_stream(engine: Engine, handle: _StreamHandle) -> Callable[[], None]:
    """Wrap APIClient._stream_helper once so the response of the next streaming call lands in `handle`."""
    client = engine.client
    original = client._stream_helper

    def helper(response: Any, decode: bool = False) -> Iterator[Any]:
        handle.response = response
        if handle.closed:  # cancelled between the request and the first line
            handle.close(engine)
        return original(response, decode=decode)

    client._stream_helper = helper

    def restore() -> None:
        client._stream_helper = original

    return restore


def stream_call(engine: Engine, start: Callable[[], Iterator[dict[str, Any]]], cancel_event: threading.Event | None
                ) -> Iterator[dict[str, Any]]:
    """Run a streaming API call (build, push, pull) whose chunks are yielded; cancel shuts its socket within 0.1 s."""
    handle = _StreamHandle()
    restore = _capture_stream(engine, handle)
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            if cancel_event is not None and cancel_event.wait(0.05):
                handle.close(engine)
                return
            if cancel_event is None:
                return

    watcher = threading.Thread(target=watch, daemon=True, name="docker-stream-cancel")
    watcher.start()
    try:
        chunks = start()
        restore()
        yield from chunks
    except STREAM_ERRORS:
        if handle.closed or (cancel_event is not None and cancel_event.is_set()):
            return
        raise
    finally:
        restore()
        stop.set()
        if handle.response is not None:
            with contextlib.suppress(Exception):  # a shut-down socket may complain on close; it is closed either way
                handle.response.close()


def build_image(
    engine: Engine,
    context_dir: Path,
    *,
    tags: list[str],
    on_line: Callable[[str], None],
    buildargs: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
    cancel_event: threading.Event | None = None,
    on_step: Callable[[int, int], None] | None = None,
    network_mode: str = "none",
    platform: str | None = PLATFORM,
    nocache: bool = False,
) -> BuildResult:
    """Build `context_dir` (its Dockerfile) with the classic builder and stream its output line by line."""
    started = time.monotonic()
    tail: list[str] = []
    image_id = ""
    count = 0
    error = ""
    partial = ""

    def emit(line: str) -> None:
        nonlocal count, tail
        line = line.rstrip("\r")
        if not line.strip():
            return
        count += 1
        tail = (tail + [line])[-TAIL_LINES:]
        match = _STEP.match(line)
        if match and on_step is not None:
            on_step(int(match.group(1)), int(match.group(2)))
        on_line(line)

    def start() -> Iterator[dict[str, Any]]:
        return engine.client.build(
            path=str(context_dir), tag=tags[0] if tags else None, rm=True, forcerm=True, decode=True,
            buildargs=buildargs or {}, labels=labels or {}, network_mode=network_mode, platform=platform,
            nocache=nocache,
        )

    # The docker CLI's own first line: the engine says nothing until it has the whole context (wheelhouse included).
    size = sum(p.stat().st_size for p in Path(context_dir).rglob("*") if p.is_file())
    emit(f"Sending build context to Docker daemon  {size / 1e6:.1f} MB")
    try:
        for chunk in stream_call(engine, start, cancel_event):
            if "stream" in chunk:
                # A chunk may hold several lines or end mid-line; emit whole lines as they complete.
                partial += chunk["stream"]
                *lines, partial = partial.split("\n")
                for line in lines:
                    emit(line)
            elif "error" in chunk:
                error = chunk.get("errorDetail", {}).get("message") or chunk["error"]
            elif "aux" in chunk and isinstance(chunk["aux"], dict) and chunk["aux"].get("ID"):
                image_id = chunk["aux"]["ID"]
            elif "status" in chunk:
                emit(" ".join(str(chunk[k]) for k in ("id", "status", "progress") if chunk.get(k)))
    except STREAM_ERRORS as exc:
        if partial:
            emit(partial)
        raise BuildFailed(_("The Docker build stopped: {error}; check that the engine is still running and build "
                            "again.").format(error=exc), detail="\n".join(tail)) from None
    if partial:
        emit(partial)
    if cancel_event is not None and cancel_event.is_set():
        raise BuildCancelled(_("The Docker build was cancelled; the engine dropped it and no image was tagged."))
    if error:
        emit(error)
        raise BuildFailed(_("The Docker build failed: {error}").format(error=error.strip().splitlines()[-1][:300]),
                          detail="\n".join(tail))
    if not image_id:
        raise BuildFailed(_("The Docker build ended without an image; see the build lines."), detail="\n".join(tail))
    for extra in tags[1:]:
        repo, _sep, tag = extra.rpartition(":")
        engine.client.tag(image_id, repo or extra, tag or "latest")
    return BuildResult(image_id=image_id, tags=list(tags), lines=count, seconds=time.monotonic() - started, tail=tail)
