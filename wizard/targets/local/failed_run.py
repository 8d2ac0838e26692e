"""After a failed local deploy: say which of its processes still run and how to remove them; after a failed FIRST
run, stop the processes that run started (each identity-checked by processes.stop_owned)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable

from wizard.i18n import _
from wizard.profile import Profile
from wizard.targets.local import processes
from wizard.targets.local import resource_group as rg

logger = logging.getLogger(__name__)

Snapshot = frozenset[tuple[int, Any]]


def _folder(profile: Profile) -> Path | None:
    try:
        folder = rg.group_dir(profile.resource_group.name)
    except rg.ResourceGroupError:
        return None
    return folder if rg.is_ours(folder) else None


def _mine(profile: Profile, folder: Path) -> list[dict[str, Any]]:
    """Running processes of this deployment's own resources (a shared group may hold other deployments')."""
    from wizard.targets.local.status import owned_processes

    names = {profile.cache.name, profile.function.app_name}
    return [p for p in owned_processes(folder) if p["alive"] and p.get("resource") in names]


def _key(p: dict[str, Any]) -> tuple[int, Any]:
    return p["pid"], (p.get("identity") or {}).get("start_time")


def snapshot(profile: Profile) -> Snapshot:
    """The deployment's processes running before a run (so a failed first run stops only what it started)."""
    try:
        folder = _folder(profile)
        return frozenset(_key(p) for p in _mine(profile, folder)) if folder else frozenset()
    except Exception:  # a snapshot must never keep a deploy from starting
        logger.warning("could not list the running processes before the deploy", exc_info=True)
        return frozenset()


def _describe(p: dict[str, Any]) -> str:
    return f"{p['role']} {p['resource']}/{p['node']} (pid {p['pid']}, port {p['port']})"


def after_failed_run(profile: Profile, before: Snapshot | None, *, first_run: bool,
                     log: Callable[[str], None]) -> list[dict[str, Any]]:
    """Stop what a failed first run started; then say what still runs and how to remove it. Returns what runs."""
    try:
        folder = _folder(profile)
        if folder is None:
            return []
        running = _mine(profile, folder)
        if first_run:
            for p in running:
                if _key(p) in (before or frozenset()) or not p["ours"]:
                    continue
                if processes.stop_owned(p, timeout=5.0, log=log):
                    log(_("Stopped {process}: the first deploy of '{name}' failed, so what it started does not keep "
                          "running.").format(process=_describe(p), name=profile.name))
            running = _mine(profile, folder)
        if running:
            log(_("Still running after the failed deploy: {processes}. Run deploy again to finish, or remove them "
                  "with `mlfunc-wizard destroy {name}`.").format(
                processes="; ".join(_describe(p) for p in running), name=profile.name))
        return running
    except Exception:  # the deploy's own failure is what the user must see
        logger.warning("could not check the processes after the failed deploy", exc_info=True)
        return []
