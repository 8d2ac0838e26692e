"""The local cache is real redis-server: TLS with the generated CA, keys, cluster, persistence, clean stop."""

from __future__ import annotations

import ssl

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from wizard.targets.local import processes

NO_RETRY = Retry(NoBackoff(), 0)  # a refused connection must fail now, not after redis-py's retries


def test_plain_server_answers(redis_factory):
    cache = redis_factory(tls=False)
    assert cache.tls_port is None and cache.plain_port == cache.port
    client = cache.client()
    client.set("k", "v")
    assert client.get("k") == b"v"


def test_tls_with_generated_ca_works_and_plain_is_refused(redis_factory):
    cache = redis_factory(tls=True)
    assert cache.plain_port is None and cache.tls_port == cache.port
    assert cache.ca_file is not None and cache.ca_file.is_absolute()
    client = redis.Redis(host=cache.host, port=cache.port, ssl=True, ssl_ca_certs=str(cache.ca_file))
    assert client.ping() is True
    # Without the CA the server certificate is not trusted.
    untrusting = redis.Redis(host=cache.host, port=cache.port, ssl=True, socket_timeout=2, retry=NO_RETRY)
    with pytest.raises(redis.ConnectionError):
        untrusting.ping()
    # A plain-text client on the TLS port gets no answer it understands.
    plain = redis.Redis(host=cache.host, port=cache.port, socket_timeout=1, socket_connect_timeout=1, retry=NO_RETRY)
    with pytest.raises((redis.ConnectionError, redis.TimeoutError, ssl.SSLError)):
        plain.ping()


def test_non_tls_port_only_when_asked(redis_factory):
    cache = redis_factory(tls=True, non_tls_port=True, password="p" * 32)
    assert cache.plain_port and cache.tls_port and cache.port == cache.tls_port
    assert cache.client(tls=False).ping() is True
    assert cache.client(tls=True).ping() is True


def test_password_required_and_wrong_one_refused(redis_factory):
    cache = redis_factory(tls=True, password="primary-key-0123456789", secondary_password="secondary-key-0123456789")
    assert cache.client().ping() is True
    assert cache.client(password="secondary-key-0123456789").ping() is True
    with pytest.raises(redis.AuthenticationError):
        cache.client(password="wrong-password-xyz").ping()
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(host=cache.host, port=cache.port, ssl=True, ssl_ca_certs=str(cache.ca_file), retry=NO_RETRY).ping()
    # The key is in the 0600 config file, never on a command line visible in `ps`.
    for pid in cache.pids:
        assert "primary-key" not in processes.pid_cmdline(pid)


def test_three_shard_cluster_spreads_keys(redis_factory):
    cache = redis_factory(tls=True, password="cluster-key-0123456789", shards=3)
    assert cache.cluster and len(cache.pids) == 3
    client = cache.client()
    for i in range(60):
        client.set(f"key:{i}", i)
    assert client.get("key:42") == b"42"
    per_node = []
    for node in cache.nodes:
        single = redis.Redis(host=cache.host, port=node.port, ssl=True, ssl_ca_certs=str(cache.ca_file),
                             password="cluster-key-0123456789")
        per_node.append(single.dbsize())
    assert sum(per_node) == 60
    assert all(n > 0 for n in per_node), per_node


def test_cluster_with_replicas(redis_factory):
    cache = redis_factory(tls=False, shards=3, replicas=1)
    roles = sorted(n.role for n in cache.nodes)
    assert roles == ["primary"] * 3 + ["replica"] * 3
    client = cache.client()
    client.set("x", "1")
    assert client.get("x") == b"1"


def test_small_cluster_of_one_shard(redis_factory):
    cache = redis_factory(tls=True, shards=1)
    client = cache.client()
    client.set("a", "b")
    assert client.get("a") == b"b"


def test_aof_survives_restart(redis_factory, tmp_path):
    cache = redis_factory(folder=tmp_path / "aof", tls=True, password="aof-key-0123456789", persistence="aof")
    client = cache.client()
    client.set("survivor", "yes")
    client.close()
    cache.stop()
    assert not cache.alive()
    again = cache.restart()
    assert again.port == cache.port and again.pids != cache.pids
    assert again.client().get("survivor") == b"yes"


def test_rdb_schedule_written_and_saved_on_stop(redis_factory, tmp_path):
    cache = redis_factory(folder=tmp_path / "rdb", tls=False, persistence="rdb", rdb_frequency_minutes=15)
    assert cache.client().config_get("save")["save"] == "900 1"
    cache.client().set("k", "v")
    cache.stop()
    assert (tmp_path / "rdb" / "node-0" / "dump.rdb").is_file()


def test_kill_leaves_no_process(redis_factory):
    cache = redis_factory(tls=True, shards=3)
    assert cache.alive()
    cache.kill()
    for pid in cache.pids:
        assert not processes.pid_alive(pid)
    for node in cache.nodes:
        assert not processes.port_open(node.port)


def test_port_taken_between_probe_and_bind_is_retried(redis_factory, monkeypatch):
    """Another program can grab a probed port before redis binds it; the start retries on fresh ports.
    The race itself cannot be produced on demand, so free_port is steered (narrowest seam) to hand out
    a port that a real listening socket already holds."""
    import socket

    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    taken = blocker.getsockname()[1]
    real_free_port = processes.free_port
    handed = []

    def steered() -> int:
        port = taken if not handed else real_free_port()
        handed.append(port)
        return port

    monkeypatch.setattr(processes, "free_port", steered)
    try:
        cache = redis_factory(tls=False)
    finally:
        blocker.close()
    assert handed[0] == taken and cache.port != taken
    assert cache.client().ping() is True
