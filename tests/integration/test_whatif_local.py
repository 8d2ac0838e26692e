"""Issue 14 done-when, through the real CLI on the local target (real redis-server, a real functions host):
plan shows what a deploy would do (update in place with old → new, replace with its forcing setting),
deploy applies an update in place with one host start, and refuses a replacement without --allow-replace."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from wizard import profile as profiles
from wizard.appgen.builder import build_app
from wizard.targets.local import processes
from wizard.targets.local.packaging import ENV_CACHE_VAR, ensure_env
from wizard.targets.local.status import owned_processes

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "digits-local.json"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def env_cache(shared_env_cache, tmp_path_factory) -> Path:
    """The session's package cache, warmed once (building the app's environment takes about a minute)."""
    warm = tmp_path_factory.mktemp("whatif-warm")
    saved = {k: os.environ.get(k) for k in ("MLFUNC_WIZARD_HOME", ENV_CACHE_VAR)}
    os.environ.update({"MLFUNC_WIZARD_HOME": str(warm), ENV_CACHE_VAR: str(shared_env_cache)})
    try:
        build_app(profiles.load(EXAMPLE), warm / "app")
        ensure_env(warm / "app" / "requirements.txt", log=lambda line: None, cancel_event=threading.Event())
    finally:
        for key, value in saved.items():
            os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)
    return shared_env_cache


@pytest.fixture
def cli(env_cache, wizard_home, monkeypatch):
    monkeypatch.setenv(ENV_CACHE_VAR, str(env_cache))

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "wizard", *args], capture_output=True, text=True, timeout=300,
                              cwd=REPO, env=dict(os.environ))

    yield run
    root = wizard_home / "resource-groups"
    for folder in root.iterdir() if root.is_dir() else []:
        for proc in owned_processes(folder):
            if proc["ours"]:
                processes.stop_owned(proc, timeout=3.0)
                assert not processes.pid_alive(proc["pid"])


def _profile(tmp_path: Path, **changes: object) -> Path:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        node = data
        for key in parents:
            node = node[key]
        node[last] = value
    path = tmp_path / "digits-local.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _ok(done: subprocess.CompletedProcess, code: int = 0) -> subprocess.CompletedProcess:
    assert done.returncode == code, f"exit {done.returncode}\n{done.stdout[-5000:]}\n{done.stderr[-3000:]}"
    return done


def _lines(out: str) -> dict[str, str]:
    """The what-if's resource lines by step name: `  ~ function-app     update in-place  ...`."""
    found = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] in ("+", "~", "-/+", "=", "<=", "?"):
            found[parts[1]] = " ".join(parts[:2] + [parts[2] + (" " + parts[3] if parts[2] == "update" else "")])
    return found


def _journal(home: Path) -> dict:
    return json.loads((home / "deployments" / "digits-local" / "journal.json").read_text(encoding="utf-8"))


