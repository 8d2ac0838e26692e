"""The cached entry in-process against real redis-server processes: hits, misses, order, TTL, auth, TLS,
cluster, and failing open (killed, stopped or refusing Redis) with a circuit breaker."""

from __future__ import annotations

import json
import logging
import os
import signal
import time
from pathlib import Path

import joblib
import pytest
from sklearn.datasets import load_digits

from wizard.appgen import builder
from wizard.profile import Profile
from tests.polling import wait_for
from wizard.runtime.breaker import CLOSED, HALF_OPEN, OPEN
from wizard.runtime.redis_client import client_options
from wizard.runtime.service import ScoringService
from wizard.runtime.settings import RuntimeSettings

ROWS = load_digits().data[:12].tolist()


@pytest.fixture(scope="module")
def digits_app(tmp_path_factory) -> Path:
    """One generated app (digits sample) for the module; building trains the sample once."""
    home = tmp_path_factory.mktemp("home")
    old = os.environ.get("MLFUNC_WIZARD_HOME")
    os.environ["MLFUNC_WIZARD_HOME"] = str(home)
    try:
        out = tmp_path_factory.mktemp("app") / "app"
        builder.build_app(Profile(), out)
    finally:
        if old is None:
            os.environ.pop("MLFUNC_WIZARD_HOME", None)
        else:
            os.environ["MLFUNC_WIZARD_HOME"] = old
    return out


@pytest.fixture(scope="module")
def model(digits_app):
    return joblib.load(digits_app / "model" / "model.pkl")


@pytest.fixture(autouse=True)
def _own_model_dir(monkeypatch):
    # The runtime sets AZUREML_MODEL_DIR like Azure ML does; keep each test's value to itself.
    monkeypatch.delenv("AZUREML_MODEL_DIR", raising=False)


def env_for(cache, **extra: str) -> dict[str, str]:
    env = {
        "REDIS_HOST": cache.host,
        "REDIS_PORT": str(cache.port),
        "REDIS_SSL": "true" if cache.tls_port and cache.port == cache.tls_port else "false",
        "REDIS_CLUSTER": "true" if cache.cluster else "false",
        # Generous: these tests assert HIT/MISS, not speed, and the suite shares two busy cores.
        "CACHE_TIMEOUT_MS": "2000",
    }
    if cache.ca_file:
        env["REDIS_CA_FILE"] = str(cache.ca_file)
    if cache.password:
        env["REDIS_PASSWORD"] = cache.password
    env.update(extra)
    return env


def service_for(app: Path, env: dict[str, str]) -> ScoringService:
    return ScoringService(app, settings=RuntimeSettings.from_env(env, app_dir=app))


def score(service: ScoringService, rows) -> tuple[int, str | None, dict]:
    answer = service.score_body(json.dumps({"data": rows}).encode())
    return answer.status, answer.headers.get("X-Cache"), answer.body


def expected(model, rows) -> list:
    return model.predict(rows).tolist()




def test_miss_then_hit_with_key_layout_and_ttl(digits_app, model, redis_factory):
    cache = redis_factory(tls=False, non_tls_port=True)
    service = service_for(digits_app, env_for(cache, CACHE_TTL_SECONDS="120", CACHE_KEY_PREFIX="t1"))
    rows = ROWS[:3]
    assert score(service, rows) == (200, "MISS", {"result": expected(model, rows)})
    assert score(service, rows) == (200, "HIT", {"result": expected(model, rows)})
    client = cache.client()
    keys = sorted(k.decode() for k in client.keys("t1:*"))
    assert len(keys) == 3
    version = service.settings.model_version
    assert all(k.startswith(f"t1:digits:{version}:") and len(k.rsplit(":", 1)[1]) == 64 for k in keys)
    assert all(0 < client.ttl(k) <= 120 for k in keys)
    assert service.health().body == {"model_loaded": True, "cache": "ok", "model_name": "digits", "model_version": version}


def test_partial_batch_keeps_input_order_and_predicts_only_missed_rows(digits_app, model, redis_factory):
    cache = redis_factory(tls=False, non_tls_port=True)
    service = service_for(digits_app, env_for(cache))
    assert score(service, [ROWS[1], ROWS[3]])[1] == "MISS"
    batch = [ROWS[5], ROWS[3], ROWS[6], ROWS[1], ROWS[5]]
    entry = service.load()
    prediction = entry.predict(batch)
    assert prediction.cache == "PARTIAL"
    assert prediction.computed_rows == 2  # ROWS[5] (twice in the batch) and ROWS[6]
    assert prediction.result == expected(model, batch)
    assert score(service, batch) == (200, "HIT", {"result": expected(model, batch)})


