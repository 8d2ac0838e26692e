"""The image the function app is built on: the official Functions image when it can be pulled in 15 s, else a local stand-in.

The stand-in is Debian bookworm (mmdebstrap → `docker import`, cached per machine) plus the project's local
functions host, laid out like mcr.microsoft.com/azure-functions/python: the app in /home/site/wwwroot, its
packages in /home/site/wwwroot/.python_packages, `pip` on PATH, the server on ASPNETCORE_URLS (default port 80).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from docker.errors import DockerException, ImageNotFound
from requests.exceptions import RequestException

from wizard.containers.build import PLATFORM, BuildResult, build_image, stream_call
from wizard.containers.engine import Engine
from wizard.containers.paths import cache_home
from wizard.containers.proc import run_streamed
from wizard.containers.wheelhouse import ensure_wheelhouse, link_into
from wizard.core.errors import WizardError
from wizard.i18n import _

OFFICIAL_REPO = "mcr.microsoft.com/azure-functions/python"
STANDIN_REPO = "mlfunc-wizard/functions-python"
RUNTIME_REPO = "mlfunc-wizard/functions-python-runtime"  # the stand-in without the functions host
ROOTFS_IMAGE = "mlfunc-wizard/bookworm-rootfs:latest"
STANDIN_PYTHON = "3.11"  # Debian bookworm's python3
PULL_TIMEOUT_S = 15.0
# auto (pull, else the stand-in) | stand-in (never pull: tests, benchmarks, offline machines) | official
MODE_VAR = "MLFUNC_WIZARD_BASE_IMAGE"
HOST_DISTRIBUTIONS = ("uvicorn", "starlette")

ENTRYPOINT = '''"""Stand-in for the Functions host's start-up: serve $AzureWebJobsScriptRoot on $ASPNETCORE_URLS (like the real image)."""
import os, sys
from urllib.parse import urlsplit