def test_plan_update_in_place_then_replace_refused_until_allowed(cli, tmp_path, wizard_home):
    path = _profile(tmp_path)
    done = _ok(cli("deploy", str(path)))
    # The app settings are part of the function app: a fresh deploy starts the host once (issue 16 item 4).
    assert done.stdout.count("Started the functions host") == 1, done.stdout
    status = json.loads(_ok(cli("status", "digits-local", "--output", "json")).stdout)
    assert status["drift"]["has_changes"] is False and status["steps"]["function-app"] == "created"

    # Nothing changed: every resource is `= no change`, exit 0.
    done = _ok(cli("plan", str(path)))
    assert "Nothing would change." in done.stdout
    assert all(v.split()[0] in ("=", "<=") for v in _lines(done.stdout).values()), done.stdout

    # A TTL change: the function app is updated in place, every other resource stays as it is; exit 2.
    path = _profile(tmp_path, cache_policy__ttl_seconds=600)
    done = _ok(cli("plan", str(path)), 2)
    lines = _lines(done.stdout)
    assert lines["function-app"] == "~ function-app update in-place", done.stdout
    assert "cache_policy.ttl_seconds 3600 → 600" in done.stdout
    for name in ("resource-group", "cache", "storage", "package", "plan"):
        assert lines[name].startswith("= "), (name, done.stdout)
    as_json = json.loads(_ok(cli("plan", str(path), "--output", "json"), 2).stdout)
    app = next(s for s in as_json["steps"] if s["name"] == "function-app")
    assert as_json["has_changes"] and as_json["summary"]["update"] == 1 and as_json["summary"]["replace"] == 0
    assert app["action"] == "update" and {"setting": "cache_policy.ttl_seconds", "old": "3600", "new": "600"} in app["changes"]
    host_before = _journal(wizard_home)["steps"]["function-app"]["outputs"]["pid"]

    # deploy applies it in place: one host start, with the new setting; the cache is adopted as it is.
    done = _ok(cli("deploy", str(path)))
    assert done.stdout.count("Started the functions host") == 1, done.stdout
    steps = _journal(wizard_home)["steps"]
    assert steps["function-app"]["state"] == "updated"
    assert steps["function-app"]["outputs"]["settings"]["CACHE_TTL_SECONDS"] == "600"
    assert steps["function-app"]["outputs"]["pid"] != host_before
    assert {n: steps[n]["state"] for n in ("resource-group", "cache", "storage", "package", "plan")} == dict.fromkeys(
        ("resource-group", "cache", "storage", "package", "plan"), "adopted")
    _ok(cli("plan", str(path)))  # and now nothing would change
    cache_pids = steps["cache"]["outputs"]["pids"]

    # A clustering-policy change cannot happen in place: plan says replace and why; deploy refuses it.
    path = _profile(tmp_path, cache_policy__ttl_seconds=600, cache__clustering_policy="OSSCluster")
    done = _ok(cli("plan", str(path)), 2)
    assert _lines(done.stdout)["cache"] == "-/+ cache replace", done.stdout
    assert "cache.clustering_policy EnterpriseCluster → OSSCluster   (forces replacement)" in done.stdout
    assert "loses: every cached answer" in done.stdout and "--allow-replace" in done.stdout
    done = _ok(cli("deploy", str(path)), 1)
    assert "--allow-replace" in done.stderr and "cache.clustering_policy" in done.stderr
    assert all(processes.pid_alive(pid) for pid in cache_pids), "the refused replacement left the cache running"
    assert _journal(wizard_home)["steps"]["cache"]["state"] == "failed"
    # status shows the drift between the resources and the profile last deployed
    done = _ok(cli("status", "digits-local"))
    assert "Drift" in done.stdout and "cache.clustering_policy EnterpriseCluster → OSSCluster" in done.stdout

    # With consent the cache is replaced (a 3-shard cluster) and the app follows it.
    done = _ok(cli("deploy", str(path), "--allow-replace"))
    steps = _journal(wizard_home)["steps"]
    assert steps["cache"]["state"] == "replaced" and steps["cache"]["outputs"]["cluster"] is True
    assert not any(processes.pid_alive(pid) for pid in cache_pids)
    assert steps["function-app"]["state"] == "updated" and steps["smoke-test"]["state"] == "checked"
    _ok(cli("plan", str(path)))
    _ok(cli("destroy", "digits-local", "--yes"))


def test_a_deployment_journaled_by_the_first_release_resumes_and_destroys(cli, tmp_path, wizard_home):
    """The journal of a real first-release run (version 1, dict outputs, an app-settings step) over a live
    deployment: deploy resumes from it (everything adopted), plan sees no change, destroy removes it all."""
    path = _profile(tmp_path)
    _ok(cli("deploy", str(path)))
    state = wizard_home / "deployments" / "digits-local"
    v1 = json.loads((REPO / "tests" / "data" / "journal-v1-local.json").read_text(encoding="utf-8"))
    v1["profile_hash"] = _journal(wizard_home)["profile_hash"]  # the same profile, as an upgrade would find it
    (state / "journal.json").write_text(json.dumps(v1), encoding="utf-8")

    _ok(cli("plan", str(path)))
    done = _ok(cli("deploy", str(path)))
    assert "Started the functions host" not in done.stdout, done.stdout
    steps = _journal(wizard_home)["steps"]
    assert _journal(wizard_home)["version"] == 2 and "app-settings" not in steps
    assert {steps[n]["state"] for n in ("resource-group", "cache", "storage", "package", "plan", "function-app")} == {
        "adopted"}
    pids = [p["pid"] for p in owned_processes(wizard_home / "resource-groups" / "rg-mlfunc-digits")]
    _ok(cli("destroy", "digits-local", "--yes"))
    assert not (wizard_home / "resource-groups" / "rg-mlfunc-digits").exists()
    assert not any(processes.pid_alive(pid) for pid in pids)