def test_entries_expire_after_the_ttl(digits_app, model, redis_factory):
    cache = redis_factory(tls=False, non_tls_port=True)
    service = service_for(digits_app, env_for(cache, CACHE_TTL_SECONDS="1"))
    rows = [ROWS[7]]
    assert score(service, rows)[1] == "MISS"
    key = service.load().key(ROWS[7])
    client = cache.client()
    assert client.exists(key)
    wait_for(lambda: not client.exists(key), what="the key to expire")
    assert score(service, rows) == (200, "MISS", {"result": expected(model, rows)})


def test_password_protected_cache_and_a_wrong_password_fails_open_without_leaking_it(digits_app, model, redis_factory, caplog):
    cache = redis_factory(tls=False, non_tls_port=True, password="s3cret-Pa55word-for-test")
    good = service_for(digits_app, env_for(cache))
    assert score(good, ROWS[:2])[1] == "MISS"
    assert score(good, ROWS[:2])[1] == "HIT"
    caplog.set_level(logging.WARNING)
    bad = service_for(digits_app, env_for(cache, REDIS_PASSWORD="wrong-Pa55word-xyz"))
    assert score(bad, ROWS[:2]) == (200, "BYPASS", {"result": expected(model, ROWS[:2])})
    assert "Redis MGET failed" in caplog.text
    assert "wrong-Pa55word-xyz" not in caplog.text and "s3cret-Pa55word-for-test" not in caplog.text
    assert "wrong-Pa55word-xyz" not in repr(bad.settings)


def test_tls_with_private_ca_and_certificate_verification_on(digits_app, model, redis_factory):
    cache = redis_factory(tls=True)
    assert cache.ca_file is not None
    service = service_for(digits_app, env_for(cache))
    assert service.settings.redis.ssl
    assert score(service, ROWS[:2])[1] == "MISS"
    assert score(service, ROWS[:2]) == (200, "HIT", {"result": expected(model, ROWS[:2])})
    # Without the private CA the certificate is not trusted: the app answers anyway, uncached.
    env = env_for(cache)
    env.pop("REDIS_CA_FILE")
    untrusting = service_for(digits_app, env)
    assert score(untrusting, ROWS[:2]) == (200, "BYPASS", {"result": expected(model, ROWS[:2])})


def test_cluster_client_spreads_rows_over_shards(digits_app, model, redis_factory):
    cache = redis_factory(tls=False, non_tls_port=True, shards=3)
    assert cache.cluster
    service = service_for(digits_app, env_for(cache))
    assert service.settings.redis.cluster
    assert score(service, ROWS) == (200, "MISS", {"result": expected(model, ROWS)})
    batch = ROWS[:6] + [load_digits().data[100].tolist()]
    assert score(service, batch) == (200, "PARTIAL", {"result": expected(model, batch)})
    assert score(service, batch)[1] == "HIT"
    client = cache.client()
    per_node = [n for n in client.get_primaries() if client.get_redis_connection(n).dbsize() > 0]
    assert len(per_node) >= 2  # 13 keys over 3 shards: more than one shard holds keys


def test_redis_killed_mid_run_answers_bypass_and_stays_correct(digits_app, model, redis_factory):
    cache = redis_factory(tls=False, non_tls_port=True)
    service = service_for(digits_app, env_for(cache))
    assert score(service, ROWS[:2])[1] == "MISS"
    cache.kill()
    wait_for(lambda: not cache.alive(), what="redis-server to die")
    assert score(service, ROWS[:2]) == (200, "BYPASS", {"result": expected(model, ROWS[:2])})
    health = service.health()
    assert health.status == 200 and health.body["cache"] == "unreachable"


