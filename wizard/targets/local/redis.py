"""Real redis-server processes shaped like the Azure cache: TLS, keys, persistence, Redis Cluster.

Rule for clusters: `shards` >= 3 uses `redis-cli --cluster create`; 1 or 2 shards (which
`redis-cli` refuses) are assembled by hand with CLUSTER MEET / ADDSLOTSRANGE / REPLICATE.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

import redis as redis_py
from redis.backoff import NoBackoff
from redis.cluster import ClusterNode, RedisCluster
from redis.retry import Retry

from wizard.core.errors import WizardError
from wizard.i18n import _
from wizard.targets.local import processes
from wizard.targets.local.tls import ensure_tls

logger = logging.getLogger(__name__)

REDIS_SERVER = "redis-server"
REDIS_CLI = "redis-cli"
STATE_FILE = "cache.json"  # non-secret description of the running nodes (ports, pids, roles)
START_TIMEOUT_S = 15.0
CLUSTER_TIMEOUT_S = 30.0


class CacheError(WizardError):
    """The cache could not be started; the message is a sentence for the user."""

    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.detail = detail


@dataclass
class RedisSpec:
    tls: bool = True
    non_tls_port: bool = False
    password: str | None = None
    shards: int = 0  # 0 = single server; N >= 1 = Redis Cluster with N primaries
    replicas: int = 0  # replicas per primary (cluster) or of the single server
    persistence: str = "none"  # none | rdb | aof
    rdb_frequency_minutes: int = 60
    secondary_password: str | None = None  # accepted as well (Azure's secondary key)


@dataclass
class NodeInfo:
    name: str  # node-0, node-1, ...
    role: str  # primary | replica
    pid: int
    tls_port: int | None
    plain_port: int | None
    cluster_port: int | None
    dir: str
    log_file: str
    conf_file: str
    # processes.identify(): what proves the PID is still this node; None (older cache.json) = never signalled.
    identity: dict[str, Any] | None = None

    @property
    def port(self) -> int:
        return self.tls_port or self.plain_port or 0


@dataclass
class RunningCache:
    host: str
    port: int  # what the function uses: TLS port when TLS, else the plain port
    tls_port: int | None
    plain_port: int | None
    ca_file: Path | None
    password: str | None
    cluster: bool
    pids: list[int]
    nodes: list[NodeInfo]
    folder: Path
    spec: RedisSpec = field(repr=False, default_factory=RedisSpec)
    group: str = ""  # the marker in every node's environment (the resource group's id)

    # --- clients -----------------------------------------------------------------------------
    def client(self, *, port: int | None = None, tls: bool | None = None, password: str | None = None,
               socket_timeout: float = 5.0) -> Any:
        """A redis-py client (a RedisCluster when clustered) speaking what the cache asks for."""
        use_tls = (self.tls_port is not None) if tls is None else tls
        the_port = port or (self.tls_port if use_tls else self.plain_port) or self.port
        kwargs: dict[str, Any] = dict(
            password=self.password if password is None else password,
            socket_timeout=socket_timeout,
            socket_connect_timeout=socket_timeout,
        )
        if not self.cluster:
            # Fail fast: callers are health checks and tests, not a long-running app.
            kwargs["retry"] = Retry(NoBackoff(), 0)
        if use_tls:
            kwargs.update(ssl=True, ssl_ca_certs=str(self.ca_file) if self.ca_file else None)
        if self.cluster:
            return RedisCluster(startup_nodes=[ClusterNode(self.host, the_port)], **kwargs)
        return redis_py.Redis(host=self.host, port=the_port, **kwargs)

    # --- lifecycle -----------------------------------------------------------------------------
    def alive(self) -> bool:
        return all(processes.pid_alive(n.pid) for n in self.nodes)

    def healthy(self) -> bool:
        """Every node's process is alive and answers PING (and a cluster reports state ok)."""
        return self.alive() and all(ping_node(self, n) for n in self.nodes) and (not self.cluster or _cluster_ok(self))

    def stop(self, timeout: float = 10.0, log: Callable[[str], None] | None = None) -> bool:
        """Graceful: SIGTERM each node (RDB/AOF flushed), SIGKILL after `timeout`; only nodes whose identity
        matches (a node never started, recorded without identity or whose PID was recycled is left alone).
        True when no recorded node is still running."""
        return all([processes.stop_owned(node, timeout=timeout, log=log) for node in self.nodes])

    def kill(self, log: Callable[[str], None] | None = None) -> None:
        """SIGKILL every node at once, no goodbye (to prove the function fails open); identity checked."""
        for node in self.nodes:
            processes.kill_owned(node, log=log)

    def restart(self, log: Callable[[str], None] | None = None) -> "RunningCache":
        """Start again every node that is not running, on the same ports, with the same data."""
        return ensure_running(self.folder, password=self.password, log=log)


