"""The base image and the engine check: the stand-in refuses another Python with a sentence, `mlfunc-wizard
base-image` says which base and why, and an engine that never answers is given up on (no hang, no traceback)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from wizard.containers.base_image import BaseImageError, ensure_base_image
from wizard.containers.engine import NOT_RUNNING, EngineUnavailable, connect

REPO = Path(__file__).resolve().parents[2]


def test_another_python_with_the_stand_in_is_a_sentence(docker_engine, standin_base):
    with pytest.raises(BaseImageError) as refused:
        ensure_base_image(docker_engine, "3.12", log=lambda line: None, mode="stand-in")
    assert refused.value.message.startswith("The local stand-in base image has Debian bookworm's Python 3.11, not 3.12")


def test_base_image_command_prints_the_stand_in_and_why(docker_engine, standin_base):
    env = dict(os.environ, MLFUNC_WIZARD_BASE_IMAGE="stand-in")
    done = subprocess.run([sys.executable, "-m", "wizard", "base-image", "--stand-in"], capture_output=True, text=True,
                          timeout=300, cwd=REPO, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == standin_base
    assert "Base image: the local stand-in" in done.stderr


def test_an_engine_that_never_answers_is_given_up_on(monkeypatch):
    # A real loopback server that accepts connections and never says a word.
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    monkeypatch.setenv("DOCKER_HOST", f"tcp://127.0.0.1:{server.getsockname()[1]}")
    try:
        with pytest.raises(EngineUnavailable) as gone:
            connect(timeout=0.5)
        assert gone.value.message == NOT_RUNNING
    finally:
        stop.set()
        thread.join(5)
        for conn in held:
            conn.close()
        server.close()
