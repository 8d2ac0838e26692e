"""Streamed builds against a real engine: lines arrive while the build still runs, in order; cancel stops the
build in the engine; a failing build keeps its last lines for the error's details.

A build step here blocks on a loopback TCP server the test controls (the build runs with --network host), so
"the build is still running" is a fact the test holds, not a timing guess.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from pathlib import Path

import pytest

from wizard.containers.base_image import image_exists
from wizard.containers.build import BuildCancelled, BuildFailed, build_image

WAITER = (
    "import socket, sys\n"
    "s = socket.create_connection(('127.0.0.1', {port}))\n"
    "print('waiting-for-test {token}', flush=True)\n"
    "data = s.recv(16)\n"
    "print('released', data.decode(), flush=True)\n"
)


class Gate:
    """A loopback server the build's RUN step connects to and waits on until the test releases it."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.conn: socket.socket | None = None
        self.accepted = threading.Event()
        self.closed_by_peer = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        self.server.settimeout(120)
        try:
            self.conn, _ = self.server.accept()
        except OSError:
            return
        self.accepted.set()

    def release(self) -> None:
        assert self.conn is not None
        self.conn.sendall(b"go")

    def wait_peer_closed(self, timeout: float) -> bool:
        assert self.conn is not None
        self.conn.settimeout(timeout)
        try:
            return self.conn.recv(16) == b""
        except OSError:
            return False

    def close(self) -> None:
        for s in (self.conn, self.server):
            if s is not None:
                s.close()


def _context(tmp_path: Path, base: str, gate: Gate, token: str) -> Path:
    context = tmp_path / "ctx"
    context.mkdir()
    (context / "waiter.py").write_text(WAITER.format(port=gate.port, token=token))
    (context / "Dockerfile").write_text(
        f"FROM {base}\nCOPY waiter.py /waiter.py\nRUN python3 -u /waiter.py\nRUN echo after-the-gate\n")
    return context


@pytest.fixture
def gate():
    g = Gate()
    yield g
    g.close()


def test_lines_arrive_while_the_build_runs_in_order(docker_engine, standin_base, tmp_path, gate):
    token = uuid.uuid4().hex[:8]
    tag = f"mlfunc-wizard/test-stream:{token}"
    seen: list[str] = []
    while_blocked: dict[str, bool] = {}

    def on_line(line: str) -> None:
        seen.append(line)
        if f"waiting-for-test {token}" in line:
            # The RUN step is blocked on our gate right now: the image cannot exist yet.
            while_blocked["accepted"] = gate.accepted.wait(30)
            while_blocked["tagged"] = image_exists(docker_engine, tag)
            gate.release()

    steps: list[tuple[int, int]] = []
    try:
        result = build_image(docker_engine, _context(tmp_path, standin_base, gate, token), tags=[tag], on_line=on_line,
                             on_step=lambda n, m: steps.append((n, m)), network_mode="host", nocache=True)
        assert while_blocked == {"accepted": True, "tagged": False}
        assert image_exists(docker_engine, tag) and result.image_id
        order = [next(i for i, l in enumerate(seen) if marker in l) for marker in
                 ("Sending build context to Docker daemon", "Step 1/4", "Step 3/4", f"waiting-for-test {token}", "released go", "Step 4/4", "after-the-gate",
                  "Successfully built")]
        assert order == sorted(order)
        assert steps == [(1, 4), (2, 4), (3, 4), (4, 4)]
    finally:
        docker_engine.client.remove_image(tag, force=True) if image_exists(docker_engine, tag) else None


def test_cancel_closes_the_stream_and_the_engine_stops_the_build(docker_engine, standin_base, tmp_path, gate):
    token = uuid.uuid4().hex[:8]
    tag = f"mlfunc-wizard/test-cancel:{token}"
    cancel = threading.Event()

    def on_line(line: str) -> None:
        if f"waiting-for-test {token}" in line:
            gate.accepted.wait(30)
            cancel.set()  # the user presses Cancel while the RUN step runs

    with pytest.raises(BuildCancelled) as caught:
        build_image(docker_engine, _context(tmp_path, standin_base, gate, token), tags=[tag], on_line=on_line,
                    cancel_event=cancel, network_mode="host", nocache=True)
    assert "cancelled" in caught.value.message
    # The engine killed the RUN step's container: its connection to our gate closes (never released).
    assert gate.wait_peer_closed(timeout=30)
    assert not image_exists(docker_engine, tag)
    # ... and removes that container (forcerm) once it has stopped.
    deadline = time.monotonic() + 30
    while True:
        left = [c for c in docker_engine.client.containers(all=True) if "waiter.py" in (c.get("Command") or "")]
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert not left


def test_a_failing_build_fails_with_its_last_lines_in_the_details(docker_engine, standin_base, tmp_path):
    context = tmp_path / "ctx"
    context.mkdir()
    (context / "Dockerfile").write_text(
        f"FROM {standin_base}\nRUN echo line-before-the-failure && echo 'No matching distribution found for nope' && exit 3\n")
    lines: list[str] = []
    with pytest.raises(BuildFailed) as caught:
        build_image(docker_engine, context, tags=[f"mlfunc-wizard/test-fail:{uuid.uuid4().hex[:8]}"],
                    on_line=lines.append, network_mode="none", nocache=True)
    err = caught.value
    assert err.message.startswith("The Docker build failed:") and "\n" not in err.message
    assert "line-before-the-failure" in err.detail and "No matching distribution found for nope" in err.detail
    assert "returned a non-zero code: 3" in lines[-1]
