"""A wheelhouse for image builds: `pip download` on the host for manylinux/amd64 and the target Python, cached by content.

The host can reach and verify the package index where a build container may not (a TLS-intercepting proxy,
no network); the Dockerfile then installs `--no-index` from these exact wheels.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import threading
from pathlib import Path
from typing import Callable

from wizard.containers.paths import cache_home
from wizard.containers.proc import run_streamed

READY = ".ready"
PLATFORM_TAG = "manylinux2014_x86_64"


def wheelhouse_key(requirements_text: str, python_version: str) -> str:
    return hashlib.sha256(f"{PLATFORM_TAG}\n{python_version}\n{requirements_text}".encode()).hexdigest()[:24]


def ensure_wheelhouse(requirements: list[str] | Path, python_version: str, *, log: Callable[[str], None],
                      cancel_event: threading.Event | None = None) -> Path:
    """The folder of wheels for these requirements (downloaded once per machine, then reused)."""
    if isinstance(requirements, Path):
        lines = [l.strip() for l in requirements.read_text(encoding="utf-8").splitlines()]
    else:
        lines = [l.strip() for l in requirements]
    lines = [l for l in lines if l and not l.startswith("#")]
    text = "\n".join(lines) + "\n"
    key = wheelhouse_key(text, python_version)
    folder = cache_home() / "wheels" / key
    if (folder / READY).is_file():
        log(f"Reusing the wheelhouse {folder} (cached).")
        return folder
    tmp = folder.with_name(f".{key}-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    (tmp / "requirements.txt").write_text(text, encoding="utf-8")
    log(f"Downloading the wheels for Python {python_version} ({PLATFORM_TAG}) into the wheelhouse.")
    try:
        run_streamed([sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "--progress-bar", "off",
                      "--only-binary=:all:", "--platform", PLATFORM_TAG, "--python-version", python_version,
                      "-d", str(tmp), "-r", str(tmp / "requirements.txt")],
                     log=log, cancel_event=cancel_event, what="Downloading the wheelhouse",
                     env=dict(os.environ, PIP_NO_INPUT="1", PYTHONUNBUFFERED="1"))
        (tmp / "requirements.txt").unlink()
        (tmp / READY).write_text(text, encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def link_into(wheelhouse: Path, dest: Path) -> None:
    """Hard-link the wheels into a build context (copy across file systems)."""
    dest.mkdir(parents=True, exist_ok=True)
    for wheel in wheelhouse.glob("*.whl"):
        target = dest / wheel.name
        if target.exists():
            continue
        try:
            os.link(wheel, target)
        except OSError:
            shutil.copyfile(wheel, target)
