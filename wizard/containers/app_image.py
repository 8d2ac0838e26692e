"""Build the generated function app's image: a context of the app plus its wheelhouse, BASE_IMAGE as a build arg."""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path
from typing import Callable

from wizard.containers.base_image import deps_image
from wizard.containers.build import PLATFORM, BuildResult, build_image
from wizard.containers.engine import Engine
from wizard.containers.wheelhouse import ensure_wheelhouse, link_into

DEPLOYMENT_LABEL = "io.mlfunc.deployment"


def image_repo(deployment: str) -> str:
    return f"mlfunc-wizard/{deployment}"


def build_app_image(
    engine: Engine,
    app_dir: Path,
    *,
    tag: str,
    base_image: str,
    python_version: str,
    deployment: str,
    profile_hash: str = "",
    on_line: Callable[[str], None],
    log: Callable[[str], None] | None = None,
    on_step: Callable[[int, int], None] | None = None,
    cancel_event: threading.Event | None = None,
    wheelhouse: bool = True,
    work_dir: Path | None = None,
    nocache: bool = False,
) -> BuildResult:
    """Build `app_dir`'s Dockerfile for linux/amd64 on `base_image`. With `wheelhouse`, pip inside the build needs no network."""
    log = log or on_line
    wheels = ensure_wheelhouse(app_dir / "requirements.txt", python_version, log=log, cancel_event=cancel_event) \
        if wheelhouse else None
    with tempfile.TemporaryDirectory(prefix="mlfunc-image-", dir=work_dir) as tmp:
        context = Path(tmp) / "context"
        shutil.copytree(app_dir, context, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "wheels"))
        if wheels is not None:
            link_into(wheels, context / "wheels")
        buildargs = {"BASE_IMAGE": base_image, "PROFILE_HASH": profile_hash}  # PROFILE_HASH: a label, not content
        deps = deps_image(engine, base_image)
        if deps:  # the local stand-in: requirements go on its runtime, so a host change keeps them cached
            buildargs["DEPS_IMAGE"] = deps
        return build_image(
            engine, context, tags=[tag], on_line=on_line, on_step=on_step, cancel_event=cancel_event,
            buildargs=buildargs, labels={DEPLOYMENT_LABEL: deployment},
            # No network with a wheelhouse: the build can only use what was tested here.
            network_mode="none" if wheels is not None else "host", platform=PLATFORM, nocache=nocache,
        )
