"""End to end through the real CLI on the local target: real redis-server processes, a real functions host,
real HTTP. deploy -> invoke (MISS, HIT) -> redis killed (BYPASS) -> destroy; variants, resume, cancel, side by side.

The app's Python environment is built once per test session (MLFUNC_WIZARD_ENV_CACHE points every test at
the same cache folder): that is the "warm package cache" the product relies on too.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import redis

from wizard import profile as profiles
from wizard.appgen.builder import build_app
from wizard.paths import data_home
from wizard.targets.local import processes
from wizard.targets.local import resource_group as rg
from wizard.targets.local.packaging import ENV_CACHE_VAR, READY_MARKER, ensure_env
from wizard.targets.local.status import owned_processes

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "digits-local.json"
DEPLOY_TIMEOUT_S = 240


@pytest.fixture(scope="session")
def env_cache(shared_env_cache, tmp_path_factory) -> Path:
    """One package cache for the whole session, warmed here once (building the env takes ~30-60 s)."""
    cache = shared_env_cache
    warmup_home = tmp_path_factory.mktemp("env-warmup-home")
    # Session fixtures run before the per-test MLFUNC_WIZARD_HOME exists: point everything at tmp ourselves.
    saved = {k: os.environ.get(k) for k in ("MLFUNC_WIZARD_HOME", ENV_CACHE_VAR)}
    os.environ["MLFUNC_WIZARD_HOME"] = str(warmup_home)
    os.environ[ENV_CACHE_VAR] = str(cache)
    try:
        app = warmup_home / "app"
        build_app(profiles.load(EXAMPLE), app)
        ensure_env(app / "requirements.txt", log=lambda line: None, cancel_event=threading.Event())
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return cache


@pytest.fixture
def cli(env_cache, wizard_home, monkeypatch):
    """Runs `python -m wizard ...` with this test's data folder and the session's warm env cache.
    At teardown every process the test's resource groups own is stopped by PID."""
    monkeypatch.setenv(ENV_CACHE_VAR, str(env_cache))

    def run(*args: str, timeout: float = DEPLOY_TIMEOUT_S, check: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run([sys.executable, "-m", "wizard", *args], capture_output=True, text=True,
                              timeout=timeout, cwd=REPO, env=dict(os.environ))
        if check and proc.returncode != 0:
            raise AssertionError(f"mlfunc-wizard {' '.join(args)} exited {proc.returncode}\n"
                                 f"--- stdout ---\n{proc.stdout[-6000:]}\n--- stderr ---\n{proc.stderr[-4000:]}")
        return proc

    yield run
    _stop_everything(wizard_home)


def _stop_everything(home: Path) -> None:
    root = home / "resource-groups"
    pids = set()
    if root.is_dir():
        for folder in root.iterdir():
            for p in owned_processes(folder):
                if p["ours"]:
                    processes.stop_owned(p, timeout=3.0)
                    pids.add(p["pid"])
    # Anything else started from this test's data folder (e.g. a host spawned just before a SIGKILL): the test's
    # own processes (their working directory or command line is inside its tmp folder), stopped by the test itself.
    for pid in pids_under(home):
        pids.add(pid)
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
        if not processes.wait_gone(pid, 3.0):
            os.kill(pid, signal.SIGKILL)
            processes.wait_gone(pid, 3.0)
    leaked = [pid for pid in pids if processes.pid_alive(pid)]
    assert not leaked, f"processes still running after the test: {leaked}"


def make_profile(tmp_path: Path, name: str = "digits-local", group: str = "rg-mlfunc-digits", **cache: Any) -> Path:
    """A copy of examples/digits-local.json in tmp (so the model data stays isolated), with overrides."""
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["name"] = name
    data["resource_group"]["name"] = group
    data["function"]["app_name"] = f"{name}-app"
    for key, value in cache.items():
        if key == "persistence":
            data["cache"]["persistence"]["mode"] = value
        else:
            data["cache"][key] = value
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def group_folder(group: str = "rg-mlfunc-digits") -> Path:
    return data_home() / "resource-groups" / group


def procs(group: str = "rg-mlfunc-digits", role: str | None = None) -> list[dict[str, Any]]:
    return [p for p in owned_processes(group_folder(group)) if p["alive"] and (role is None or p["role"] == role)]


def pids_under(folder: Path, command: str = "") -> list[int]:
    """Live processes started in or from `folder` (their working directory or command line is inside it),
    found through /proc rather than through our own records. redis-server rewrites its command line
    (`redis-server 127.0.0.1:0`), so its working directory (the node folder) is what ties it to the group."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        pid = int(entry.name)
        cmd = processes.pid_cmdline(pid)
        try:
            cwd = os.readlink(entry / "cwd")
        except OSError:
            cwd = ""
        inside = cwd.startswith(str(folder)) or str(folder) in cmd
        if inside and command in cmd and processes.pid_alive(pid):
            found.append(pid)
    return sorted(found)


def redis_pids_by_cmdline(folder: Path) -> list[int]:
    return pids_under(folder, "redis-server")


# Not the sample input: the deploy's smoke test already cached that one.
FRESH_INPUT = json.dumps({"data": [[float((i * 7) % 17) for i in range(64)]]})


def invoke(cli, name: str = "digits-local") -> tuple[int, str]:
    """(exit code, X-Cache) of `mlfunc-wizard invoke NAME --data ...` with an input the deploy never sent."""
    proc = cli("invoke", name, "--data", FRESH_INPUT, check=False, timeout=60)
    x_cache = ""
    for part in proc.stderr.split("·"):
        if "X-Cache:" in part:
            x_cache = part.split("X-Cache:", 1)[1].strip()
    assert "HTTP 200" in proc.stderr, proc.stdout + proc.stderr
    assert json.loads(proc.stdout)["result"], proc.stdout
    return proc.returncode, x_cache


def assert_destroyed(cli, pids: list[int], ports: list[int], name: str = "digits-local", group: str = "rg-mlfunc-digits") -> None:
    cli("destroy", name, "--yes", timeout=60)
    for pid in pids:
        assert not processes.pid_alive(pid), f"pid {pid} still runs after destroy"
    for port in ports:
        assert not processes.port_open(port), f"port {port} still listens after destroy"
    assert not group_folder(group).exists()
    assert not (data_home() / "deployments" / name).exists()


def test_deploy_invoke_fail_open_destroy(cli, tmp_path, monkeypatch):
    """TLS-only cache (the default): MISS then HIT, redis killed -> still 200 BYPASS, destroy leaves nothing."""
    monkeypatch.setenv("MLFUNC_WIZARD_LOG_MAX_BYTES", "600")  # small, so host.log rotates within the test
    profile = make_profile(tmp_path)
    out = cli("deploy", str(profile)).stdout
    assert "Invoke URL: http://127.0.0.1:" in out

    folder = group_folder()
    manifest = rg.read_manifest(folder)
    assert manifest["created-by"] == "mlfunc-wizard" and manifest["tags"]["project"] == "mlfunc-digits"
    keys_file = folder / "keys.json"
    assert oct(keys_file.stat().st_mode & 0o777) == "0o600"
    keys = json.loads(keys_file.read_text())
    secrets_ = [keys["caches"]["mlfunc-digits-cache"]["primary"], keys["functions"]["digits-local-app"]["default"]]
    # Keys live only in keys.json (and the cache's own 0600 config): not in the journal, profile copy or output.
    state = data_home() / "deployments" / "digits-local"
    for path in [*state.glob("*.json"), folder / "manifest.json", *folder.glob("functions/*/*")]:
        text = path.read_text(errors="replace")
        assert not any(s in text for s in secrets_), f"a key leaked into {path}"
    assert not any(s in out for s in secrets_)

    redis_nodes = procs(role="redis")
    hosts = procs(role="function-host")
    assert len(redis_nodes) == 1 and len(hosts) == 1
    # Each is recorded with its identity (start time, executable, group marker) and logs through a pipe into
    # the rotating writer (issue 12).
    for p in redis_nodes + hosts:
        assert p["ours"] and p["identity"]["group"] == manifest["group-id"]
        assert os.readlink(f"/proc/{p['pid']}/fd/1").startswith("pipe:")
    # TLS only: the cache refuses plain text and trusts only its own CA.
    cache = redis.Redis(host="127.0.0.1", port=redis_nodes[0]["port"], ssl=True,
                        ssl_ca_certs=str(folder / "caches/mlfunc-digits-cache/tls/ca.pem"),
                        password=secrets_[0], socket_timeout=3)
    assert cache.ping()

    assert invoke(cli) == (0, "MISS")
    assert invoke(cli) == (0, "HIT")
    host_log = folder / "functions" / "digits-local-app" / "host.log"
    assert host_log.with_name("host.log.1").is_file() and host_log.stat().st_size <= 600 + 4096

    status = cli("status", "digits-local").stdout
    assert f"pid {redis_nodes[0]['pid']}" in status and "health ok" in status

    os.kill(redis_nodes[0]["pid"], signal.SIGKILL)
    assert processes.wait_gone(redis_nodes[0]["pid"], 5)
    assert invoke(cli) == (0, "BYPASS")

    assert_destroyed(cli, [redis_nodes[0]["pid"], hosts[0]["pid"]], [redis_nodes[0]["port"], hosts[0]["port"]])


def _journal_state(step: str, name: str = "digits-local") -> str | None:
    try:
        journal = json.loads((data_home() / "deployments" / name / "journal.json").read_text())
    except (OSError, ValueError):
        return None
    return (journal.get("steps", {}).get(step) or {}).get("state")


def _wait_for(check, timeout: float, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if proc is not None and proc.poll() is not None:
            out = proc.stdout.read() if proc.stdout else ""
            raise AssertionError(f"the deploy exited ({proc.returncode}) before the condition held:\n{out[-4000:]}")
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


def _spawn_deploy(profile: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "wizard", "deploy", str(profile)], cwd=REPO, env=dict(os.environ),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_resume_after_deploy_killed(cli, tmp_path):
    """SIGKILL the deploy once the cache step finished; the next deploy completes with one set of redis processes."""
    profile = make_profile(tmp_path)
    proc = _spawn_deploy(profile)
    try:
        _wait_for(lambda: _journal_state("cache") in ("finished", "created"), 120, proc)
        proc.kill()
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        if proc.stdout:
            proc.stdout.close()
    before = redis_pids_by_cmdline(group_folder())
    assert len(before) == 1

    out = cli("deploy", str(profile)).stdout
    assert "Resuming" in out or "skipped" in out or "adopted" in out
    after = redis_pids_by_cmdline(group_folder())
    assert after == before, "the resumed deploy must adopt the running cache, not start another"
    assert len(pids_under(group_folder(), "host.py")) == 1
    assert invoke(cli)[0] == 0


def test_cancel_mid_package_then_deploy_finishes(cli, tmp_path, monkeypatch, env_cache):
    """SIGINT (the CLI's cancel) while pip builds the env: journal consistent, no half env, next deploy finishes."""
    cold = tmp_path / "cold-envs"
    cold.mkdir()
    monkeypatch.setenv(ENV_CACHE_VAR, str(cold))  # an empty package cache: the build really runs pip
    profile = make_profile(tmp_path)
    proc = _spawn_deploy(profile)
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        building = False
        for line in proc.stdout:
            lines.append(line)
            if "Building the package environment" in line:
                building = True
            elif building and "package |" in line:
                break  # pip's first output line: the installer is running now
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=30)
        lines.append(rest)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    output = "".join(lines)
    assert proc.returncode != 0, output
    assert "cancel" in output.lower(), output
    journal = json.loads((data_home() / "deployments" / "digits-local" / "journal.json").read_text())
    assert journal["steps"]["package"]["state"] == "cancelled"
    assert journal.get("status") == "cancelled"
    assert all(s.get("state") != "running" for s in journal["steps"].values())
    # No half-built environment is ever published: every env folder carries its ready marker.
    assert all((d / READY_MARKER).is_file() for d in cold.iterdir() if d.is_dir() and not d.name.startswith("."))
    _wait_for(lambda: not any("pip" in processes.pid_cmdline(int(p.name)) and str(cold) in processes.pid_cmdline(int(p.name))
                              for p in Path("/proc").iterdir() if p.name.isdigit()), 10)

    # The next deploy uses the session's warm package cache (building a cold env again would only cost time).
    monkeypatch.setenv(ENV_CACHE_VAR, str(env_cache))
    out = cli("deploy", str(profile)).stdout
    assert "Invoke URL" in out
    assert _journal_state("package") in ("finished", "skipped", "created", "adopted")
    assert len(redis_pids_by_cmdline(group_folder())) == 1


def _ca(folder: Path, cache: str) -> str:
    return str(folder / "caches" / cache / "tls" / "ca.pem")


def test_cache_variants_side_by_side(cli, tmp_path):
    """Two deployments at once, on different cache shapes: a 3-shard TLS cluster, and a single server with
    the non-TLS port and AOF persistence. No shared port or file; destroying one leaves the other working."""
    a = make_profile(tmp_path, name="digits-cluster", group="rg-cluster",
                     service="cache-for-redis", sku="Premium", capacity=1, shard_count=3)
    b = make_profile(tmp_path, name="digits-plain", group="rg-plain", non_tls_port=True, persistence="aof")
    running = [_spawn_deploy(a), _spawn_deploy(b)]  # at the same time
    try:
        outs = [p.communicate(timeout=DEPLOY_TIMEOUT_S)[0] for p in running]
    finally:
        for p in running:
            if p.poll() is None:
                p.kill()
                p.wait(10)
    assert [p.returncode for p in running] == [0, 0], "\n".join(outs)

    # The 3-shard cluster: three primaries that agree on the slots; the app is told to use a cluster client.
    ga = group_folder("rg-cluster")
    key_a = json.loads((ga / "keys.json").read_text())["caches"]["mlfunc-digits-cache"]["primary"]
    nodes_a = procs("rg-cluster", "redis")
    assert len(nodes_a) == 3
    settings_a = json.loads((ga / "functions/digits-cluster-app/settings.json").read_text())["settings"]
    assert settings_a["REDIS_CLUSTER"] == "true" and settings_a["REDIS_SSL"] == "true"
    node = redis.Redis(host="127.0.0.1", port=nodes_a[0]["port"], ssl=True, password=key_a,
                       ssl_ca_certs=_ca(ga, "mlfunc-digits-cache"), socket_timeout=3)
    info = node.execute_command("CLUSTER", "INFO")
    info = info.decode() if isinstance(info, bytes) else str(info)
    assert "cluster_state:ok" in info and "cluster_known_nodes:3" in info

    # Non-TLS port on (the app still uses TLS, as on Azure) and AOF persistence in the group's folder.
    gb = group_folder("rg-plain")
    key_b = json.loads((gb / "keys.json").read_text())["caches"]["mlfunc-digits-cache"]["primary"]
    state_b = json.loads((gb / "caches/mlfunc-digits-cache/cache.json").read_text())
    settings_b = json.loads((gb / "functions/digits-plain-app/settings.json").read_text())["settings"]
    assert settings_b["REDIS_SSL"] == "true" and settings_b["REDIS_PORT"] == str(state_b["tls_port"])
    plain = redis.Redis(host="127.0.0.1", port=state_b["plain_port"], password=key_b, socket_timeout=3)
    assert plain.ping() and plain.config_get("appendonly")["appendonly"] == "yes"
    assert list((gb / "caches/mlfunc-digits-cache/node-0").glob("appendonlydir/*.aof"))

    for name in ("digits-cluster", "digits-plain"):
        assert invoke(cli, name) == (0, "MISS")
        assert invoke(cli, name) == (0, "HIT")

    all_a, all_b = procs("rg-cluster"), procs("rg-plain")
    assert not {p["port"] for p in all_a} & {p["port"] for p in all_b}
    assert not {p["pid"] for p in all_a} & {p["pid"] for p in all_b}
    assert_destroyed(cli, [p["pid"] for p in all_a], [p["port"] for p in all_a], name="digits-cluster", group="rg-cluster")
    assert invoke(cli, "digits-plain")[0] == 0  # untouched by the other's destroy
    assert_destroyed(cli, [p["pid"] for p in all_b], [p["port"] for p in all_b], name="digits-plain", group="rg-plain")
