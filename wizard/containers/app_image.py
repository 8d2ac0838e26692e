"""Build the generated function app's image: a context of the app plus its wheelhouse, BASE_IMAGE as a build arg."""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path
from typing import Callable

from wizard.containers.base_image import add_host_layer, host_on_top
from wizard.containers.build import PLATFORM, TAIL_LINES, BuildResult, build_image
from wizard.containers.engine import Engine
from wizard.containers.wheelhouse import ensure_wheelhouse, link_into
from wizard.i18n import _

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
        # On the local stand-in: build on its runtime, then add the host as the last layer (a host change rebuilds
        # only that layer). The Dockerfile is the same; any other base is built on as it is.
        runtime = host_on_top(engine, base_image)
        buildargs = {"BASE_IMAGE": runtime or base_image, "PROFILE_HASH": profile_hash}  # PROFILE_HASH: a label
        labels = {DEPLOYMENT_LABEL: deployment}
        app = build_image(
            engine, context, tags=[] if runtime else [tag], on_line=on_line, on_step=on_step,
            cancel_event=cancel_event, buildargs=buildargs, labels=labels,
            # No network with a wheelhouse: the build can only use what was tested here.
            network_mode="none" if wheels is not None else "host", platform=PLATFORM, nocache=nocache,
        )
    if not runtime:
        return app
    top = add_host_layer(engine, app.image_id, tags=[tag], labels=labels, cancel_event=cancel_event,
                         on_line=lambda line: on_line(_("host layer: {line}").format(line=line)))
    return BuildResult(image_id=top.image_id, tags=[tag], lines=app.lines + top.lines, seconds=app.seconds + top.seconds,
                       tail=(app.tail + top.tail)[-TAIL_LINES:])