# --- start ----------------------------------------------------------------------------------


def start_cache(spec: RedisSpec, folder: Path, log: Callable[[str], None] | None = None,
                group: str | None = None) -> RunningCache:
    """Start the cache described by `spec` with its data, config and logs in `folder`. `group` is the marker
    put into every node's environment (the resource group's id; a fresh one for a stand-alone cache)."""
    say = log or (lambda line: logger.info("%s", line))
    group = group or str(uuid.uuid4())
    if shutil.which(REDIS_SERVER) is None:
        raise CacheError(_("redis-server is not installed. Install it (Debian/Ubuntu: sudo apt-get install "
                           "redis-server) and run again."))
    if spec.persistence not in ("none", "rdb", "aof"):
        raise CacheError(_("Unknown persistence mode {persistence!r}; use none, rdb or aof.").format(
            persistence=spec.persistence))
    if spec.shards < 0 or spec.replicas < 0:
        raise CacheError(_("Shard and replica counts cannot be negative."))
    for attempt in range(3):
        try:
            return _start(spec, folder.resolve(), say, group)
        except CacheError as exc:
            # Another program may grab a "free" port between our probe and redis binding it: pick new ones.
            if "Address already in use" not in exc.detail or attempt == 2:
                raise
            say(_("A port was taken by another program meanwhile; retrying on other free ports."))
    raise AssertionError("unreachable")


def _start(spec: RedisSpec, folder: Path, say: Callable[[str], None], group: str) -> RunningCache:
    folder.mkdir(parents=True, exist_ok=True)
    tls_files = ensure_tls(folder / "tls") if spec.tls else None
    cluster = spec.shards > 0
    primaries = spec.shards if cluster else 1
    total = primaries * (1 + spec.replicas)

    nodes: list[NodeInfo] = []
    for i in range(total):
        role = "primary" if i < primaries else "replica"
        node_dir = folder / f"node-{i}"
        node_dir.mkdir(parents=True, exist_ok=True)
        tls_port = processes.free_port() if spec.tls else None
        plain_port = processes.free_port() if (not spec.tls or spec.non_tls_port) else None
        cluster_port = processes.free_port() if cluster else None
        conf = node_dir / "redis.conf"
        _write_conf(conf, _conf_text(spec, node_dir, tls_files, tls_port, plain_port, cluster_port, cluster))
        nodes.append(NodeInfo(
            name=f"node-{i}", role=role, pid=0, tls_port=tls_port, plain_port=plain_port,
            cluster_port=cluster_port, dir=str(node_dir), log_file=str(node_dir / "redis.log"), conf_file=str(conf),
        ))

    first = nodes[0]
    cache = RunningCache(
        host="127.0.0.1", port=first.port, tls_port=first.tls_port, plain_port=first.plain_port,
        ca_file=tls_files.ca_file if tls_files else None, password=spec.password, cluster=cluster,
        pids=[], nodes=nodes, folder=folder, spec=spec, group=group,
    )
    try:
        for node in nodes:
            _spawn(node, group)
            cache.pids = [n.pid for n in nodes if n.pid]
            # Recorded at once: a deploy killed right now still leaves every started node findable.
            _save_state(cache)
            say(_("Started redis-server {name} (pid {pid}, port {port}).").format(
                name=node.name, pid=node.pid, port=node.port))
        for node in nodes:
            _wait_ready(cache, node)
        if cluster:
            _create_cluster(cache, spec, primaries, say)
        elif spec.replicas:
            for node in nodes[1:]:
                node_client = _node_client(cache, node)
                node_client.execute_command("REPLICAOF", cache.host, str(first.port))
                node_client.close()
        _save_state(cache)
        ready = (_("Redis cluster of {shards} shards ready on {host}:{port}{tls}.") if cluster
                 else _("Redis server ready on {host}:{port}{tls}."))
        say(ready.format(shards=primaries, host=cache.host, port=cache.port, tls=" (TLS)" if spec.tls else ""))
        return cache
    except BaseException:
        # Never leave half a cache running: stop what we started. Nodes never started still have pid 0;
        # kill_owned refuses those (kill(0, ...) would hit our own process group).
        cache.kill(log=say)
        raise


