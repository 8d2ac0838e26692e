"""The local package: the generated app plus a Python environment built from its requirements.

Environments are keyed by the sha256 of what they install and kept under data_home()/envs/<sha>/
(or $MLFUNC_WIZARD_ENV_CACHE): the "warm package cache" every later deployment reuses. A build
goes into a temporary folder that is renamed into place only when pip succeeded, so a killed or
cancelled build never leaves half an environment. Each build folder has a lock file beside it, held while the
build runs: any run removes the build folders whose lock is free (their builder died), never judged by PID.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from wizard import interpreter
from wizard.core.errors import WizardError
from wizard.i18n import _
from wizard.paths import data_home
from wizard.targets.base import Cancelled
from wizard.targets.local import processes

logger = logging.getLogger(__name__)

ENV_CACHE_VAR = "MLFUNC_WIZARD_ENV_CACHE"
READY_MARKER = ".mlfunc-env-ready"
# What the local functions host itself needs on top of the app's requirements.
HOST_DISTRIBUTIONS = ("uvicorn", "starlette")


class PackageError(WizardError):
    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.detail = detail


@dataclass
class AppEnv:
    python: Path  # the interpreter that runs the host
    sha: str  # "" for the fallback
    folder: Path | None
    reused: bool
    fallback: bool  # True: the wizard's own interpreter (the env could not be built)


def env_cache_dir() -> Path:
    override = os.environ.get(ENV_CACHE_VAR)
    folder = Path(override) if override else data_home() / "envs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def env_requirements(requirements_file: Path) -> str:
    """requirements.txt plus the host's own pins (this installation's versions, which the host was tested with)."""
    text = requirements_file.read_text(encoding="utf-8")
    extra = []
    for dist in HOST_DISTRIBUTIONS:
        try:
            extra.append(f"{dist}=={importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            extra.append(dist)
    return text.rstrip("\n") + "\n# local functions host\n" + "\n".join(extra) + "\n"


def env_sha(requirements_text: str) -> str:
    # The interpreter version is part of the key: wheels built for 3.11 do not serve 3.12.
    tag = f"{sys.implementation.name}-{sys.version_info.major}.{sys.version_info.minor}-{sys.platform}\n"
    return hashlib.sha256((tag + requirements_text).encode("utf-8")).hexdigest()


def env_python(folder: Path) -> Path:
    return folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ready_env(sha: str) -> Path | None:
    """The finished environment for `sha`, marked as used now: `prune` keeps an environment built or reused in
    its grace period, so a deploy that has just picked it (and not yet journaled it) keeps it."""
    folder = env_cache_dir() / sha
    marker = folder / READY_MARKER
    if marker.is_file() and env_python(folder).exists():
        try:
            os.utime(marker)
        except OSError:  # a read-only cache still serves; prune then judges by the build time
            pass
        return folder
    return None


def ensure_env(
    requirements_file: Path,
    *,
    log: Callable[[str], None],
    cancel_event: threading.Event,
    allow_fallback: bool = True,
) -> AppEnv:
    """The environment for these requirements: reused when cached, else built (cancellable)."""
    text = env_requirements(requirements_file)
    sha = env_sha(text)
    remove_stale_builds(env_cache_dir(), log=log)
    found = ready_env(sha)
    if found:
        log(_("Reusing the package environment {found} (cached).").format(found=found))
        return AppEnv(env_python(found), sha, found, reused=True, fallback=False)
    cache = env_cache_dir()
    lock_path = cache / f"{sha}.lock"
    with open(lock_path, "a+") as lock:
        # Two deployments with the same requirements build once: the second waits, then reuses.
        waited = False
        while True:
            try:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if not waited:
                    log(_("Another deployment is building the same environment; waiting for it."))
                    waited = True
                if cancel_event.wait(0.2):
                    raise Cancelled() from None
        try:
            found = ready_env(sha)
            if found:
                log(_("Reusing the package environment {found} (built by another deployment).").format(found=found))
                return AppEnv(env_python(found), sha, found, reused=True, fallback=False)
            try:
                folder = _build(sha, text, log=log, cancel_event=cancel_event)
            except PackageError as exc:
                if not allow_fallback or interpreter.is_frozen():  # a bundle's executable is no interpreter
                    raise
                log(_("{error} Falling back to the wizard's own interpreter ({executable}), which has the same "
                      "packages; run deploy again later to build the isolated environment.").format(
                    error=exc, executable=sys.executable))
                return AppEnv(Path(sys.executable), "", None, reused=False, fallback=True)
            return AppEnv(env_python(folder), sha, folder, reused=False, fallback=False)
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def _build(sha: str, requirements_text: str, *, log: Callable[[str], None], cancel_event: threading.Event) -> Path:
    cache = env_cache_dir()
    final = cache / sha
    tmp = cache / f".build-{sha[:16]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    lock_file = _lock_path(tmp)
    # Locked before the folder exists and until it is gone: a folder whose lock is free has no builder.
    lock = open(lock_file, "a+")
    fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
    if final.exists():  # a folder without the ready marker: an old, broken build
        shutil.rmtree(final, ignore_errors=True)
    try:
        log(_("Building the package environment for requirements {sha} in {final}.").format(
            sha=sha[:12], final=final))
        # A frozen bundle cannot lend its pip: the environment gets its own from a system Python.
        pip_here = _has_pip() and not interpreter.is_frozen()
        try:
            base = interpreter.venv_python("%d.%d" % sys.version_info[:2])
        except WizardError as exc:
            raise PackageError(exc.message) from None
        venv_cmd = [str(base), "-m", "venv"] + (["--without-pip"] if pip_here else []) + [str(tmp)]
        _stream(venv_cmd, log=log, cancel_event=cancel_event, what=_("Creating the virtual environment"))
        req_file = tmp / "requirements.txt"
        req_file.write_text(requirements_text, encoding="utf-8")
        target_python = env_python(tmp)
        if pip_here:
            # The wizard's own pip installs into the new env: no ensurepip, a few seconds saved.
            pip_cmd = [sys.executable, "-m", "pip", "--python", str(target_python)]
        else:
            pip_cmd = [str(target_python), "-m", "pip"]
        pip_cmd += ["install", "--progress-bar", "off", "--retries", "2", "-r", str(req_file)]
        _stream(pip_cmd, log=log, cancel_event=cancel_event, what=_("Installing the requirements"))
        (tmp / READY_MARKER).write_text(requirements_text, encoding="utf-8")
        try:
            os.rename(tmp, final)
        except OSError:
            if ready_env(sha):  # someone else finished the same env meanwhile
                shutil.rmtree(tmp, ignore_errors=True)
            else:
                raise
        log(_("Package environment ready: {final}.").format(final=final))
        return final
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        _unlink(lock_file)
        lock.close()


def _lock_path(build_folder: Path) -> Path:
    return build_folder.with_name(build_folder.name + ".lock")


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


LEGACY_STALE_AFTER_S = 3600.0  # folders of older versions (no lock file): only when their PID is gone, and old


def remove_stale_builds(cache: Path, log: Callable[[str], None] | None = None) -> list[Path]:
    """Remove build folders (of any requirements) left by builds that died (a killed deploy); returns them.
    A folder is stale when its lock file can be locked: the builder holds it until the folder is gone, and the
    kernel drops it when the builder dies. Deployments share this cache, so a PID alone never decides."""
    removed = []
    for folder in sorted(cache.glob(".build-*")):
        if folder.name.endswith(".lock"):
            if not folder.with_name(folder.name[: -len(".lock")]).exists():
                _remove_if_free(folder, None)  # a lock whose folder is gone
            continue
        if not folder.is_dir():
            continue
        lock_file = _lock_path(folder)
        if lock_file.exists():
            if _remove_if_free(lock_file, folder):
                removed.append(folder)
        elif _legacy_stale(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    for folder in removed:
        if log:
            log(_("Removed the unfinished package build {folder} (its build was interrupted).").format(
                folder=folder))
    return removed


def remove_stale_builds_quietly() -> None:
    """remove_stale_builds on the package cache at the start of every deploy; never keeps a deploy from starting."""
    try:
        for folder in remove_stale_builds(env_cache_dir()):
            logger.info("removed the unfinished package build %s", folder)
    except OSError as exc:
        logger.warning("could not look for unfinished package builds: %s", exc)


def _remove_if_free(lock_file: Path, folder: Path | None) -> bool:
    try:
        fh = open(lock_file, "a+")
    except OSError:
        return False
    with fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # a build is running in it
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        _unlink(lock_file)
        return True


def _legacy_stale(folder: Path) -> bool:
    """A build folder of a version without lock files (`.build-<sha16>-<pid>`): gone PID and over an hour old."""
    try:
        pid = int(folder.name.split("-")[2])
        age = time.time() - folder.stat().st_mtime
    except (IndexError, ValueError, OSError):
        return False
    return age > LEGACY_STALE_AFTER_S and not processes.pid_alive(pid)


def _has_pip() -> bool:
    try:
        importlib.metadata.version("pip")
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def _stream(argv: list[str], *, log: Callable[[str], None], cancel_event: threading.Event, what: str) -> None:
    """Run a child, passing each output line to `log` as it comes; cancel kills it (and its children).
    The child runs under child_guard: leader of its own process group, which dies with us (even on kill -9)."""
    marker = f"package-build-{uuid.uuid4()}"
    env = dict(os.environ, PYTHONUNBUFFERED="1", PIP_NO_INPUT="1", **{processes.GROUP_ENV: marker})
    guarded = [*interpreter.helper_command("wizard.targets.local.child_guard"), str(os.getpid()), "--", *argv]
    proc = subprocess.Popen(
        guarded, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True, bufsize=1,
        env=env, start_new_session=True,
    )
    record = {"pid": proc.pid, "identity": processes.identify(proc.pid, marker), "role": "package build"}
    tail = processes.follow_output(proc, log=log, cancel_event=cancel_event, kill=lambda: _kill_group(proc, record))
    if cancel_event.is_set():
        raise Cancelled()
    if proc.returncode != 0:
        raise PackageError(_("{what} failed (exit code {returncode}).").format(
            what=what, returncode=proc.returncode), detail="\n".join(tail))


def _kill_group(proc: subprocess.Popen, record: dict) -> None:
    # Not reaped yet, so the PID cannot have been recycled; the identity check still runs (one place signals).
    if proc.poll() is None:
        processes.signal_owned(record, signal.SIGKILL, process_group=True)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:  # pragma: no cover
        pass
