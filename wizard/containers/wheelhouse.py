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
from wizard.i18n import _

READY = ".ready"
PLATFORM_TAG = "manylinux2014_x86_64"
# pip takes platform tags literally: name each glibc level the Functions image (Debian bookworm, glibc 2.36) runs,
# newest first; current numpy / scikit-learn wheels are manylinux_2_28, older ones manylinux2014 (= 2_17).
PLATFORM_TAGS = ("manylinux_2_28_x86_64", "manylinux_2_27_x86_64", "manylinux_2_24_x86_64", PLATFORM_TAG)


def wheelhouse_key(requirements_text: str, python_version: str) -> str:
    return hashlib.sha256(f"v2 {' '.join(PLATFORM_TAGS)}\n{python_version}\n{requirements_text}".encode()).hexdigest()[:24]


def ensure_wheelhouse(requirements: list[str] | Path, python_version: str, *, log: Callable[[str], None],
                      cancel_event: threading.Event | None = None) -> Path:
    """The folder of wheels for these requirements (downloaded once per machine, then reused)."""
    if isinstance(requirements, Path):
        lines = [line.strip() for line in requirements.read_text(encoding="utf-8").splitlines()]
    else:
        lines = [line.strip() for line in requirements]
    lines = [line for line in lines if line and not line.startswith("#")]
    text = "\n".join(lines) + "\n"
    key = wheelhouse_key(text, python_version)
    folder = cache_home() / "wheels" / key
    if (folder / READY).is_file():
        log(_("Reusing the wheelhouse {folder} (cached).").format(folder=folder))
        return folder
    tmp = folder.with_name(f".{key}-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    (tmp / "requirements.txt").write_text(text, encoding="utf-8")
    log(_("Downloading the wheels for Python {python} (manylinux, x86_64) into the wheelhouse.").format(
        python=python_version))
    try:
        run_streamed([sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "--progress-bar", "off",
                      "--only-binary=:all:", *[a for t in PLATFORM_TAGS for a in ("--platform", t)], "--python-version", python_version,
                      "-d", str(tmp), "-r", str(tmp / "requirements.txt")],
                     log=log, cancel_event=cancel_event, what=_("Downloading the wheelhouse"),
                     env=dict(os.environ, PIP_NO_INPUT="1", PYTHONUNBUFFERED="1"))
        _complete_for_target(tmp, python_version, log=log, cancel_event=cancel_event)
        (tmp / "requirements.txt").unlink()
        (tmp / READY).write_text(text, encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def _target_environment(python_version: str) -> dict[str, str]:
    # X.Y.0: the oldest patch release of the target line, so back-ports that older patches need are included
    # (Debian bookworm's 3.11.2 needs async-timeout for redis; the host's 3.11.x may not).
    return {"python_version": python_version, "python_full_version": f"{python_version}.0",
            "implementation_name": "cpython", "platform_python_implementation": "CPython", "os_name": "posix",
            "sys_platform": "linux", "platform_system": "Linux", "platform_machine": "x86_64", "extra": ""}


def _missing_for_target(folder: Path, python_version: str) -> list[str]:
    """Requirements of the downloaded wheels that apply on the target but were skipped (pip evaluates
    environment markers against the host interpreter, whatever --python-version says)."""
    import zipfile

    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    env = _target_environment(python_version)
    have = {canonicalize_name(w.name.split("-")[0]) for w in folder.glob("*.whl")}
    missing: dict[str, str] = {}
    for wheel in folder.glob("*.whl"):
        with zipfile.ZipFile(wheel) as archive:
            meta = next((n for n in archive.namelist() if n.endswith(".dist-info/METADATA")), None)
            text = archive.read(meta).decode("utf-8", "replace") if meta else ""
        for line in text.split("\n\n", 1)[0].splitlines():
            if not line.startswith("Requires-Dist:"):
                continue
            try:
                req = Requirement(line.split(":", 1)[1].strip())
            except InvalidRequirement:
                continue
            if req.marker is None or not req.marker.evaluate(env):
                continue
            name = canonicalize_name(req.name)
            if name not in have:
                missing[name] = str(Requirement(f"{req.name}{req.specifier}"))
    return sorted(missing.values())


def _complete_for_target(folder: Path, python_version: str, *, log: Callable[[str], None],
                         cancel_event: threading.Event | None) -> None:
    for _round in range(3):
        missing = _missing_for_target(folder, python_version)
        if not missing:
            return
        log(_("Adding what Python {python} needs beyond this interpreter: {names}.").format(
            python=f"{python_version}.0", names=", ".join(missing)))
        run_streamed([sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "--progress-bar", "off",
                      "--only-binary=:all:", *[a for t in PLATFORM_TAGS for a in ("--platform", t)],
                      "--python-version", python_version, "-d", str(folder), *missing],
                     log=log, cancel_event=cancel_event, what=_("Downloading the wheelhouse"),
                     env=dict(os.environ, PIP_NO_INPUT="1", PYTHONUNBUFFERED="1"))


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