def _conf_text(spec: RedisSpec, node_dir: Path, tls_files: Any, tls_port: int | None, plain_port: int | None,
               cluster_port: int | None, cluster: bool) -> str:
    lines = [
        "# Written by mlfunc-wizard; secrets in this file stay in the resource group folder (mode 0600).",
        "bind 127.0.0.1",
        f"port {plain_port or 0}",
        f'dir "{node_dir}"',
        'logfile ""',  # stdout, piped into redis.log through the rotating writer
        "daemonize no",
        # Keep the start-up environment readable in /proc/PID/environ: the group marker proves the node is ours
        # (the default proc title overwrites that memory).
        "set-proc-title no",
        f'pidfile "{node_dir / "redis.pid"}"',
        "appendfilename appendonly.aof",
        "dbfilename dump.rdb",
    ]
    if tls_port:
        lines += [
            f"tls-port {tls_port}",
            f'tls-cert-file "{tls_files.cert_file}"',
            f'tls-key-file "{tls_files.key_file}"',
            f'tls-ca-cert-file "{tls_files.ca_file}"',
            "tls-auth-clients no",  # like Azure: clients prove themselves with the key, not a certificate
            "tls-replication yes",
        ]
        if cluster:
            lines.append("tls-cluster yes")
    if spec.password:
        passwords = [spec.password] + ([spec.secondary_password] if spec.secondary_password else [])
        lines.append("user default on " + " ".join(f">{p}" for p in passwords) + " ~* &* +@all")
        lines.append(f"masterauth {spec.password}")
    if spec.persistence == "rdb":
        lines.append(f"save {max(1, spec.rdb_frequency_minutes) * 60} 1")
        lines.append("appendonly no")
    elif spec.persistence == "aof":
        lines += ['save ""', "appendonly yes", "appendfsync everysec"]
    else:
        lines += ['save ""', "appendonly no"]
    if cluster:
        lines += [
            "cluster-enabled yes",
            f'cluster-config-file "{node_dir / "nodes.conf"}"',
            "cluster-node-timeout 5000",
            f"cluster-port {cluster_port}",
            # Announce the loopback address so clients follow MOVED redirects to reachable nodes.
            "cluster-announce-ip 127.0.0.1",
            "cluster-require-full-coverage no",
        ]
    return "\n".join(lines) + "\n"


def _write_conf(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, 0o600)


def _spawn(node: NodeInfo, group: str) -> None:
    # The config file holds the password, so it never shows up in `ps`.
    spawned = processes.spawn_detached(
        [shutil.which(REDIS_SERVER) or REDIS_SERVER, node.conf_file],
        log_file=Path(node.log_file),
        cwd=Path(node.dir),
        group=group,
    )
    node.pid = spawned.pid
    node.identity = spawned.identity


def _node_client(cache: RunningCache, node: NodeInfo, timeout: float = 2.0) -> redis_py.Redis:
    kwargs: dict[str, Any] = dict(password=cache.password, socket_timeout=timeout, socket_connect_timeout=timeout,
                                  retry=Retry(NoBackoff(), 0))
    if node.tls_port:
        kwargs.update(ssl=True, ssl_ca_certs=str(cache.ca_file))
    return redis_py.Redis(host=cache.host, port=node.port, **kwargs)


