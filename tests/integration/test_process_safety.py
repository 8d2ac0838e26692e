"""Issue 12, processes: the local target never signals a process it cannot prove is its own (pid <= 0, a foreign
or recycled PID, a record without identity), a killed package build leaves nothing running, logs are rotated,
and a failed first deploy stops what it started. Real processes throughout; each is stopped by PID here."""

from __future__ import annotations

import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from wizard import profile as profiles
from wizard.paths import data_home
from wizard.targets.base import StepContext
from wizard.targets.local import processes
from wizard.targets.local import resource_group as rg
from wizard.targets.local.cache_step import CacheAction
from wizard.targets.local.group_step import ResourceGroupAction
from wizard.targets.local.redis import load_cache
from wizard.targets.local.status import owned_processes
from wizard.targets.local.target import destroy_group

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "digits-local.json"


# --- helpers ------------------------------------------------------------------------------------------------


def _profile(**cache) -> profiles.Profile:
    profile = profiles.load(EXAMPLE)
    for key, value in cache.items():
        setattr(profile.cache, key, value)
    return profile


def _ctx(profile: profiles.Profile) -> StepContext:
    lines: list[str] = []
    ctx = StepContext(profile=profile, state_dir=data_home() / "deployments" / profile.name, outputs={},
                      cancel_event=threading.Event(), report=lambda f, m: None, log=lines.append)
    ctx.lines = lines  # type: ignore[attr-defined]
    return ctx


def _wait_for(check, timeout: float = 30.0) -> bool:
    """Condition wait (not a speed assertion): polls until `check()` or gives up after a generous limit."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return bool(check())


class Started:
    """Processes this test module starts itself; stopped by PID at teardown (the test owns them)."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen] = []

    def start(self, argv: list[str], env: dict[str, str] | None = None, **kwargs) -> subprocess.Popen:
        proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True, **kwargs)
        self.procs.append(proc)
        return proc

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()  # Popen.kill: the test's own, unreaped child, so the PID cannot be another process
            proc.wait(10)


@pytest.fixture
def started():
    owned = Started()
    yield owned
    owned.stop_all()


@pytest.fixture
def stop_group_processes(wizard_home):
    yield
    root = wizard_home / "resource-groups"
    for folder in root.iterdir() if root.is_dir() else []:
        for p in owned_processes(folder):
            if p["ours"]:
                processes.stop_owned(p, timeout=3.0)
                assert not processes.pid_alive(p["pid"])


def _look_alike(started: Started, env_extra: dict[str, str] | None = None) -> subprocess.Popen:
    """A process that is not ours but is named like ours ('redis-server' and 'host.py' in its command line)."""
    env = dict(os.environ, **(env_extra or {}))
    return started.start([sys.executable, "-c", "import time; time.sleep(300)", "redis-server", "host.py"], env=env)


def _group_with_records(records: list[dict]) -> Path:
    """A local resource group whose manifest lists `records` as its processes (written as JSON, the way an older
    or a current version would have)."""
    profile = _profile()
    ResourceGroupAction().create(_ctx(profile))
    folder = rg.group_dir(profile.resource_group.name)
    manifest = json.loads((folder / rg.MANIFEST).read_text())
    manifest["processes"] = records
    (folder / rg.MANIFEST).write_text(json.dumps(manifest))
    return folder


def _record(pid: int, **extra) -> dict:
    return {"pid": pid, "role": "redis", "resource": "cache-x", "node": "node-0", "port": 1, "log_file": "", **extra}


def _group_id(folder: Path) -> str | None:
    return (rg.read_manifest(folder) or {}).get("group-id")


# --- 1. never pid <= 0 --------------------------------------------------------------------------------------

SPAWN_FAILS = """
import sys
from pathlib import Path
from wizard.targets.local.redis import RedisSpec, start_cache
folder = Path(sys.argv[1])
# node-1's log path is a folder: its spawn fails after node-0 started (node-1 still has pid 0).
(folder / "node-1" / "redis.log").mkdir(parents=True)
try:
    start_cache(RedisSpec(tls=False, replicas=1), folder)
except BaseException as exc:
    print("raised", type(exc).__name__, flush=True)
    sys.exit(7)
sys.exit(0)
"""


