"""The container sub-commands of mlfunc-wizard: `base-image` (get or build the base) and `prune` (old app images)."""

from __future__ import annotations

import argparse
import sys
import threading
from typing import Callable

# The Docker SDK is imported only when a container command runs: other commands start as fast as before.
MODE_VAR = "MLFUNC_WIZARD_BASE_IMAGE"


def _log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def cmd_base_image(args: argparse.Namespace) -> int:
    from wizard.containers.base_image import ensure_base_image
    from wizard.containers.engine import connect

    engine = connect()
    try:
        base = ensure_base_image(engine, args.python_version, log=_log, cancel_event=threading.Event(),
                                 mode="stand-in" if args.stand_in else None)
    finally:
        engine.close()
    _log(base.reason)
    print(base.ref)
    return 0


def cmd_prune(args: argparse.Namespace) -> int:
    """Remove a deployment's images that no container uses (all of them with --all)."""
    from docker.errors import APIError

    from wizard.containers.app_image import DEPLOYMENT_LABEL, image_repo
    from wizard.containers.engine import connect

    engine = connect()
    try:
        in_use = {c["ImageID"] for c in engine.client.containers(all=True)}
        images = engine.client.images(filters={"label": f"{DEPLOYMENT_LABEL}={args.name}"})
        removed, kept = [], []
        for image in images:
            tags = [t for t in image.get("RepoTags") or [] if t.startswith(image_repo(args.name) + ":")]
            if image["Id"] in in_use and not args.all:
                kept.extend(tags)
                continue
            try:
                for tag in tags or [image["Id"]]:
                    engine.client.remove_image(tag, force=False)
                removed.extend(tags or [image["Id"][:19]])
            except APIError as exc:  # still used by a container (with --all): say so, keep going
                _log(f"Kept {', '.join(tags) or image['Id'][:19]}: {exc.explanation or exc}")
                kept.extend(tags)
    finally:
        engine.close()
    print(f"Removed {len(removed)} image(s){': ' + ', '.join(removed) if removed else ''}.")
    if kept:
        print(f"Kept (in use): {', '.join(kept)}.")
    return 0


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    p = add("base-image", "get the image function apps are built on: the official Functions image, or a local stand-in")
    p.add_argument("--python-version", default="3.11", help="the profile's function.python_version (default 3.11)")
    p.add_argument("--stand-in", action="store_true",
                   help=f"build the local stand-in without trying to pull (as {MODE_VAR}=stand-in)")
    p.set_defaults(func=cmd_base_image)

    p = add("prune", "remove a deployment's old container images (those no container uses)")
    p.add_argument("name", help="the deployment name")
    p.add_argument("--all", action="store_true", help="also the image the running container uses (it is kept while running)")
    p.set_defaults(func=cmd_prune)
