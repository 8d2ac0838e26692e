"""The container sub-commands of mlfunc-wizard: `base-image` (get or build the base) and `prune` (old app images, unused package environments)."""

from __future__ import annotations

import argparse
import sys
import threading
from typing import Any, Callable

from wizard.i18n import _

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
    """Remove old app images no container uses (of one deployment, or of all) and unused package environments."""
    from wizard.containers.env_prune import human_size, package_envs, remove_env

    dry = bool(args.dry_run)
    freed = 0
    _prune_images(args.name, remove_used=args.all, dry=dry)
    for env in package_envs():
        if env.kept_by:
            print(_("Kept package environment {folder}: used by {users}.").format(
                folder=env.folder, users=", ".join(env.kept_by)))
            continue
        if dry:
            print(_("Would remove package environment {folder} ({size}): no deployment uses it.").format(
                folder=env.folder, size=human_size(env.size)))
        else:
            remove_env(env)
            print(_("Removed package environment {folder} ({size}).").format(folder=env.folder, size=human_size(env.size)))
        freed += env.size
    if dry:
        print(_("A prune without --dry-run would free {size} of package environments.").format(size=human_size(freed)))
    return 0


def _prune_images(name: str | None, *, remove_used: bool, dry: bool) -> None:
    """The deployment's (or every deployment's) images that no container uses; with the engine down, a sentence."""
    from docker.errors import APIError

    from wizard.containers.app_image import DEPLOYMENT_LABEL, image_repo
    from wizard.containers.engine import EngineUnavailable, connect
    from wizard.containers.env_prune import human_size

    try:
        engine = connect()
    except EngineUnavailable as exc:
        print(_("No images were pruned: {reason}").format(reason=exc.message))
        return
    try:
        in_use = {c["ImageID"] for c in engine.client.containers(all=True)}
        own = _own_sizes(engine) if dry else {}
        label = f"{DEPLOYMENT_LABEL}={name}" if name else DEPLOYMENT_LABEL
        for image in engine.client.images(filters={"label": label}):
            deployment = (image.get("Labels") or {}).get(DEPLOYMENT_LABEL, "")
            tags = [t for t in image.get("RepoTags") or [] if t.startswith(image_repo(deployment) + ":")]
            shown = ", ".join(tags) or image["Id"][:19]
            if image["Id"] in in_use and not remove_used:
                print(_("Kept image {image}: a container uses it.").format(image=shown))
                continue
            if dry:
                size = own.get(image["Id"], image.get("Size") or 0)
                print(_("Would remove image {image} ({size} of its own; the rest is shared with other images).").format(
                    image=shown, size=human_size(size)))
                continue
            try:
                for tag in tags or [image["Id"]]:
                    engine.client.remove_image(tag, force=False)
                print(_("Removed image {image}.").format(image=shown))
            except APIError as exc:  # still used by a container (with --all): say so, keep going
                print(_("Kept image {image}: {reason}").format(image=shown, reason=exc.explanation or exc))
    finally:
        engine.close()


def _own_sizes(engine: Any) -> dict[str, int]:
    """Image id -> bytes no other image shares (what removing it frees), from the engine's disk usage report."""
    from docker.errors import DockerException
    from requests.exceptions import RequestException

    try:
        report = engine.client.df()
    except (DockerException, RequestException):
        return {}
    return {i["Id"]: max(0, int(i.get("Size") or 0) - max(0, int(i.get("SharedSize") or 0)))
            for i in report.get("Images") or []}


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    p = add("base-image", "get the image function apps are built on: the official Functions image, or a local stand-in")
    p.add_argument("--python-version", default="3.11", help="the profile's function.python_version (default 3.11)")
    p.add_argument("--stand-in", action="store_true",
                   help=f"build the local stand-in without trying to pull (as {MODE_VAR}=stand-in)")
    p.set_defaults(func=cmd_base_image)

    p = add("prune", "remove old container images no container uses and package environments no deployment uses")
    p.add_argument("name", nargs="?", help="only this deployment's images (default: every deployment's)")
    p.add_argument("--dry-run", action="store_true", help="list what would be removed, with sizes; remove nothing")
    p.add_argument("--all", action="store_true", help="also the image the running container uses (it is kept while running)")
    p.set_defaults(func=cmd_prune)