def test_a_failed_node_spawn_never_signals_pid_0(tmp_path):
    """Before: the clean-up called kill(0, SIGKILL) and the deploy killed its own process group. The deploy runs in a
    process group of its own here, so the test survives either way; it must exit with its own error instead."""
    folder = tmp_path / "cache"
    child = subprocess.run([sys.executable, "-c", SPAWN_FAILS, str(folder)], cwd=REPO, capture_output=True,
                           text=True, timeout=120, start_new_session=True)
    state = json.loads((folder / "cache.json").read_text())
    started_pid = state["nodes"][0]["pid"]
    assert started_pid > 0
    assert state["nodes"][1]["pid"] == 0
    try:
        assert child.returncode == 7, (child.returncode, child.stdout, child.stderr)  # -9: it killed its own group
        assert "raised" in child.stdout
        # The node it did start is stopped (it was provably ours).
        assert processes.wait_gone(started_pid, 10.0)
    finally:
        node = load_cache(folder).nodes[0]
        processes.stop_owned(node, timeout=3.0)


def test_signal_owned_refuses_pid_0_and_negative_pids(started):
    """The one signalling function, with a seam that records what would reach the kernel (os.kill/killpg and
    pidfd_send_signal are replaced by recorders here only; signal 0 probes pass through)."""
    sent: list[tuple[str, int, int]] = []
    me = os.getpid()
    lines: list[str] = []
    real_identity = processes.identify(me, "g")
    for pid in (0, -1, -me, None, "12"):
        for group in (False, True):
            with pytest.MonkeyPatch.context() as patch:  # undone before any teardown kills by PID
                _record_signals(patch, sent)
                assert not processes.signal_owned({"pid": pid, "identity": real_identity}, signal.SIGKILL,
                                                  log=lines.append, process_group=group)
    assert sent == []
    assert len(lines) == 10 and all("no valid process id" in line for line in lines)
    # A record that does match is signalled, through the same function (the positive control of the seam).
    proc = started.start(["sleep", "30"], env=dict(os.environ, **{processes.GROUP_ENV: "g"}))
    # Popen returns when exec closes its error pipe, which the kernel does before it lays out the new program's
    # environment: for a moment /proc/PID/environ is empty. Wait until it is readable (the wizard never signals a
    # process within microseconds of starting it; under load this test did).
    deadline = time.monotonic() + 10
    while processes.environ_value(proc.pid, processes.GROUP_ENV) != "g" and time.monotonic() < deadline:
        time.sleep(0.01)
    with pytest.MonkeyPatch.context() as patch:
        _record_signals(patch, sent)
        assert processes.signal_owned({"pid": proc.pid, "identity": processes.identify(proc.pid, "g")}, signal.SIGTERM)
    assert sent and sent[-1][2] == signal.SIGTERM


def _record_signals(patch: pytest.MonkeyPatch, sent: list) -> None:
    real_kill = os.kill
    patch.setattr(os, "kill", lambda pid, sig: real_kill(pid, sig) if sig == 0 else sent.append(("kill", pid, sig)))
    patch.setattr(os, "killpg", lambda pid, sig: sent.append(("killpg", pid, sig)))
    patch.setattr(signal, "pidfd_send_signal", lambda fd, sig, *a: sent.append(("pidfd", fd, sig)), raising=False)


def test_no_signal_call_outside_the_one_function():
    """Every os.kill/os.killpg/send_signal/terminate/kill in wizard/ goes through processes.signal_owned (signal 0
    probes excepted: they deliver nothing)."""
    offenders = []
    for path in (REPO / "wizard").rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            calls = ("os.kill(", "os.killpg(", ".send_signal(", ".terminate(", ".kill()", "pidfd_send_signal(")
            if any(c in code for c in calls) and ", 0)" not in code:
                offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    allowed = {"wizard/targets/local/processes.py"}
    assert [o for o in offenders if o.split(":", 1)[0] not in allowed] == []


