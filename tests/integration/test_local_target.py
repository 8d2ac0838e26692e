"""LocalTarget pieces driven directly (no CLI): plan shape, profile -> cache mapping, repair of a dead cache,
the key store, and destroy refusing folders this tool did not create."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from wizard import profile as profiles
from wizard.paths import data_home
from wizard.secrets import scrub
from wizard.targets.base import StepContext, StepFailed
from wizard.targets.local import processes
from wizard.targets.local import resource_group as rg
from wizard.targets.local.redis import load_cache
from wizard.targets.local.status import owned_processes
from wizard.targets.local.target import CacheAction, LocalTarget, ResourceGroupAction, cache_shape, destroy_group

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "digits-local.json"


def _profile(**cache) -> profiles.Profile:
    profile = profiles.load(EXAMPLE)
    for key, value in cache.items():
        setattr(profile.cache, key, value)
    return profile


def _ctx(profile: profiles.Profile, outputs=None) -> StepContext:
    lines: list[str] = []
    ctx = StepContext(profile=profile, state_dir=data_home() / "deployments" / profile.name, outputs=outputs or {},
                      cancel_event=threading.Event(), report=lambda f, m: None, log=lines.append)
    ctx.lines = lines  # type: ignore[attr-defined]
    return ctx


@pytest.fixture
def stop_group_processes(wizard_home):
    yield
    root = wizard_home / "resource-groups"
    for folder in root.iterdir() if root.is_dir() else []:
        for p in owned_processes(folder):
            if p["ours"]:
                processes.stop_owned(p, timeout=3.0)
                assert not processes.pid_alive(p["pid"])


def test_plan_steps_and_dependencies():
    steps = {s.name: s for s in LocalTarget().steps(_profile())}
    assert list(steps) == ["resource-group", "cache", "cache-access", "storage", "package", "plan", "function-app",
                           "function-keys", "smoke-test"]
    # The function app starts once, with its app settings, so it waits for the cache access keys.
    assert "cache-access" in steps["function-app"].needs
    assert steps["smoke-test"].needs == ("function-app", "function-keys")
    assert all(s.estimate_s > 0 for s in steps.values())


@pytest.mark.parametrize(
    "fields, shards",
    [
        ({}, 0),  # Managed Redis, Enterprise clustering policy: one endpoint, one server locally
        ({"clustering_policy": "OSSCluster"}, 3),
        ({"service": "cache-for-redis", "sku": "Premium", "shard_count": 2}, 2),
        ({"service": "cache-for-redis", "sku": "Standard", "shard_count": 3}, 0),  # only Premium shards
    ],
)
def test_profile_to_cache_shape(fields, shards):
    shape = cache_shape(_profile(**fields))
    assert shape["shards"] == shards and shape["tls"] is True


def test_dead_cache_node_is_restarted_on_its_port_with_its_data(stop_group_processes):
    profile = _profile()
    profile.cache.persistence.mode = "aof"
    ResourceGroupAction().run(_ctx(profile))
    first = CacheAction().run(_ctx(profile))
    group = rg.group_dir(profile.resource_group.name)
    keys = rg.get_keys(group, "caches", profile.cache.name)
    cache = load_cache(group / "caches" / profile.cache.name, keys["primary"])
    client = cache.client()
    client.set("kept", "yes")
    client.close()
    assert processes.kill_owned(cache.nodes[0]) and cache.nodes[0].pid == first["pids"][0]

    again = CacheAction().existing(_ctx(profile))  # repair, not a second cache
    assert again is not None and again["port"] == first["port"] and again["pids"] != first["pids"]
    assert load_cache(cache.folder, keys["primary"]).client().get("kept") == b"yes"
    recorded = [p for p in rg.processes_of(group) if p["role"] == "redis"]
    assert [p["pid"] for p in recorded] == again["pids"]


def test_keys_live_only_in_the_0600_key_store_and_are_masked():
    profile = _profile()
    ResourceGroupAction().run(_ctx(profile))
    group = rg.group_dir(profile.resource_group.name)
    keys = rg.ensure_keys(group, "caches", "c1", ("primary", "secondary"))
    assert rg.ensure_keys(group, "caches", "c1", ("primary", "secondary")) == keys  # generated once
    assert keys["primary"] != keys["secondary"] and len(keys["primary"]) >= 32
    assert oct((group / "keys.json").stat().st_mode & 0o777) == "0o600"
    assert keys["primary"] not in scrub(f"password={keys['primary']} and {keys['secondary']}")
    assert keys["primary"] not in (group / "manifest.json").read_text()


def test_manifest_records_creator_time_and_tags():
    profile = _profile()
    profile.tags = {"owner": "tests"}
    out = ResourceGroupAction().run(_ctx(profile))
    manifest = json.loads((Path(out["path"]) / "manifest.json").read_text())
    assert manifest["created-by"] == "mlfunc-wizard" and manifest["created"] and manifest["tags"] == {"owner": "tests"}
    profile.tags = {"owner": "tests", "env": "dev"}
    assert ResourceGroupAction().existing(_ctx(profile)) is not None  # adopted, tags brought up to date
    assert rg.read_manifest(Path(out["path"]))["tags"] == {"owner": "tests", "env": "dev"}


@pytest.mark.parametrize("manifest", [None, {"created-by": "someone-else"}])
def test_destroy_refuses_a_folder_this_tool_did_not_create(manifest):
    folder = data_home() / "resource-groups" / "rg-foreign"
    folder.mkdir(parents=True)
    (folder / "precious.txt").write_text("keep me")
    if manifest is not None:
        (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(StepFailed, match="not created by this tool|not by mlfunc-wizard"):
        destroy_group(folder, lambda line: None, threading.Event())
    assert (folder / "precious.txt").read_text() == "keep me"
    # Deploying into it is refused as well.
    profile = _profile()
    profile.resource_group.name = "rg-foreign"
    with pytest.raises(StepFailed):
        ResourceGroupAction().existing(_ctx(profile))


def test_spawned_processes_are_detached_from_the_cli(tmp_path):
    proc = processes.spawn_detached(["sleep", "30"], log_file=tmp_path / "log", pid_file=tmp_path / "pid", group="g1")
    try:
        assert processes.read_pid(tmp_path / "pid") == proc.pid
        # Its own session: Ctrl+C in the terminal or the CLI's exit does not reach it.
        assert os.getsid(proc.pid) != os.getsid(0)
    finally:
        assert processes.stop_owned(proc.record(), timeout=2.0)
        assert proc.log_writer is not None and proc.log_writer.wait(10) == 0  # its log writer ends with it
    assert not processes.pid_alive(proc.pid)
