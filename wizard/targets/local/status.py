"""What the local resource groups hold now: processes (pid, role, port, alive) and their health."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wizard.i18n import _
from wizard.targets.local import function_host, processes
from wizard.targets.local import redis as local_redis
from wizard.targets.local import resource_group as rg


def owned_processes(folder: Path) -> list[dict[str, Any]]:
    """Every process the group owns: the manifest's list plus what the cache and host state files record
    (so a process started just before a crash, before the manifest was updated, is still found)."""
    found: dict[int, dict[str, Any]] = {}
    for p in rg.processes_of(folder):
        if isinstance(p.get("pid"), int):
            found[p["pid"]] = dict(p)
    for state_file in sorted((folder / "caches").glob(f"*/{local_redis.STATE_FILE}")):
        try:
            nodes = json.loads(state_file.read_text(encoding="utf-8")).get("nodes", [])
        except (OSError, ValueError):
            continue
        for n in nodes:
            if isinstance(n.get("pid"), int) and n["pid"] > 0:
                entry = found.setdefault(n["pid"], {"pid": n["pid"], "role": "redis", "resource": state_file.parent.name,
                                                    "node": n.get("name", ""),
                                                    "port": n.get("tls_port") or n.get("plain_port"),
                                                    "log_file": n.get("log_file", "")})
                if not entry.get("identity") and n.get("identity"):
                    entry["identity"] = n["identity"]
    for state_file in sorted((folder / "functions").glob(f"*/{function_host.STATE}")):
        state = function_host.read_state(folder, state_file.parent.name)
        if state and state.pid > 0:
            entry = found.setdefault(state.pid, {"pid": state.pid, "role": "function-host",
                                                 "resource": state_file.parent.name, "node": "host",
                                                 "port": state.port, "log_file": state.log_file})
            if not entry.get("identity") and state.identity:
                entry["identity"] = state.identity
    out = []
    for pid, p in sorted(found.items()):
        p["alive"] = processes.pid_alive(pid)
        # Ours only when start time, executable and the group marker all match the record (never by name:
        # a recycled PID or a process from another group must never be signalled).
        p["why_not_ours"] = processes.why_not_ours(p) if p["alive"] else None
        p["ours"] = p["alive"] and p["why_not_ours"] is None
        out.append(p)
    return out


@dataclass
class GroupStatus:
    name: str
    path: Path
    ours: bool
    tags: dict[str, str] = field(default_factory=dict)
    created: str = ""
    deployments: list[str] = field(default_factory=list)
    processes: list[dict[str, Any]] = field(default_factory=list)  # + "health": ok | down | no answer
    folders: list[str] = field(default_factory=list)


def group_status(folder: Path) -> GroupStatus:
    manifest = rg.read_manifest(folder) or {}
    status = GroupStatus(
        name=folder.name, path=folder, ours=manifest.get("created-by") == rg.CREATED_BY,
        tags=dict(manifest.get("tags", {})), created=str(manifest.get("created", "")),
        deployments=list(manifest.get("deployments", [])),
    )
    if not status.ours:
        return status
    keys = rg.read_keys(folder)
    for p in owned_processes(folder):
        if not p["ours"]:
            p["health"] = "down"
        elif p["role"] == "function-host":
            p["health"] = "ok" if function_host.status_ok(int(p["port"] or 0), master_key=function_host.master_key(folder, str(p["resource"]))) else "no answer"
        else:
            p["health"] = _redis_health(folder, p, keys)
        status.processes.append(p)
    for sub in ("caches", "storage", "apps", "functions", "plans"):
        for child in sorted((folder / sub).glob("*")):
            if child.is_dir() or child.suffix == ".json":
                status.folders.append(str(child))
    return status


def _redis_health(folder: Path, p: dict[str, Any], keys: dict[str, Any]) -> str:
    password = keys.get("caches", {}).get(p.get("resource", ""), {}).get("primary")
    cache = local_redis.load_cache(folder / "caches" / p.get("resource", ""), password)
    if cache is None:
        return "unknown"
    node = next((n for n in cache.nodes if n.pid == p["pid"]), None)
    if node is None:
        return "unknown"
    return "ok" if local_redis.ping_node(cache, node) else "no answer"


def describe_group(folder: Path) -> list[str]:
    """Lines for `status` and the destroy confirmation: processes with pid, port, alive and health; folders."""
    if not folder.exists():
        return []
    st = group_status(folder)
    if not st.ours:
        return [_("{folder} (not created by mlfunc-wizard; left alone)").format(folder=folder)]
    lines = [_("folder {folder} (created {created})").format(folder=folder, created=st.created)]
    for p in st.processes:
        state = (_("alive") if p["ours"] else _("alive, not provably ours")) if p["alive"] else _("stopped")
        where = f"{p['resource']}/{p['node']}"
        lines.append(f"{p['role']:<13} {where:<40} pid {p['pid']:<7} port {p['port']:<6} "
                     + _("{state}, health {health}").format(state=state, health=p["health"]))
    lines += [f"{_('resource'):<13} {f}" for f in st.folders]
    return lines


def local_status() -> list[GroupStatus]:
    return [group_status(folder) for folder in rg.list_groups()]