# --- 2. foreign and recycled PIDs ---------------------------------------------------------------------------


def test_destroy_leaves_a_look_alike_recorded_without_identity_and_says_so(started):
    """An older manifest (no identity) whose PID now is some other program named like ours: never signalled."""
    other = _look_alike(started)
    folder = _group_with_records([_record(other.pid)])
    lines: list[str] = []
    destroy_group(folder, lines.append, threading.Event())
    assert other.poll() is None, "destroy killed a process it could not prove was its own"
    assert any(str(other.pid) in line and "stop it yourself" in line for line in lines), lines


def test_destroy_leaves_a_recycled_pid(started):
    """The record's identity matches in everything but the start time: the PID was reused by another process."""
    folder = _group_with_records([])
    group = _group_id(folder)
    other = _look_alike(started, {processes.GROUP_ENV: group or "x"})
    identity = processes.identify(other.pid, group or "x")
    identity["start_time"] -= 1
    folder = _group_with_records([_record(other.pid, identity=identity)])
    lines: list[str] = []
    destroy_group(folder, lines.append, threading.Event())
    assert other.poll() is None
    assert any(str(other.pid) in line and "another process" in line for line in lines), lines


def test_destroy_leaves_a_process_of_another_group(started):
    """Same start time and executable, but the group marker in its environment is another group's."""
    other = _look_alike(started, {processes.GROUP_ENV: "some-other-group"})
    folder = _group_with_records([])
    identity = processes.identify(other.pid, _group_id(folder) or "x")
    folder = _group_with_records([_record(other.pid, identity=identity)])
    lines: list[str] = []
    destroy_group(folder, lines.append, threading.Event())
    assert other.poll() is None
    assert any(str(other.pid) in line and "marker" in line for line in lines), lines


def test_destroy_stops_a_process_whose_identity_matches(started):
    """The positive control: everything matches, so destroy stops it (and deletes the folder)."""
    folder = _group_with_records([])
    group = _group_id(folder)
    assert group
    ours = _look_alike(started, {processes.GROUP_ENV: group})
    folder = _group_with_records([_record(ours.pid, identity=processes.identify(ours.pid, group))])
    destroy_group(folder, lambda line: None, threading.Event())
    assert ours.wait(10) is not None
    assert not folder.exists()


def test_redeploy_with_a_changed_cache_shape_leaves_a_foreign_pid(started, stop_group_processes):
    """Before: the old cache's recorded PID was stopped with no check at all when the shape changed."""
    profile = _profile()
    ResourceGroupAction().create(_ctx(profile))
    CacheAction().create(_ctx(profile))
    group = rg.group_dir(profile.resource_group.name)
    folder = group / "caches" / profile.cache.name
    real = load_cache(folder).nodes[0]
    other = _look_alike(started)
    state = json.loads((folder / "cache.json").read_text())
    state["nodes"][0]["pid"] = other.pid  # the recorded PID now names a foreign process
    (folder / "cache.json").write_text(json.dumps(state))
    try:
        profile.cache.persistence.mode = "aof"  # another shape: the cache is replaced (delete, then create)
        ctx = _ctx(profile)
        observed = CacheAction().observe(ctx)
        assert observed is not None and observed.settings["cache.persistence.mode"] == "none"
        CacheAction().delete(ctx, observed)
        CacheAction().create(ctx)
        assert other.poll() is None, "the redeploy signalled a process it could not prove was its own"
        assert any(str(other.pid) in line for line in ctx.lines), ctx.lines  # type: ignore[attr-defined]
    finally:
        processes.stop_owned(real, timeout=3.0)


