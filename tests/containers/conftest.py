"""A real Docker engine for the container tests: one that answers, or the private engine of scripts/docker-engine.sh.

The private engine is started once per session (as root) and stopped at the end by the PID in its pidfile
(the script checks /proc/PID/exe is dockerd first). The base stand-in image and the wheelhouses are cached per
machine under the user's cache folder, so only the first run on a machine pays for them (README: times).
Tests never pull from outside this machine: MLFUNC_WIZARD_BASE_IMAGE=stand-in.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ENGINE_SCRIPT = REPO / "scripts" / "docker-engine.sh"


def pytest_configure(config):
    config.addinivalue_line("markers", "containers: needs a real Docker engine (tests/containers; select with -m containers)")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/containers/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.containers)


@pytest.fixture(scope="session")
def docker_engine():
    """An engine that answers (DOCKER_HOST, context, default socket or an already running private engine),
    else the private engine started here and stopped by PID at the end of the session."""
    from wizard.containers.engine import EngineUnavailable, connect

    started = False
    try:
        engine = connect()
    except EngineUnavailable:
        if os.geteuid() != 0 or not shutil.which("dockerd"):
            pytest.skip("No Docker engine answers and the private one needs root and dockerd "
                        "(scripts/setup.sh installs docker.io)")
        subprocess.run(["bash", str(ENGINE_SCRIPT), "start"], check=True, capture_output=True, text=True, timeout=60)
        started = True
        engine = connect()
    saved_mode = os.environ.get("MLFUNC_WIZARD_BASE_IMAGE")
    os.environ["MLFUNC_WIZARD_BASE_IMAGE"] = "stand-in"
    try:
        yield engine
    finally:
        engine.close()
        if saved_mode is None:
            os.environ.pop("MLFUNC_WIZARD_BASE_IMAGE", None)
        else:
            os.environ["MLFUNC_WIZARD_BASE_IMAGE"] = saved_mode
        if started:
            subprocess.run(["bash", str(ENGINE_SCRIPT), "stop"], check=True, capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="session")
def standin_base(docker_engine) -> str:
    """The local stand-in base image (built once per machine; a few ms when cached)."""
    from wizard.containers.base_image import ensure_base_image

    return ensure_base_image(docker_engine, "3.11", log=lambda line: None, cancel_event=threading.Event(),
                             mode="stand-in").ref
