"""The per-machine cache folder for container work (private engine, base rootfs, wheelhouses)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

CACHE_VAR = "MLFUNC_WIZARD_CACHE"


def cache_home() -> Path:
    """~/.cache/mlfunc-wizard (platformdirs), or $MLFUNC_WIZARD_CACHE; shared by every deployment on this machine."""
    override = os.environ.get(CACHE_VAR)
    folder = Path(override) if override else Path(platformdirs.user_cache_dir("mlfunc-wizard", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def private_engine_socket() -> Path:
    """Where scripts/docker-engine.sh puts its engine's socket."""
    return cache_home() / "docker" / "docker.sock"