def test_without_proc_nothing_is_signalled(started, monkeypatch):
    """Non-Linux (no /proc): refuse and say so. /proc cannot be removed here, so `have_proc` is the seam."""
    proc = started.start(["sleep", "30"], env=dict(os.environ, **{processes.GROUP_ENV: "g"}))
    record = {"pid": proc.pid, "identity": processes.identify(proc.pid, "g")}
    monkeypatch.setattr(processes, "have_proc", lambda: False)
    lines: list[str] = []
    assert not processes.signal_owned(record, signal.SIGTERM, log=lines.append)
    assert proc.poll() is None and "no /proc" in lines[0]


def test_spawned_processes_carry_their_identity(tmp_path):
    spawned = processes.spawn_detached(["sleep", "30"], log_file=tmp_path / "log", group="g-123")
    try:
        assert spawned.identity and spawned.identity["group"] == "g-123"
        assert processes.environ_value(spawned.pid, processes.GROUP_ENV) == "g-123"
        assert spawned.identity["start_time"] == processes.start_time(spawned.pid)
        assert processes.is_owned(spawned.record())
    finally:
        assert processes.stop_owned(spawned.record(), timeout=3.0)
        assert spawned.log_writer is not None and spawned.log_writer.wait(10) == 0


def test_cache_nodes_and_manifest_record_identity(stop_group_processes):
    profile = _profile()
    ResourceGroupAction().create(_ctx(profile))
    CacheAction().create(_ctx(profile))
    group = rg.group_dir(profile.resource_group.name)
    recorded = [p for p in rg.processes_of(group) if p["role"] == "redis"]
    assert recorded and all(p["identity"]["group"] == _group_id(group) for p in recorded)
    assert all(p["ours"] for p in owned_processes(group))


# --- 3. a killed package build leaves nothing behind --------------------------------------------------------


