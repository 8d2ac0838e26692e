"""Fuzz: arbitrary bodies at /api/score of the generated app on the real host never give a stray 5xx or a traceback.

One host and one redis-server serve all examples (module scope); hypothesis runs a bounded number of them.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures.function_host import FUNCTION_KEY, cache_settings, start_function_host
from wizard.targets.local.redis import RedisSpec, start_cache

TRACE_MARKERS = ("Traceback", 'File "')


@pytest.fixture(scope="module")
def fuzz_host(tmp_path_factory, generated_app):
    built, app_settings = generated_app
    cache = start_cache(RedisSpec(tls=False), tmp_path_factory.mktemp("fuzz-redis"))
    host = None
    try:
        env = {**app_settings, **cache_settings(cache), "MLFUNC_FUNCTION_KEY": FUNCTION_KEY, "MLFUNC_HOST_LOG_LEVEL": "WARNING"}
        host = start_function_host(built.path, tmp_path_factory.mktemp("fuzz-host") / "host.log", env)
        yield host
    finally:
        if host is not None:
            host.stop()
        cache.stop()


numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.integers().map(lambda n: n * 10**400),  # far beyond float range
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, -0.0, 1e308, -1e308, 5e-324, 16, 255]),
)
json_values = st.recursive(
    st.none() | st.booleans() | numbers | st.text(max_size=20),
    lambda children: st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=40,
)
rows_of_64 = st.lists(st.lists(numbers, min_size=64, max_size=64), min_size=1, max_size=4)


def _raw(value) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


bodies = st.one_of(
    st.binary(max_size=2048),
    st.text(max_size=200).map(lambda t: t.encode("utf-8")),
    json_values.map(_raw),
    st.builds(lambda d: _raw({"data": d}), json_values),
    rows_of_64.map(lambda rows: _raw({"data": rows})),  # well-shaped: reaches the model and the cache
    st.builds(
        lambda token, width: f'{{"data": [[{", ".join([token] * width)}]]}}'.encode(),
        st.sampled_from(["NaN", "Infinity", "-Infinity", '"NaN"', "1e999", "-1e999", "null", "true", '"\u00e9\u6f22"']),
        st.sampled_from([1, 63, 64, 65]),
    ),
    st.integers(min_value=1, max_value=50_000).map(lambda depth: b"[" * depth + b"]" * depth),
    st.integers(min_value=1, max_value=5_000).map(lambda depth: (b'{"data":' + b"[" * depth + b"1" + b"]" * depth + b"}")),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(body=bodies, content_type=st.sampled_from(["application/json", "text/plain", "application/octet-stream", ""]))
def test_arbitrary_bodies_never_break_the_app(fuzz_host, body, content_type):
    headers = {"x-functions-key": FUNCTION_KEY}
    if content_type:
        headers["content-type"] = content_type
    answer = fuzz_host.request("POST", "/api/score", body, headers)
    text = answer.body.decode("utf-8", "replace")
    assert answer.status in (200, 400, 413, 500), (answer.status, body[:200])
    document = answer.json()  # every answer of the app is JSON
    if answer.status == 500:
        # Only the model-failure answer, with its correlation id.
        assert set(document) == {"error", "correlation_id"}, document
    if answer.status == 200:
        assert isinstance(document["result"], list)
        assert answer.header("x-cache") in ("HIT", "MISS", "PARTIAL", "BYPASS")
    else:
        assert "error" in document
    assert not any(marker in text for marker in TRACE_MARKERS), text[:300]
