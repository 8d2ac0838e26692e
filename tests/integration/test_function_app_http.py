"""The generated function app served by the real local host over real HTTP, with a real redis-server.

build_app() writes the app for the default profile (digits sample); the host runs it as a
subprocess; the cache is a redis-server started on a free port. Nothing is mocked.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.polling import wait_for
from tests.fixtures.function_host import (
    FUNCTION_KEY,
    MASTER_KEY,
    build_generated_app,
    cache_settings,
    run_host_to_exit,
    start_function_host,
)
from wizard.profile import Profile
from wizard.targets.local.redis import RedisSpec, start_cache

KEYS = {"MLFUNC_FUNCTION_KEY": FUNCTION_KEY, "MLFUNC_MASTER_KEY": MASTER_KEY}
AUTH = {"x-functions-key": FUNCTION_KEY}


def variant(rows: list[list[float]], salt: float) -> list[list[float]]:
    """The same rows with a tiny change in one pixel: new cache keys, same predictions."""
    return [[row[0] + salt * 1e-6, *row[1:]] for row in rows]




@pytest.fixture(scope="module")
def shared(tmp_path_factory, generated_app):
    """One plain redis-server and one host for the checks that do not disturb either."""
    built, settings = generated_app
    cache = start_cache(RedisSpec(tls=False), tmp_path_factory.mktemp("shared-redis"))
    host = None
    try:
        host = start_function_host(built.path, tmp_path_factory.mktemp("shared-host") / "host.log", {**settings, **cache_settings(cache), **KEYS})
        assert host.wait_until_healthy().status == 200, host.log()
        yield host, cache, built
    finally:
        if host is not None:
            host.stop()
        cache.stop()


@pytest.fixture
def app_host(tmp_path, function_host, redis_factory, generated_app):
    """A fresh cache and host for tests that change settings or kill Redis: host(cache_spec, **settings)."""
    built, settings = generated_app

    def make(spec: dict | None = None, **extra_settings: str):
        cache = redis_factory(**(spec or {"tls": False}))
        host = function_host(built.path, {**settings, **cache_settings(cache), **KEYS, **extra_settings})
        return host, cache

    return make


def test_same_input_is_a_miss_then_a_hit(shared, digits_rows):
    host, cache, built = shared
    rows = variant(digits_rows, 1)
    first = host.post_json("/api/score", {"data": rows}, AUTH)
    assert first.status == 200, first.body
    assert first.header("x-cache") == "MISS"
    assert first.header("x-model-version") == built.model_version
    assert first.json()["result"] == [0, 1, 2]
    second = host.post_json("/api/score", {"data": rows}, AUTH)
    assert second.status == 200
    assert second.header("x-cache") == "HIT"
    assert second.json() == first.json()
    # The answers sit in Redis under <prefix>:<model>:<version>:<sha256>, with a TTL.
    keys = cache.client().keys(f"mlfunc:{built.model_name}:{built.model_version}:*")
    assert len(keys) >= 3
    assert 0 < cache.client().ttl(keys[0]) <= 3600


def test_half_cached_batch_is_partial_and_keeps_the_order(shared, digits_rows):
    host, _cache, _built = shared
    rows = variant(digits_rows, 2)  # three rows predicted 0, 1, 2
    assert host.post_json("/api/score", {"data": [rows[1]]}, AUTH).header("x-cache") == "MISS"
    mixed = host.post_json("/api/score", {"data": [rows[2], rows[1], rows[0]]}, AUTH)
    assert mixed.status == 200
    assert mixed.header("x-cache") == "PARTIAL"
    assert mixed.json()["result"] == [2, 1, 0]
    again = host.post_json("/api/score", {"data": [rows[0], rows[2]]}, AUTH)
    assert again.header("x-cache") == "HIT"
    assert again.json()["result"] == [0, 2]


def test_health_is_anonymous_and_reports_model_and_cache(shared):
    host, _cache, built = shared
    answer = host.request("GET", "/api/health")
    assert answer.status == 200
    assert answer.json()["model_loaded"] is True
    assert answer.json()["cache"] == "ok"
    assert answer.json()["model_version"] == built.model_version


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"",
        b'{"data": [[1, 2, 3]]}',  # rows of the wrong width for the digits model
        b'{"rows": [[1, 2]]}',
        b'{"data": "text"}',
        b'{"data": [1, 2, 3]}',
        b'[[1, 2]]',
        b'{"data": [[NaN]]}',
        b"\xff\xfe\x00",
    ],
)
def test_invalid_json_or_wrong_shape_is_400_with_a_sentence(shared, body):
    host, _cache, _built = shared
    answer = host.request("POST", "/api/score", body, {**AUTH, "content-type": "application/json"})
    assert answer.status == 400
    error = answer.json()["error"]
    assert "data" in error or "JSON" in error or "number" in error
    assert "Traceback" not in answer.body.decode("utf-8", "replace")


def test_body_over_the_limit_is_413(shared, digits_rows):
    host, _cache, _built = shared
    big = {"data": [digits_rows[0]] * 6000}  # about 1.6 MB, over the 1 MiB default
    answer = host.post_json("/api/score", big, AUTH)
    assert answer.status == 413
    assert "limit" in answer.json()["error"]


@pytest.mark.parametrize(
    ("path", "headers"),
    [("/api/score", {}), ("/api/score?code=wrong", {}), ("/api/score", {"x-functions-key": "wrong"})],
)
def test_score_without_a_valid_key_is_401(shared, digits_rows, path, headers):
    host, _cache, _built = shared
    assert host.post_json(path, {"data": digits_rows}, headers).status == 401


def test_score_accepts_the_key_in_the_query_and_the_master_key(shared, digits_rows):
    host, _cache, _built = shared
    assert host.post_json(f"/api/score?code={FUNCTION_KEY}", {"data": digits_rows}).status == 200
    assert host.post_json("/api/score", {"data": digits_rows}, {"x-functions-key": MASTER_KEY}).status == 200


def test_admin_level_app_accepts_only_the_master_key(tmp_path, samples_home, function_host, redis_factory, digits_rows):
    profile = Profile()
    profile.function.trigger.auth_level = "admin"
    built, settings = build_generated_app(profile, tmp_path / "app", samples_home)
    cache = redis_factory(tls=False)
    host = function_host(built.path, {**settings, **cache_settings(cache), **KEYS})
    assert host.post_json("/api/score", {"data": digits_rows}, AUTH).status == 401
    assert host.post_json("/api/score", {"data": digits_rows}).status == 401
    assert host.post_json("/api/score", {"data": digits_rows}, {"x-functions-key": MASTER_KEY}).status == 200


def test_answers_expire_after_the_ttl(app_host, digits_rows):
    host, cache = app_host(CACHE_TTL_SECONDS="1")
    rows = variant(digits_rows, 3)
    assert host.post_json("/api/score", {"data": rows}, AUTH).header("x-cache") == "MISS"
    assert host.post_json("/api/score", {"data": rows}, AUTH).header("x-cache") == "HIT"
    assert all(cache.client().ttl(key) <= 1 for key in cache.client().keys("mlfunc:*"))
    # Bounded polling: Redis expires the keys about a second later; then the model answers again.
    wait_for(lambda: not cache.client().keys("mlfunc:*"), what="the keys to expire")
    assert host.post_json("/api/score", {"data": rows}, AUTH).header("x-cache") == "MISS"


def test_redis_killed_mid_test_still_answers_with_bypass(app_host, digits_rows):
    host, cache = app_host()
    rows = variant(digits_rows, 4)
    assert host.post_json("/api/score", {"data": rows}, AUTH).header("x-cache") == "MISS"
    assert host.post_json("/api/score", {"data": rows}, AUTH).header("x-cache") == "HIT"
    cache.kill()
    for _ in range(5):  # through the failures and then the open circuit breaker
        answer = host.post_json("/api/score", {"data": rows}, AUTH)
        assert answer.status == 200
        assert answer.header("x-cache") == "BYPASS"
        assert answer.json()["result"] == [0, 1, 2]
    health = host.request("GET", "/api/health")
    assert health.status == 200
    assert health.json()["cache"] == "unreachable"


@pytest.mark.parametrize(
    "spec",
    [
        {"tls": True, "password": "host-test-secret-123"},
        {"tls": False, "shards": 3},
    ],
    ids=["tls-with-password", "cluster-3-shards"],
)
def test_miss_then_hit_over_tls_and_on_a_cluster(app_host, digits_rows, spec):
    host, _cache = app_host(spec)
    rows = variant(digits_rows, 5)
    first = host.post_json("/api/score", {"data": rows}, AUTH)
    assert (first.status, first.header("x-cache")) == (200, "MISS")
    second = host.post_json("/api/score", {"data": rows}, AUTH)
    assert (second.status, second.header("x-cache")) == (200, "HIT")
    assert second.json() == first.json()
    assert "host-test-secret-123" not in host.log()


USER_SCORE = textwrap.dedent(
    '''
    """A user's own Azure ML entry script: no joblib, its own init() and run()."""
    import json

    calls = {"init": 0}
    weights = None


    def init():
        global weights
        calls["init"] += 1
        weights = [1.0, 2.0, 3.0]


    def run(raw_data):
        data = json.loads(raw_data)["data"]
        if data[0][0] == 666:
            raise ValueError("user model cannot score 666 (this text must not reach the client)")
        return [{"score": sum(w * x for w, x in zip(weights, row)), "inits": calls["init"]} for row in data]
    '''
)


def test_user_score_py_is_wrapped_unchanged(tmp_path, samples_home, function_host, redis_factory):
    script = tmp_path / "profile" / "my_score.py"
    script.parent.mkdir()
    script.write_text(USER_SCORE)
    profile = Profile()
    profile.base_dir = script.parent
    profile.model.entry_script = "my_score.py"
    built, settings = build_generated_app(profile, tmp_path / "app", samples_home)
    assert (built.path / "score.py").read_text() == USER_SCORE
    cache = redis_factory(tls=False)
    host = function_host(built.path, {**settings, **cache_settings(cache), **KEYS})
    first = host.post_json("/api/score", {"data": [[1, 1, 1], [0, 0, 3]]}, AUTH)
    assert first.status == 200, first.body
    assert first.header("x-cache") == "MISS"
    # init() ran once; run() got the AML-style JSON string and answered per row.
    assert first.json()["result"] == [{"score": 6.0, "inits": 1}, {"score": 9.0, "inits": 1}]
    second = host.post_json("/api/score", {"data": [[0, 0, 3], [1, 1, 1]]}, AUTH)
    assert second.header("x-cache") == "HIT"
    assert second.json()["result"] == [{"score": 9.0, "inits": 1}, {"score": 6.0, "inits": 1}]
    failed = host.post_json("/api/score", {"data": [[666, 0, 0]]}, AUTH)
    assert failed.status == 500
    body = failed.json()
    assert body["correlation_id"]
    # The input does not leak into the answer (the random correlation id may contain "666" by chance: left out).
    assert "666" not in json.dumps(body).replace(body["correlation_id"], "") and "Traceback" not in failed.body.decode()
    assert body["correlation_id"] in host.log()


def test_blob_trigger_end_to_end_through_the_watched_folder(tmp_path, samples_home, function_host, redis_factory, digits_rows):
    profile = Profile()
    profile.function.trigger.type = "blob"
    profile.function.trigger.input_path = "scoring-input/{name}.json"
    profile.function.trigger.output_path = "scoring-output/{name}.result.json"
    built, settings = build_generated_app(profile, tmp_path / "app", samples_home)
    cache = redis_factory(tls=False)
    root = tmp_path / "storage"
    host = function_host(built.path, {**settings, **cache_settings(cache), **KEYS, "MLFUNC_BLOB_ROOT": str(root), "MLFUNC_BLOB_POLL_SECONDS": "0.05"})
    names = {f["name"] for f in host.request("GET", "/admin/host/status", headers={"x-functions-key": MASTER_KEY}).json()["functions"]}
    assert "score_blob" in names

    def drop(name: str) -> None:
        (root / "scoring-input").mkdir(parents=True, exist_ok=True)
        partial = root / "scoring-input" / f".{name}.part"
        partial.write_text(json.dumps({"data": variant(digits_rows, 6)}))
        partial.replace(root / "scoring-input" / f"{name}.json")

    def result(name: str):
        path = root / "scoring-output" / f"{name}.result.json"
        return json.loads(path.read_text()) if path.exists() else None

    drop("first")
    first = wait_for(lambda: result("first"), what="the first blob's result")
    assert first["result"] == [0, 1, 2]
    assert first["cache"] == "MISS"
    drop("second")  # same rows under another name: answered from Redis
    second = wait_for(lambda: result("second"), what="the second blob's result")
    assert second["result"] == [0, 1, 2]
    assert second["cache"] == "HIT"


def test_service_bus_app_is_refused_by_the_local_host(tmp_path, samples_home):
    profile = Profile()
    profile.function.trigger.type = "service-bus-queue"
    built, settings = build_generated_app(profile, tmp_path / "app", samples_home)
    finished = run_host_to_exit(built.path, settings)
    assert finished.returncode == 3
    assert "cannot run Service Bus triggers" in finished.stderr
    assert "azure target" in finished.stderr
    assert "Traceback" not in finished.stderr