def test_breaker_opens_after_repeated_failures_then_half_opens_and_recovers(digits_app, model, redis_factory, caplog):
    cache = redis_factory(tls=False, non_tls_port=True)
    service = service_for(digits_app, env_for(cache, CACHE_BREAKER_FAILURES="2", CACHE_BREAKER_COOLDOWN_S="2"))
    breaker = service.cache.breaker
    assert score(service, ROWS[:1])[1] == "MISS"
    cache.kill()
    wait_for(lambda: not cache.alive(), what="redis-server to die")
    caplog.set_level(logging.WARNING, logger="wizard.runtime.cache")
    for _ in range(2):  # each request: MGET fails (the SET is skipped once the breaker is open)
        assert score(service, ROWS[:1]) == (200, "BYPASS", {"result": expected(model, ROWS[:1])})
    assert breaker.state == OPEN
    failures_logged = caplog.text.count("failed on")
    # While open, requests skip Redis entirely: no new attempts, no new warnings.
    assert score(service, ROWS[:1])[1] == "BYPASS"
    assert caplog.text.count("failed on") == failures_logged
    restarted = cache.restart()  # same port, new PID
    wait_for(restarted.healthy, what="redis-server to restart")
    wait_for(lambda: breaker.state == HALF_OPEN, what="the cool-down to end")
    status, x_cache, body = score(service, ROWS[:1])
    assert (status, body) == (200, {"result": expected(model, ROWS[:1])})
    assert x_cache in ("HIT", "MISS")  # the probe reached Redis (its data may have survived or not)
    assert breaker.state == CLOSED
    assert score(service, ROWS[:1])[1] == "HIT"


def test_stopped_redis_costs_one_short_timeout_and_fails_open(digits_app, model, redis_factory):
    cache = redis_factory(tls=False, non_tls_port=True)
    service = service_for(digits_app, env_for(cache, CACHE_TIMEOUT_MS="300", CACHE_BREAKER_FAILURES="1", CACHE_BREAKER_COOLDOWN_S="60"))
    assert score(service, ROWS[:2])[1] == "MISS"
    pid = cache.pids[0]
    os.kill(pid, signal.SIGSTOP)  # Redis hangs: accepts nothing, answers nothing
    try:
        assert score(service, ROWS[:2]) == (200, "BYPASS", {"result": expected(model, ROWS[:2])})
        assert service.cache.breaker.state == OPEN
        assert score(service, ROWS[:2])[1] == "BYPASS"
    finally:
        os.kill(pid, signal.SIGCONT)


def test_no_redis_configured_means_cache_disabled(digits_app, model):
    service = service_for(digits_app, {})
    assert service.cache is None
    assert score(service, ROWS[:2]) == (200, "BYPASS", {"result": expected(model, ROWS[:2])})
    assert service.health().body["cache"] == "disabled"


def test_entra_setting_uses_a_managed_identity_credential_provider_and_no_password():
    # Managed identity tokens cannot be issued on this machine; this checks the client we would build.
    from redis_entraid.cred_provider import EntraIdCredentialsProvider

    settings = RuntimeSettings.from_env(
        {"REDIS_HOST": "x.westeurope.redis.azure.net", "REDIS_PORT": "10000", "REDIS_ENTRA": "true",
         "REDIS_PASSWORD": "ignored", "AZURE_CLIENT_ID": "00000000-0000-0000-0000-000000000001"}
    )
    options = client_options(settings.redis)
    assert isinstance(options["credential_provider"], EntraIdCredentialsProvider)
    assert "password" not in options
    assert options["ssl"] is True and options["socket_timeout"] == 0.1
    assert options["retry"].get_retries() == 0


def test_each_thread_keeps_one_connection_and_a_thread_end_releases_it(digits_app, model, redis_factory):
    """Connection reuse across requests: a worker thread scores through its own client and connection
    (no shared pool to lock and probe per command); one-row write-backs need no second connection."""
    import gc
    import threading

    cache = redis_factory(tls=True, password="per-thread-password-1")
    service = service_for(digits_app, env_for(cache))
    assert service.try_load()
    admin = cache.client()
    baseline = len(admin.client_list())
    scored = [threading.Event() for _ in range(3)]
    done = threading.Event()
    answers: list[tuple] = []

    def worker(offset: int) -> None:
        for index in range(5):  # misses (one-row write-backs), then hits, on one connection
            answers.append(score(service, [ROWS[offset + index % 2]]))
        scored[offset // 2].set()
        done.wait(20)

    threads = [threading.Thread(target=worker, args=(n * 2,)) for n in range(3)]
    for thread in threads:
        thread.start()
    wait_for(lambda: all(e.is_set() for e in scored), what="three threads to finish scoring")
    assert len(admin.client_list()) == baseline + 3
    assert all(status == 200 for status, _, _ in answers) and {c for _, c, _ in answers} <= {"MISS", "HIT"}
    done.set()
    for thread in threads:
        thread.join(20)
    gc.collect()
    wait_for(lambda: len(admin.client_list()) == baseline, what="the ended threads' connections to close")