url = os.environ.get("ASPNETCORE_URLS", "http://+:80").split(";")[0].replace("+", "0.0.0.0").replace("*", "0.0.0.0")
parts = urlsplit(url)
root = os.environ.get("AzureWebJobsScriptRoot", "/home/site/wwwroot")
packages = os.path.join(root, ".python_packages", "lib", "site-packages")
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (packages, os.environ.get("PYTHONPATH", "")) if p)
os.chdir(root)
argv = [sys.executable, "/opt/mlfunc-host/{entry}", root, "--host", parts.hostname or "0.0.0.0", "--port", str(parts.port or 80)]
os.execv(sys.executable, argv)
'''

# Two layers of images, so that a change of the functions host (wizard/funchost) is a thin last layer: the runtime
# (Debian, Python, the host's pinned packages) changes only with those pins; the host's files go on top of it (the
# stand-in), and on top of each app image built on the runtime (add_host_layer): a host change rebuilds only that.
RUNTIME_DOCKERFILE = """# The mlfunc-wizard stand-in runtime for {official}:4-python3.11, without the functions host.
ARG ROOTFS={rootfs}
FROM ${{ROOTFS}}
ENV LANG=C.UTF-8 \\
    PATH=/opt/python/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \\
    AzureWebJobsScriptRoot=/home/site/wwwroot \\
    ASPNETCORE_URLS=http://+:80 \\
    FUNCTIONS_WORKER_RUNTIME=python \\
    PYTHONUNBUFFERED=1
COPY wheels /tmp/host-wheels
RUN python3 -m venv /opt/python \\
 && /opt/python/bin/pip install --no-cache-dir --disable-pip-version-check --no-index --find-links /tmp/host-wheels {pins} \\
 && rm -rf /tmp/host-wheels && mkdir -p /home/site/wwwroot
WORKDIR /home/site/wwwroot
EXPOSE 80
"""

DOCKERFILE = """# The local functions host on {what}: the stand-in for {official}:4-python3.11 (no access to
# mcr.microsoft.com) when FROM_IMAGE is the runtime, or an app image built on the runtime.
ARG FROM_IMAGE={runtime}
FROM ${{FROM_IMAGE}}
COPY host /opt/mlfunc-host
COPY entrypoint.py /opt/mlfunc-entrypoint.py
LABEL io.mlfunc.stand-in="true" io.mlfunc.host-hash="{host_hash}"
CMD ["python", "/opt/mlfunc-entrypoint.py"]
"""


class BaseImageError(WizardError):
    """The base image cannot be had; the message says what to do."""


@dataclass
class BaseImage:
    ref: str  # what BASE_IMAGE is set to
    kind: str  # "official" | "stand-in"
    reason: str  # one sentence for the log: which base and why


def official_ref(python_version: str) -> str:
    return f"{OFFICIAL_REPO}:4-python{python_version}"


def host_source() -> tuple[Path, list[Path], str]:
    """The local functions host's files and the file to run by path (wizard/funchost, or the older wizard/appgen/host*.py)."""
    wizard_dir = Path(__file__).resolve().parent.parent
    funchost = wizard_dir / "funchost"
    if (funchost / "run_host.py").is_file():
        return funchost, sorted(funchost.glob("*.py")), "run_host.py"
    appgen = wizard_dir / "appgen"
    return appgen, sorted(appgen.glob("host*.py")), "host.py"


def host_pins() -> list[str]:
    pins = []
    for dist in HOST_DISTRIBUTIONS:
        try:
            pins.append(f"{dist}=={importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            pins.append(dist)
    return pins


def runtime_ref() -> str:
    """Tagged by a hash of its Dockerfile and the host's pins: the same for every change of the host's own code."""
    digest = hashlib.sha256(RUNTIME_DOCKERFILE.encode() + "\n".join(host_pins()).encode())
    return f"{RUNTIME_REPO}:py{STANDIN_PYTHON}-{digest.hexdigest()[:12]}"


def standin_ref() -> str:
    """Tagged by a hash of the host's code and its runtime, so a changed host builds a new stand-in (a thin layer)."""
    _source, files, entry = host_source()
    digest = hashlib.sha256(DOCKERFILE.encode() + ENTRYPOINT.encode() + entry.encode() + runtime_ref().encode())
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"{STANDIN_REPO}:py{STANDIN_PYTHON}-{digest.hexdigest()[:12]}"


def image_exists(engine: Engine, ref: str) -> bool:
    try:
        engine.client.inspect_image(ref)
        return True
    except ImageNotFound:
        return False
    except (DockerException, RequestException):
        return False


def try_pull(engine: Engine, ref: str, *, log: Callable[[str], None], timeout_s: float = PULL_TIMEOUT_S) -> bool:
    """Pull `ref` with its progress streamed; give up after `timeout_s` (the stream is closed, the pull dropped)."""
    repo, _sep, tag = ref.rpartition(":")
    expired = threading.Event()
    timer = threading.Timer(timeout_s, expired.set)
    timer.daemon = True
    timer.start()
    failed = ""
    try:
        for chunk in stream_call(engine, lambda: engine.client.pull(repo, tag=tag, stream=True, decode=True), expired):
            if "error" in chunk:
                failed = chunk["error"]
            elif chunk.get("status"):
                log(" ".join(str(chunk[k]) for k in ("id", "status", "progress") if chunk.get(k)))
    except (DockerException, RequestException, OSError) as exc:
        failed = str(exc)
    finally:
        timer.cancel()
    if expired.is_set():
        log(_("Pulling {image} took more than {seconds} s; using the local stand-in instead.").format(
            image=ref, seconds=f"{timeout_s:.0f}"))
        return False
    if failed:
        log(_("Could not pull {image} ({error}).").format(image=ref, error=failed.strip()[:200]))
        return False
    return image_exists(engine, ref)


def ensure_rootfs(engine: Engine, *, log: Callable[[str], None], cancel_event: threading.Event | None) -> str:
    """The Debian bookworm base (python3, python3-venv, ca-certificates), imported once per engine from a cached tar."""
    if image_exists(engine, ROOTFS_IMAGE):
        return ROOTFS_IMAGE
    folder = cache_home() / "base"
    folder.mkdir(parents=True, exist_ok=True)
    tar = folder / "bookworm-rootfs.tar"
    if not tar.is_file():
        if not shutil.which("mmdebstrap"):
            raise BaseImageError(_("mmdebstrap is not installed, so the local base image cannot be made; run "
                                   "`sudo apt-get install -y mmdebstrap` (or scripts/setup.sh) and try again."))
        tmp = folder / f".bookworm-rootfs-{os.getpid()}.tar"
        log(_("Making a Debian bookworm root file system with mmdebstrap (about 30 s, once per machine)."))
        try:
            run_streamed(["mmdebstrap", "--variant=apt", "--format=tar",
                          "--include=python3,python3-venv,ca-certificates", "bookworm", str(tmp)],
                         log=log, cancel_event=cancel_event, what="mmdebstrap")
            os.replace(tmp, tar)
        finally:
            tmp.unlink(missing_ok=True)
    log(_("Importing {tar} as {image}.").format(tar=tar, image=ROOTFS_IMAGE))
    repo, _sep, tag = ROOTFS_IMAGE.rpartition(":")
    try:
        engine.client.import_image_from_file(str(tar), repository=repo, tag=tag)
    except (DockerException, RequestException, OSError) as exc:
        raise BaseImageError(_("Docker could not import the base root file system ({error}); check the engine's "
                               "log.").format(error=exc)) from None
    if not image_exists(engine, ROOTFS_IMAGE):
        raise BaseImageError(_("Docker did not keep the imported base root file system; check the engine's log and "
                               "retry."))
    return ROOTFS_IMAGE


def ensure_runtime(engine: Engine, *, log: Callable[[str], None], cancel_event: threading.Event | None = None) -> str:
    ref = runtime_ref()
    if image_exists(engine, ref):
        return ref
    rootfs = ensure_rootfs(engine, log=log, cancel_event=cancel_event)
    wheels = ensure_wheelhouse(host_pins(), STANDIN_PYTHON, log=log, cancel_event=cancel_event)
    with tempfile.TemporaryDirectory(prefix="mlfunc-runtime-") as tmp:
        context = Path(tmp)
        link_into(wheels, context / "wheels")
        (context / "Dockerfile").write_text(RUNTIME_DOCKERFILE.format(official=OFFICIAL_REPO, rootfs=rootfs,
                                                                      pins=" ".join(host_pins())), encoding="utf-8")
        build_image(engine, context, tags=[ref], on_line=log, cancel_event=cancel_event, network_mode="none",
                    platform=None)
    return ref


def _host_context(context: Path, what: str) -> None:
    """The build context of the host layer: the host's files, the entry point and the Dockerfile."""
    _source, files, entry = host_source()
    (context / "host").mkdir()
    for path in files:
        shutil.copyfile(path, context / "host" / path.name)
    (context / "entrypoint.py").write_text(ENTRYPOINT.replace("{entry}", entry), encoding="utf-8")
    (context / "Dockerfile").write_text(DOCKERFILE.format(what=what, official=OFFICIAL_REPO, runtime=runtime_ref(),
                                                          host_hash=standin_ref().rsplit("-", 1)[1]), encoding="utf-8")


def ensure_standin(engine: Engine, *, log: Callable[[str], None], cancel_event: threading.Event | None = None) -> str:
    ref = standin_ref()
    if image_exists(engine, ref):
        return ref
    source, _files, _entry = host_source()
    log(_("Building the local stand-in base image {ref} (Debian bookworm, Python {python}, the local functions "
          "host from {folder}/).").format(ref=ref, python=STANDIN_PYTHON, folder=source.name))
    ensure_runtime(engine, log=log, cancel_event=cancel_event)
    with tempfile.TemporaryDirectory(prefix="mlfunc-standin-") as tmp:
        _host_context(Path(tmp), "the runtime")
        build_image(engine, Path(tmp), tags=[ref, f"{STANDIN_REPO}:latest"], on_line=log, cancel_event=cancel_event,
                    network_mode="none", platform=None)
    return ref


def host_on_top(engine: Engine, base_ref: str) -> str | None:
    """For the current stand-in: the runtime to build an app image on (its host then goes on top with
    add_host_layer, so a host change rebuilds one thin layer); None for any other base (built on as it is)."""
    if base_ref != standin_ref():
        return None
    runtime = runtime_ref()
    return runtime if image_exists(engine, runtime) else None


def add_host_layer(engine: Engine, image: str, *, tags: list[str], labels: dict[str, str],
                   on_line: Callable[[str], None], cancel_event: threading.Event | None = None) -> BuildResult:
    """The local functions host as the last layer of `image` (an app image built on the runtime)."""
    with tempfile.TemporaryDirectory(prefix="mlfunc-host-layer-") as tmp:
        _host_context(Path(tmp), "an app image")
        return build_image(engine, Path(tmp), tags=tags, on_line=on_line, cancel_event=cancel_event,
                           buildargs={"FROM_IMAGE": image}, labels=labels, network_mode="none", platform=PLATFORM)


def ensure_base_image(engine: Engine, python_version: str, *, log: Callable[[str], None],
                      cancel_event: threading.Event | None = None, mode: str | None = None) -> BaseImage:
    """Which BASE_IMAGE to build on, made available in `engine`; says in `reason` which one and why."""
    mode = (mode or os.environ.get(MODE_VAR) or "auto").lower()
    official = official_ref(python_version)
    if mode in ("auto", "official"):
        if image_exists(engine, official):
            return BaseImage(official, "official", _("Base image: {image} (already in the engine).").format(image=official))
        log(_("Pulling {image} (at most {seconds} s).").format(image=official, seconds=f"{PULL_TIMEOUT_S:.0f}"))
        if try_pull(engine, official, log=log):
            return BaseImage(official, "official", _("Base image: {image} (pulled).").format(image=official))
        if mode == "official":
            raise BaseImageError(_("{image} could not be pulled; check the network or a proxy, or set {var}=auto to "
                                   "use the local stand-in.").format(image=official, var=MODE_VAR))
        why = _("{image} could not be pulled").format(image=official)
    elif mode in ("stand-in", "standin"):
        why = f"{MODE_VAR}={mode}"
    else:
        raise BaseImageError(_("{var} is {mode}; use auto, stand-in or official.").format(var=MODE_VAR, mode=repr(mode)))
    if python_version != STANDIN_PYTHON:
        raise BaseImageError(_(
            "The local stand-in base image has Debian bookworm's Python {standin}, not {python}; set "
            "function.python_version to {standin}, or make {image} pullable.").format(
            standin=STANDIN_PYTHON, python=python_version, image=official))
    ref = ensure_standin(engine, log=log, cancel_event=cancel_event)
    return BaseImage(ref, "stand-in", _("Base image: the local stand-in {ref} (Debian bookworm + the local functions "
                                        "host), because {why}.").format(ref=ref, why=why))