class _HangingIndex:
    """A package index on loopback that accepts connections and never answers: pip waits on it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        self.accepted = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            self.accepted.set()

    def close(self) -> None:
        self.sock.close()
        for conn in self.conns:
            conn.close()


class _EmptyIndex(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


BUILD = """
import sys, threading
from pathlib import Path
from wizard.targets.local.packaging import ensure_env
env = ensure_env(Path(sys.argv[1]), log=lambda line: print(line, flush=True), cancel_event=threading.Event())
print("RESULT", env.fallback, flush=True)
"""


def _pids_with(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and text in processes.pid_cmdline(int(entry.name)) and processes.pid_alive(int(entry.name)):
            found.append(int(entry.name))
    return found


def test_kill_9_mid_package_build_leaves_no_pip_and_the_next_run_removes_the_build_folder(tmp_path, started):
    cold = tmp_path / "envs"
    cold.mkdir()
    env = dict(os.environ, MLFUNC_WIZARD_ENV_CACHE=str(cold))
    hanging = _HangingIndex()
    req = tmp_path / "hang" / "requirements.txt"
    req.parent.mkdir()
    # Only the loopback index: pip connects to it and waits (no other index, no network).
    req.write_text(f"--index-url http://127.0.0.1:{hanging.port}/simple\n--no-index-placeholder-never-used\n"
                   .replace("--no-index-placeholder-never-used\n", "") + "mlfunc-wizard-test-package-that-hangs==1.0\n")
    env["PIP_FIND_LINKS"] = ""
    env["PIP_CONFIG_FILE"] = os.devnull
    deploy = started.start([sys.executable, "-c", BUILD, str(req)], env=env, cwd=str(REPO))
    try:
        assert hanging.accepted.wait(120), "pip never reached the package index"
        build_folders = [p for p in cold.glob(".build-*") if p.is_dir()]
        assert len(build_folders) == 1
        assert _pids_with(str(build_folders[0])), "no pip process is building"
        os.kill(deploy.pid, signal.SIGKILL)  # the test's own child: kill -9 of the deploy mid-build
        deploy.wait(10)
        # pip and everything it started go with the deploy (condition wait, not a speed assertion).
        assert _wait_for(lambda: not _pids_with(str(build_folders[0])), 30), _pids_with(str(build_folders[0]))
        assert build_folders[0].exists()  # what the next run has to clean up
    finally:
        hanging.close()
    # The next run, for other requirements (an index that answers 404 at once: the build fails fast and falls back),
    # removes the stale folder of the killed build.
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _EmptyIndex)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        other = tmp_path / "other" / "requirements.txt"
        other.parent.mkdir()
        other.write_text(f"--index-url http://127.0.0.1:{server.server_address[1]}/simple\n"
                         "mlfunc-wizard-test-package-missing==1.0\n")
        out = subprocess.run([sys.executable, "-c", BUILD, str(other)], env=env, cwd=REPO, capture_output=True,
                             text=True, timeout=300)
    finally:
        server.shutdown()
        server.server_close()
    assert "RESULT True" in out.stdout, out.stdout + out.stderr
    assert not build_folders[0].exists(), out.stdout
    assert not list(cold.glob(".build-*")), list(cold.iterdir())


def test_a_running_build_folder_is_not_removed(tmp_path):
    """Deployments share the environment cache: a build whose lock is held (its builder runs) is left alone,
    whatever PID its name carries (here: a PID that does not exist)."""
    import fcntl

    from wizard.targets.local.packaging import remove_stale_builds

    running = tmp_path / ".build-0123456789abcdef-999999999-aaaa"
    running.mkdir()
    stale = tmp_path / ".build-0123456789abcdef-1-bbbb"
    stale.mkdir()
    (tmp_path / f"{stale.name}.lock").touch()
    with open(tmp_path / f"{running.name}.lock", "a+") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        assert remove_stale_builds(tmp_path) == [stale]
    assert running.is_dir() and not stale.exists()


# --- 14. log rotation ---------------------------------------------------------------------------------------

CHATTY = "import sys\nfor i in range(400): sys.stdout.write('line %05d of the chatty process\\n' % i)\n"


def test_logs_of_spawned_processes_rotate_by_size(tmp_path, monkeypatch):
    monkeypatch.setenv("MLFUNC_WIZARD_LOG_MAX_BYTES", "2000")
    monkeypatch.setenv("MLFUNC_WIZARD_LOG_BACKUPS", "2")
    (tmp_path / "logs").mkdir()
    tmp_path = tmp_path / "logs"
    log = tmp_path / "chatty.log"
    spawned = processes.spawn_detached([sys.executable, "-c", CHATTY], log_file=log, group="g")
    spawned.proc.wait(30)
    assert spawned.log_writer is not None and spawned.log_writer.wait(30) == 0
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["chatty.log", "chatty.log.1", "chatty.log.2"]
    assert all((tmp_path / f).stat().st_size <= 2000 for f in files)
    assert (tmp_path / "chatty.log").read_text().splitlines()[-1] == "line 00399 of the chatty process"
    # Whole lines only, none lost between the kept files.
    kept = [line for f in reversed(files) for line in (tmp_path / f).read_text().splitlines()]
    numbers = [int(line.split()[1]) for line in kept]
    assert numbers == list(range(numbers[0], 400))


def test_redis_logs_rotate(redis_factory, monkeypatch):
    monkeypatch.setenv("MLFUNC_WIZARD_LOG_MAX_BYTES", "400")
    monkeypatch.setenv("MLFUNC_WIZARD_LOG_BACKUPS", "2")
    cache = redis_factory(tls=False, password="pw")
    node_log = Path(cache.nodes[0].log_file)
    client = cache.client()
    for _ in range(20):
        client.save()  # each logs "DB saved on disk"
    client.close()
    assert _wait_for(lambda: node_log.with_name("redis.log.2").exists(), 10)
    assert not node_log.with_name("redis.log.3").exists()
    assert all(p.stat().st_size <= 400 for p in node_log.parent.glob("redis.log*"))


# --- 11. a failed deploy says what still runs; a failed first run stops what it started -----------------------


class _Fails:
    """A step that always fails (the rest of the plan is the real local target's)."""

    def existing(self, ctx):
        return None

    def run(self, ctx):
        from wizard.targets.base import StepFailed

        raise StepFailed("This step fails on purpose.")


def _failing_target():
    from wizard.targets.base import Step
    from wizard.targets.local.target import LocalTarget

    class FailsAfterTheCache(LocalTarget):
        def steps(self, profile):
            real = [s for s in super().steps(profile) if s.name in ("resource-group", "cache")]
            return real + [Step("boom", "Fail", "nothing", ("cache",), _Fails(), estimate_s=0.1, retries=0)]

    return FailsAfterTheCache()


def _deploy(profile) -> tuple[bool, list[str]]:
    from wizard.deployment import DeploymentRun

    lines: list[str] = []
    outcome = DeploymentRun(profile, lambda e: lines.append(e.message), target=_failing_target()).run()
    return outcome.ok, lines


def test_a_failed_first_deploy_stops_what_it_started_and_a_later_one_says_what_runs(stop_group_processes):
    profile = _profile()
    ok, lines = _deploy(profile)
    assert not ok
    group = rg.group_dir(profile.resource_group.name)
    node = load_cache(group / "caches" / profile.cache.name).nodes[0]
    assert node.pid > 0 and not processes.pid_alive(node.pid), "the failed first run left its redis-server running"
    assert any(f"pid {node.pid}" in line and "Stopped" in line for line in lines), lines

    # Not the first run: the cache is started again (repaired) and kept, and the user is told how to remove it.
    ok, lines = _deploy(profile)
    assert not ok
    running = [p for p in owned_processes(group) if p["alive"]]
    assert len(running) == 1 and running[0]["ours"]
    assert any("Still running" in line and f"pid {running[0]['pid']}" in line
               and f"mlfunc-wizard destroy {profile.name}" in line for line in lines), lines


def test_the_host_restart_leaves_a_foreign_pid_in_the_host_state(started):
    """function_host.stop/start stop the previous host only when its identity matches."""
    from wizard.targets.local import function_host

    folder = _group_with_records([])
    other = _look_alike(started, {processes.GROUP_ENV: _group_id(folder) or "x"})
    identity = processes.identify(other.pid, _group_id(folder) or "x")
    identity["exe"] = "/usr/bin/not-the-program-we-started"
    state = function_host.HostState(pid=other.pid, port=1, python=sys.executable, app_dir="", app_sha="",
                                    settings_sha="", log_file="", identity=identity)
    function_host.write_state(folder, "app-x", state)
    lines: list[str] = []
    function_host.stop(folder, "app-x", log=lines.append)
    assert other.poll() is None
    assert any(str(other.pid) in line and "another program" in line for line in lines), lines
    # A state file of an older version (no identity) is never signalled either.
    state.identity = None
    function_host.write_state(folder, "app-x", state)
    function_host.stop(folder, "app-x", log=lines.append)
    assert other.poll() is None and "stop it yourself" in lines[-1]


def test_an_old_cache_record_without_identity_is_never_signalled(redis_factory):
    cache = redis_factory(tls=False, password="pw")
    state_file = cache.folder / "cache.json"
    state = json.loads(state_file.read_text())
    for node in state["nodes"]:
        node.pop("identity")
    state.pop("group")
    state_file.write_text(json.dumps(state))  # as an older mlfunc-wizard wrote it
    old = load_cache(cache.folder, "pw")
    lines: list[str] = []
    assert not old.stop(timeout=1.0, log=lines.append)
    assert processes.pid_alive(cache.nodes[0].pid)
    assert any(f"kill {cache.nodes[0].pid}" in line for line in lines), lines
    # `status` shows it as running but not provably ours.
    from wizard.targets.local.status import describe_group

    folder = _group_with_records([_record(cache.nodes[0].pid)])
    assert any("alive, not provably ours" in line for line in describe_group(folder))


def test_rotating_file_keeps_whole_lines(tmp_path):
    from wizard.targets.local.log_rotation import RotatingFile

    out = RotatingFile(tmp_path / "x.log", max_bytes=10, backups=2)
    out.write(b"12345\n" + b"a-line-longer-than-ten\n" + b"678\n")
    out.close()
    assert (tmp_path / "x.log").read_bytes() == b"678\n"
    assert (tmp_path / "x.log.1").read_bytes() == b"a-line-longer-than-ten\n"
    assert (tmp_path / "x.log.2").read_bytes() == b"12345\n"
    assert not (tmp_path / "x.log.3").exists()


def test_kill_9_of_a_deploy_mid_package_build(tmp_path, started, stop_group_processes):
    """The whole CLI: `mlfunc-wizard deploy` killed with SIGKILL while pip waits on the package index (a loopback
    index that never answers, an empty package cache). No pip survives it; the next deploy (whose index answers 404
    at once, so it falls back to the wizard's interpreter) removes the dead build's folder and finishes."""
    cold = tmp_path / "envs"
    cold.mkdir()
    profile = tmp_path / "digits-local.json"
    profile.write_text(EXAMPLE.read_text())
    hanging = _HangingIndex()
    env = dict(os.environ, MLFUNC_WIZARD_ENV_CACHE=str(cold), PIP_CONFIG_FILE=os.devnull, PIP_FIND_LINKS="",
               PIP_EXTRA_INDEX_URL="", PIP_INDEX_URL=f"http://127.0.0.1:{hanging.port}/simple")
    deploy = started.start([sys.executable, "-m", "wizard", "deploy", str(profile)], env=env, cwd=str(REPO))
    try:
        assert hanging.accepted.wait(180), "pip never reached the package index"
        build = next(p for p in cold.glob(".build-*") if p.is_dir())
        assert _pids_with(str(build)), "no pip process is building"
        os.kill(deploy.pid, signal.SIGKILL)  # the test's own child
        deploy.wait(10)
        assert _wait_for(lambda: not _pids_with(str(build)), 30), _pids_with(str(build))
    finally:
        hanging.close()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _EmptyIndex)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env["PIP_INDEX_URL"] = f"http://127.0.0.1:{server.server_address[1]}/simple"
        again = subprocess.run([sys.executable, "-m", "wizard", "deploy", str(profile)], env=env, cwd=REPO,
                               capture_output=True, text=True, timeout=300)
    finally:
        server.shutdown()
        server.server_close()
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert not build.exists() and not list(cold.glob(".build-*"))