def ping_node(cache: RunningCache, node: NodeInfo) -> bool:
    try:
        c = _node_client(cache, node, timeout=1.0)
        try:
            return bool(c.ping())
        finally:
            c.close()
    except Exception:
        return False


def _wait_ready(cache: RunningCache, node: NodeInfo) -> None:
    if not processes.wait_until(lambda: ping_node(cache, node), timeout=START_TIMEOUT_S, pid=node.pid):
        raise CacheError(
            _("redis-server {name} did not start (port {port}); see {log_file}.").format(
                name=node.name, port=node.port, log_file=node.log_file),
            detail=processes.tail(Path(node.log_file)),
        )


def _cluster_ok(cache: RunningCache) -> bool:
    for node in cache.nodes:
        try:
            c = _node_client(cache, node, timeout=1.0)
            try:
                info = c.execute_command("CLUSTER", "INFO")
            finally:
                c.close()
        except Exception:
            return False
        text = info.decode() if isinstance(info, bytes) else (info if isinstance(info, str) else str(info))
        if "cluster_state:ok" not in text:
            return False
    return True


def _create_cluster(cache: RunningCache, spec: RedisSpec, primaries: int, say: Callable[[str], None]) -> None:
    if primaries >= 3:
        argv = [shutil.which(REDIS_CLI) or REDIS_CLI]
        if spec.tls:
            argv += ["--tls", "--cacert", str(cache.ca_file)]
        argv += ["--cluster", "create"] + [f"{cache.host}:{n.port}" for n in cache.nodes]
        argv += ["--cluster-replicas", str(spec.replicas), "--cluster-yes"]
        env = dict(os.environ)
        if cache.password:
            env["REDISCLI_AUTH"] = cache.password  # not -a: keeps the key out of `ps`
        say(_("Creating the Redis Cluster: {command}").format(command=" ".join(argv[1:])))
        proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
        for line in (proc.stdout + proc.stderr).splitlines():
            if line.strip():
                say(line)
        if proc.returncode != 0:
            raise CacheError(_("redis-cli could not create the cluster; see the log above."), detail=proc.stdout + proc.stderr)
    else:
        _create_small_cluster(cache, primaries)
    # Replicas learn their role through the bus; wait until every node agrees the cluster is ok.
    if not processes.wait_until(lambda: _cluster_ok(cache), timeout=CLUSTER_TIMEOUT_S, interval=0.1):
        raise CacheError(_("The Redis Cluster did not reach state ok in time; see the node logs in {folder}").format(
            folder=cache.folder))
    _refresh_roles(cache)


def _create_small_cluster(cache: RunningCache, primaries: int) -> None:
    """1-2 primaries, which `redis-cli --cluster create` refuses: MEET, split the slots, REPLICATE."""
    clients = [_node_client(cache, n, timeout=5.0) for n in cache.nodes]
    try:
        first = cache.nodes[0]
        for c in clients[1:]:
            c.execute_command("CLUSTER", "MEET", cache.host, str(first.port), str(first.cluster_port))
        per = 16384 // primaries
        for i in range(primaries):
            lo = i * per
            hi = 16383 if i == primaries - 1 else (i + 1) * per - 1
            clients[i].execute_command("CLUSTER", "ADDSLOTSRANGE", str(lo), str(hi))
        ids = [c.execute_command("CLUSTER", "MYID") for c in clients]
        ids = [i.decode() if isinstance(i, bytes) else i for i in ids]

        def known_all() -> bool:
            for c in clients:
                raw = c.execute_command("CLUSTER", "NODES")
                text = raw.decode() if isinstance(raw, bytes) else str(raw)
                if sum(1 for line in text.splitlines() if line.strip() and "handshake" not in line) < len(clients):
                    return False
            return True

        if not processes.wait_until(known_all, timeout=CLUSTER_TIMEOUT_S, interval=0.1):
            raise CacheError(_("The Redis Cluster nodes did not find each other in time."))
        replica_index = 0
        for i in range(primaries, len(clients)):
            target = ids[replica_index % primaries]
            replica_index += 1
            clients[i].execute_command("CLUSTER", "REPLICATE", target)
    finally:
        for c in clients:
            c.close()


