"""A local resource group: a folder with manifest.json (tags, created-by, creation time, owned processes) and keys.json.

keys.json (mode 0600) plays the part of Azure's key store: cache access keys and function keys live
there and nowhere else (never in the journal, the profile, logs or events).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import secrets
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from wizard.core.errors import WizardError
from wizard.i18n import _
from wizard.paths import data_home
from wizard.rules import RESOURCE_GROUP_NAME_RE
from wizard.secrets import registry

CREATED_BY = "mlfunc-wizard"
MANIFEST = "manifest.json"
KEYS = "keys.json"
_LOCK = ".lock"
_thread_lock = threading.RLock()  # steps of one run update the manifest from parallel threads
_NAME = RESOURCE_GROUP_NAME_RE  # one definition with the rules: what validate accepts, this target can make


class ResourceGroupError(WizardError):
    """A sentence for the user: the folder is not ours, the name is unusable, ..."""


def groups_root() -> Path:
    return data_home() / "resource-groups"


def group_dir(name: str) -> Path:
    if not _NAME.match(name or "") or name in (".", ".."):
        raise ResourceGroupError(
            _("'{name}' cannot name a local resource group; use 1-90 letters, digits, '-', '_', '.', '(' or ')'.").format(
                name=name)
        )
    return groups_root() / name


@dataclass
class ProcessRecord:
    pid: int
    role: str  # "redis" | "function-host"
    resource: str  # cache or function app name
    node: str  # node-0 ... / "host"
    port: int | None
    log_file: str
    # What proves the PID is still ours (processes.identify): start time, executable, group marker.
    # None in manifests of older versions: such a process is never signalled.
    identity: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Exclusive access to the group's manifest and keys, across threads and processes."""
    folder.mkdir(parents=True, exist_ok=True)
    with _thread_lock:
        with open(folder / _LOCK, "a+") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_ours(folder: Path) -> bool:
    manifest = read_manifest(folder)
    return manifest is not None and manifest.get("created-by") == CREATED_BY


def refuse_if_foreign(folder: Path) -> None:
    """Raise a sentence when `folder` exists but was not made by this tool (we never touch it then)."""
    if not folder.exists():
        return
    manifest = read_manifest(folder)
    if manifest is None:
        if folder.is_dir() and not any(p.name != _LOCK for p in folder.iterdir()):
            return  # an empty folder (e.g. left by a killed first run before the manifest) is harmless
        raise ResourceGroupError(
            _("{folder} exists but has no manifest.json from mlfunc-wizard, so it was not created by this tool; "
              "nothing in it was touched. Choose another resource group name or remove the folder yourself.").format(
                folder=folder)
        )
    if manifest.get("created-by") != CREATED_BY:
        raise ResourceGroupError(
            _("{folder} was created by '{creator}', not by mlfunc-wizard; nothing in it was touched. Choose another "
              "resource group name or remove the folder yourself.").format(
                folder=folder, creator=manifest.get('created-by'))
        )


def ensure_group(name: str, tags: dict[str, str], deployment: str) -> Path:
    """Create the folder and manifest, or adopt ours and bring its tags up to date."""
    folder = group_dir(name)
    refuse_if_foreign(folder)
    with locked(folder):
        manifest = read_manifest(folder) or {
            "created-by": CREATED_BY,
            "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "name": name,
            "tags": {},
            "deployments": [],
            "processes": [],
        }
        # The marker every process of this group carries in its environment (processes.GROUP_ENV).
        manifest.setdefault("group-id", str(uuid.uuid4()))
        manifest["tags"] = dict(tags)
        if deployment not in manifest.setdefault("deployments", []):
            manifest["deployments"].append(deployment)
        _write_json(folder / MANIFEST, manifest, 0o644)
    return folder


def set_processes(folder: Path, resource: str, records: list[ProcessRecord]) -> None:
    """Replace the processes recorded for one resource (a cache or a function app)."""
    with locked(folder):
        manifest = read_manifest(folder)
        if manifest is None:
            raise ResourceGroupError(_("The resource group folder {folder} lost its manifest; run deploy again.").format(
                folder=folder))
        kept = [p for p in manifest.get("processes", []) if p.get("resource") != resource]
        manifest["processes"] = kept + [r.to_json() for r in records]
        _write_json(folder / MANIFEST, manifest, 0o644)


def group_id(folder: Path) -> str:
    """The group's id (a uuid in manifest.json), added to manifests written before it existed."""
    manifest = read_manifest(folder)
    if manifest and isinstance(manifest.get("group-id"), str) and manifest["group-id"]:
        return manifest["group-id"]
    with locked(folder):
        manifest = read_manifest(folder)
        if manifest is None:
            raise ResourceGroupError(_("The resource group folder {folder} lost its manifest; run deploy again.").format(
                folder=folder))
        if not manifest.get("group-id"):
            manifest["group-id"] = str(uuid.uuid4())
            _write_json(folder / MANIFEST, manifest, 0o644)
        return str(manifest["group-id"])


def processes_of(folder: Path) -> list[dict[str, Any]]:
    manifest = read_manifest(folder) or {}
    return list(manifest.get("processes", []))


# --- keys ---------------------------------------------------------------------------------------


def new_key() -> str:
    # 32 random bytes, URL-safe: the shape of an Azure access key without its padding.
    return secrets.token_urlsafe(32)


def read_keys(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / KEYS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    _register(data)
    return data


def ensure_keys(folder: Path, section: str, resource: str, names: tuple[str, ...]) -> dict[str, str]:
    """The keys of one resource (generated once, then reused); e.g. section "caches", names (primary, secondary)."""
    with locked(folder):
        data = read_keys(folder)
        entry = data.setdefault(section, {}).setdefault(resource, {})
        changed = False
        for name in names:
            if not entry.get(name):
                entry[name] = new_key()
                changed = True
        if changed or not (folder / KEYS).exists():
            _write_json(folder / KEYS, data, 0o600)
    _register(entry)
    return dict(entry)


def get_keys(folder: Path, section: str, resource: str) -> dict[str, str]:
    return dict(read_keys(folder).get(section, {}).get(resource, {}))


def _register(data: Any) -> None:
    if isinstance(data, dict):
        for value in data.values():
            _register(value)
    elif isinstance(data, str):
        registry.add(data)


def _write_json(path: Path, data: Any, mode: int) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, sort_keys=True)
        fh.write("\n")
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def list_groups() -> list[Path]:
    root = groups_root()
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir())
