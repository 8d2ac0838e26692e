"""Which package environments (the local route's virtual environments, envs/<sha>/) no deployment needs any more.

An environment is kept while a deployment's journal references it (the package step's env_sha / env_python), while a
recorded function host that is provably alive runs from it (identity check; nothing is signalled), or for
GRACE_S after it was built or last reused (its ready marker's time: a deploy may not have written its journal yet). Everything else may be removed.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard.paths import data_home
from wizard.targets.local import function_host, processes
from wizard.targets.local import resource_group as rg
from wizard.targets.local.packaging import READY_MARKER, env_cache_dir

GRACE_S = 600.0
_HEX = set("0123456789abcdef")


@dataclass
class PackageEnv:
    folder: Path
    size: int  # bytes on disk (files, not following links)
    kept_by: list[str]  # why it stays; empty: unused, may be removed

    @property
    def sha(self) -> str:
        return self.folder.name


def folder_size(folder: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(folder, followlinks=False):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total


def human_size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size < 1e9 else f"{size / 1e9:.2f} GB"


def _env_of(value: Any, cache: Path) -> str | None:
    """The environment folder name an output value points into (an env_python path), if any."""
    if not isinstance(value, str) or not value:
        return None
    try:
        rel = Path(os.path.abspath(value)).relative_to(os.path.abspath(cache))
    except ValueError:
        return None
    return rel.parts[0] if rel.parts else None


def _walk_outputs(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key), item
            yield from _walk_outputs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk_outputs(item)


def referenced_by_journals(cache: Path) -> dict[str, list[str]]:
    """env folder name -> the deployments whose journal references it (any step, finished or not)."""
    from wizard.core.journal import read

    found: dict[str, list[str]] = {}
    root = data_home() / "deployments"
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        journal = read(folder) if folder.is_dir() else None
        if journal is None:
            continue
        names: set[str] = set()
        for record in journal.steps.values():
            for key, value in _walk_outputs(record.outputs):
                if key == "env_sha" and isinstance(value, str) and value:
                    names.add(value)
                elif key in ("env_python", "python"):
                    name = _env_of(value, cache)
                    if name:
                        names.add(name)
        for name in names:
            found.setdefault(name, []).append(folder.name)
    return found


def in_use_by_hosts(cache: Path) -> dict[str, list[str]]:
    """env folder name -> the live function hosts (of any local group) that run from it, proven by identity."""
    found: dict[str, list[str]] = {}
    for group in rg.list_groups():
        for state_file in sorted((group / "functions").glob(f"*/{function_host.STATE}")):
            app = state_file.parent.name
            state = function_host.read_state(group, app)
            if state is None or state.pid <= 0:
                continue
            name = _env_of(state.python, cache)
            if not name:
                continue
            record = {"pid": state.pid, "identity": state.identity, "role": "function-host"}
            if processes.is_owned(record):  # alive and provably that host: reads /proc only, signals nothing
                found.setdefault(name, []).append(f"{group.name}/{app} (pid {state.pid})")
    return found


def package_envs(now: float | None = None) -> list[PackageEnv]:
    """Every finished environment in the cache, with why it is kept (empty: unused)."""
    cache = env_cache_dir()
    now = time.time() if now is None else now
    journals = referenced_by_journals(cache)
    hosts = in_use_by_hosts(cache)
    envs = []
    for folder in sorted(cache.iterdir()):
        # Only finished environments (<sha256>/): build folders (.build-*) and lock files are the builder's.
        if not folder.is_dir() or len(folder.name) != 64 or not set(folder.name) <= _HEX:
            continue
        kept = [f"deployment {d}" for d in journals.get(folder.name, [])]
        kept += [f"running function host {h}" for h in hosts.get(folder.name, [])]
        marker = folder / READY_MARKER
        try:
            built = marker.stat().st_mtime if marker.exists() else folder.stat().st_mtime
        except OSError:
            built = now
        if not kept and now - built < GRACE_S:
            kept.append("built or reused in the last few minutes (a deploy may be recording it)")
        envs.append(PackageEnv(folder, folder_size(folder), kept))
    return envs


def remove_env(env: PackageEnv) -> None:
    """Rename first (a deploy then sees no ready environment and builds it again), then delete."""
    doomed = env.folder.with_name(f".prune-{env.sha[:16]}-{os.getpid()}")
    os.rename(env.folder, doomed)
    shutil.rmtree(doomed, ignore_errors=True)