def _refresh_roles(cache: RunningCache) -> None:
    """After `--cluster create` picked who replicates whom, record the real roles."""
    for node in cache.nodes:
        try:
            c = _node_client(cache, node)
            try:
                role = c.execute_command("ROLE")
            finally:
                c.close()
            first = role[0].decode() if isinstance(role[0], bytes) else role[0]
            node.role = "primary" if first == "master" else "replica"
        except Exception:
            pass


# --- state on disk, re-attach and repair ---------------------------------------------------------


def _save_state(cache: RunningCache) -> None:
    spec = asdict(cache.spec)
    spec.pop("password", None)
    spec.pop("secondary_password", None)
    state = {
        "host": cache.host, "port": cache.port, "tls_port": cache.tls_port, "plain_port": cache.plain_port,
        "ca_file": str(cache.ca_file) if cache.ca_file else None, "cluster": cache.cluster,
        "spec": spec, "nodes": [asdict(n) for n in cache.nodes], "group": cache.group,
    }
    tmp = cache.folder / (STATE_FILE + ".tmp")
    tmp.write_text(json.dumps(state, indent=2), encoding="utf-8")
    os.replace(tmp, cache.folder / STATE_FILE)


def load_cache(folder: Path, password: str | None = None, secondary_password: str | None = None) -> RunningCache | None:
    """The cache recorded in `folder` (running or not), or None when there is none."""
    try:
        state = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    spec = RedisSpec(**{**state.get("spec", {}), "password": password, "secondary_password": secondary_password})
    known = set(NodeInfo.__dataclass_fields__)
    nodes = [NodeInfo(**{k: v for k, v in n.items() if k in known}) for n in state.get("nodes", [])]
    return RunningCache(
        host=state["host"], port=state["port"], tls_port=state.get("tls_port"), plain_port=state.get("plain_port"),
        ca_file=Path(state["ca_file"]) if state.get("ca_file") else None, password=password,
        cluster=bool(state.get("cluster")), pids=[n.pid for n in nodes], nodes=nodes, folder=folder, spec=spec,
        group=str(state.get("group") or ""),
    )


def ensure_running(folder: Path, password: str | None = None, log: Callable[[str], None] | None = None,
                   group: str | None = None) -> RunningCache:
    """Restart every recorded node whose process died, on its own port with its own data."""
    say = log or (lambda line: logger.info("%s", line))
    cache = load_cache(folder, password)
    if cache is None:
        raise CacheError(_("No cache is recorded in {folder}.").format(folder=folder))
    cache.group = group or cache.group or str(uuid.uuid4())
    restarted = []
    for node in cache.nodes:
        if processes.is_owned(node):
            continue
        if processes.pid_alive(node.pid) and node.identity is None and processes.port_open(node.port):
            # Started by an older version (no identity): it may well be our node; never signalled, so say so.
            raise CacheError(_("redis-server {name} (pid {pid}) was started by an older mlfunc-wizard and cannot be "
                               "checked; stop it yourself (kill {pid}) and deploy again.").format(
                name=node.name, pid=node.pid))
        _spawn(node, cache.group)
        restarted.append(node)
        say(_("Restarted redis-server {name} (pid {pid}, port {port}).").format(
            name=node.name, pid=node.pid, port=node.port))
    cache.pids = [n.pid for n in cache.nodes]
    _save_state(cache)
    try:
        for node in restarted:
            _wait_ready(cache, node)
        if cache.cluster and restarted:
            if not processes.wait_until(lambda: _cluster_ok(cache), timeout=CLUSTER_TIMEOUT_S, interval=0.1):
                raise CacheError(_("The restarted Redis Cluster did not reach state ok; see the node logs in {folder}").format(
                    folder=folder))
    except BaseException:
        for node in restarted:
            processes.kill_owned(node, log=say)
        raise
    return cache


def wait_healthy(cache: RunningCache, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cache.healthy():
            return True
        time.sleep(0.1)
    return False