def test_every_deploy_removes_dead_builds_even_when_the_package_is_adopted(tmp_path, monkeypatch):
    """The clean-up runs at the start of every local deploy (LocalTarget.before_run), not only when pip runs."""
    from wizard.targets.local.target import LocalTarget

    monkeypatch.setenv("MLFUNC_WIZARD_ENV_CACHE", str(tmp_path))
    dead = tmp_path / ".build-0123456789abcdef-1-cccc"
    dead.mkdir()
    (tmp_path / f"{dead.name}.lock").touch()  # nobody holds it: its builder is gone
    LocalTarget().before_run(_profile())
    assert not dead.exists() and not (tmp_path / f"{dead.name}.lock").exists()


def _pids_with_marker(group: str) -> list[int]:
    return [int(e.name) for e in Path("/proc").iterdir() if e.name.isdigit()
            and processes.environ_value(int(e.name), processes.GROUP_ENV) == group and processes.pid_alive(int(e.name))]


def test_a_log_writer_that_cannot_start_leaves_no_process_behind(tmp_path, monkeypatch):
    """The writer's interpreter is missing (sys.executable pointed at nothing: the seam, as an interpreter cannot be
    removed here): the already started child is stopped before the error is raised, so nothing runs unrecorded."""
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python"))
    with pytest.raises(FileNotFoundError):
        processes.spawn_detached(["sleep", "30"], log_file=tmp_path / "x.log", group="g-writer-fails")
    assert _pids_with_marker("g-writer-fails") == []
