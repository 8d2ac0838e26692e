"""The Azure ML entry-script contract through the cached entry: a user's score.py works unchanged,
single flight, model failures, health, and the blob / Service Bus adapters."""

from __future__ import annotations

import json
import logging
import os
import textwrap
import threading
import time
from pathlib import Path

import azure.functions as func
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.appgen import builder
from wizard.profile import Profile
from wizard.runtime import triggers
from wizard.runtime.entry_script import EntryScript
from wizard.runtime.service import ScoringService
from wizard.runtime.settings import RuntimeSettings

# An Azure ML style entry script written without any knowledge of the cache: reads its model from
# AZUREML_MODEL_DIR in init(), gets the raw JSON string in run(). The "model" is a weights file.
USER_SCORE = '''
import json
import os

weights = None
calls = []


def init():
    global weights
    with open(os.path.join(os.getenv("AZUREML_MODEL_DIR"), "weights.json")) as handle:
        weights = json.load(handle)


def run(raw_data):
    assert isinstance(raw_data, str), "AML passes the request body as a JSON string"
    rows = json.loads(raw_data)["data"]
    calls.append(len(rows))
    if any(row[0] < 0 for row in rows):
        raise ValueError("negative first feature: the model cannot handle it")
    return [sum(w * x for w, x in zip(weights, row)) for row in rows]
'''

GATED_SCORE = '''
import json
import threading

gate = threading.Event()
started = threading.Event()
calls = []


def init():
    pass


def run(raw_data):
    rows = json.loads(raw_data)["data"]
    calls.append(rows)
    started.set()
    gate.wait(30)
    return [row[0] * 10 for row in rows]
'''

WHOLE_ANSWER_SCORE = '''
import json


def init():
    pass


def run(raw_data):
    rows = json.loads(raw_data)["data"]
    return {"count": len(rows), "total": sum(sum(r) for r in rows)}
'''


@pytest.fixture(autouse=True)
def _own_model_dir(monkeypatch):
    monkeypatch.delenv("AZUREML_MODEL_DIR", raising=False)


def build_with_script(tmp_path: Path, script: str, weights: list[float] | None = None) -> Path:
    """A generated app whose entry script is `script` and whose model file is a weights file."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "my_score.py").write_text(textwrap.dedent(script), encoding="utf-8")
    (project / "weights.json").write_text(json.dumps(weights or [1.0, 2.0, 3.0]), encoding="utf-8")
    profile = Profile()
    profile.base_dir = project
    profile.model.source = "file"
    profile.model.path = "weights.json"
    profile.model.entry_script = "my_score.py"
    out = tmp_path / "app"
    builder.build_app(profile, out)
    return out


def service_for(app: Path, env: dict[str, str] | None = None, script: EntryScript | None = None) -> ScoringService:
    return ScoringService(app, settings=RuntimeSettings.from_env(env or {}, app_dir=app), script=script)


def plain_env(cache) -> dict[str, str]:
    # Generous timeout: these tests assert HIT/MISS, not speed, on two busy cores.
    return {"REDIS_HOST": cache.host, "REDIS_PORT": str(cache.port), "REDIS_SSL": "false", "CACHE_TIMEOUT_MS": "2000"}


def post(service: ScoringService, rows) -> tuple[int, str | None, dict]:
    answer = service.score_body(json.dumps({"data": rows}))
    return answer.status, answer.headers.get("X-Cache"), answer.body


def test_user_score_py_is_shipped_and_wrapped_unchanged(tmp_path, redis_factory):
    app = build_with_script(tmp_path, USER_SCORE)
    assert (app / "score.py").read_text() == textwrap.dedent(USER_SCORE)
    assert json.loads((app / "mlfunc_app.json").read_text())["entry_script_source"] == "user"
    cache = redis_factory(tls=False, non_tls_port=True)
    service = service_for(app, plain_env(cache))
    assert service.settings.model_name == "weights"
    assert post(service, [[1, 1, 1], [0, 0, 1]]) == (200, "MISS", {"result": [6.0, 3.0]})
    assert post(service, [[0, 0, 1], [2, 0, 0], [1, 1, 1]]) == (200, "PARTIAL", {"result": [3.0, 2.0, 6.0]})
    assert post(service, [[1, 1, 1]]) == (200, "HIT", {"result": [6.0]})
    # run() saw only what was not cached: the first batch whole, then the one new row.
    assert service._script.module.calls == [2, 1]


def test_model_exception_is_a_500_with_correlation_id_and_no_traceback(tmp_path, caplog):
    app = build_with_script(tmp_path, USER_SCORE)
    service = service_for(app)
    caplog.set_level(logging.ERROR)
    answer = service.score_body(json.dumps({"data": [[-1, 0, 0]]}))
    assert answer.status == 500
    correlation = answer.body["correlation_id"]
    assert answer.headers["X-Correlation-Id"] == correlation
    text = json.dumps(answer.body)
    assert "Traceback" not in text and "negative first feature" not in text and "ValueError" not in text
    # The server log has the whole story, under the same id.
    assert correlation in caplog.text and "negative first feature" in caplog.text and "Traceback" in caplog.text


def test_concurrent_identical_misses_call_the_model_once(tmp_path, redis_factory):
    app = build_with_script(tmp_path, GATED_SCORE)
    cache = redis_factory(tls=False, non_tls_port=True)
    service = service_for(app, plain_env(cache))
    module = service.load().script.module
    results: list = []

    def request():
        results.append(post(service, [[1.0, 2.0], [3.0, 4.0]]))

    threads = [threading.Thread(target=request) for _ in range(6)]
    threads[0].start()
    assert module.started.wait(10)
    for t in threads[1:]:
        t.start()
    flights = service.load().flights
    deadline = time.monotonic() + 10
    while flights.joined < 5 * 2 and time.monotonic() < deadline:  # 5 callers x 2 rows joined the flight
        time.sleep(0.01)
    module.gate.set()
    for t in threads:
        t.join(10)
    assert len(module.calls) == 1
    assert all(r == (200, "MISS", {"result": [10.0, 30.0]}) for r in results) and len(results) == 6
    assert post(service, [[1.0, 2.0], [3.0, 4.0]])[1] == "HIT"


def test_script_that_does_not_answer_per_row_passes_through_uncached(tmp_path, redis_factory):
    app = build_with_script(tmp_path, WHOLE_ANSWER_SCORE)
    cache = redis_factory(tls=False, non_tls_port=True)
    service = service_for(app, plain_env(cache))
    assert post(service, [[1, 2], [3, 4]]) == (200, "MISS", {"result": {"count": 2, "total": 10}})
    assert post(service, [[1, 2]]) == (200, "MISS", {"result": {"count": 1, "total": 3}})
    assert cache.client().dbsize() == 0


def test_init_failure_reports_unloaded_model_and_503_on_score(tmp_path):
    app = build_with_script(tmp_path, USER_SCORE)
    (app / "model" / "weights.json").unlink()
    service = service_for(app)
    assert not service.try_load()
    health = service.health()
    assert health.status == 503 and health.body["model_loaded"] is False and health.body["cache"] == "disabled"
    assert "init() raised FileNotFoundError" in health.body["error"] and health.body["loading"] is False
    answer = service.score_body('{"data": [[1, 2, 3]]}')
    assert answer.status == 503 and answer.body["error"] == health.body["error"]
    # The exception's text (a path here) stays in the log; the sentence names the correlation id.
    assert "weights.json" not in answer.body["error"] and answer.body["correlation_id"] in answer.body["error"]


def test_bad_requests_are_400_and_oversize_is_413(tmp_path):
    app = build_with_script(tmp_path, USER_SCORE)
    service = service_for(app, {"MAX_BODY_BYTES": "64"})
    bad = service.score_body(b"{oops")
    assert bad.status == 400 and '{"data": [[number' in bad.body["error"]
    big = service.score_body(json.dumps({"data": [[1.0] * 40]}))
    assert big.status == 413 and "limit is 64 bytes" in big.body["error"]


class Out(func.Out):
    """azure.functions.Out is abstract; the Functions worker supplies one at run time."""

    def __init__(self) -> None:
        self.value = None

    def set(self, val) -> None:
        self.value = val

    def get(self):
        return self.value


def test_blob_and_service_bus_adapters_write_json_results(tmp_path, redis_factory):
    app = build_with_script(tmp_path, USER_SCORE)
    cache = redis_factory(tls=False, non_tls_port=True)
    service = service_for(app, plain_env(cache))
    out = Out()
    triggers.blob(service, func.blob.InputStream(data=b'{"data": [[1, 1, 1]]}', name="in/a.json"), out)
    assert json.loads(out.value) == {"result": [6.0], "cache": "MISS", "model_version": service.settings.model_version}
    out = Out()
    triggers.queue_message(service, func.ServiceBusMessage(body=b'{"data": [[1, 1, 1]]}'), out)
    assert json.loads(out.value)["cache"] == "HIT"
    # Bad input becomes an error document (retrying cannot fix it) ...
    out = Out()
    triggers.blob(service, func.blob.InputStream(data=b"not json"), out)
    assert "not valid JSON" in json.loads(out.value)["error"]
    # ... a model failure raises, so the host retries and finally parks the message.
    with pytest.raises(RuntimeError, match="correlation id"):
        triggers.queue_message(service, func.ServiceBusMessage(body=b'{"data": [[-1, 0, 0]]}'), Out())


def test_http_adapter_sets_contract_headers(tmp_path):
    app = build_with_script(tmp_path, USER_SCORE)
    service = service_for(app, {"MODEL_VERSION": "v7"})
    response = triggers.score(service, func.HttpRequest("POST", "/api/score", body=b'{"data": [[1, 0, 0]]}', headers={}))
    assert response.status_code == 200
    assert response.headers["X-Cache"] == "BYPASS" and response.headers["X-Model-Version"] == "v7"
    assert json.loads(response.get_body()) == {"result": [1.0]}
    declared_big = func.HttpRequest("POST", "/api/score", body=b"{}", headers={"Content-Length": str(10**9)})
    assert triggers.score(service, declared_big).status_code == 413
    health = triggers.health(service, func.HttpRequest("GET", "/api/health", body=b""))
    assert health.status_code == 200 and json.loads(health.get_body())["model_version"] == "v7"


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(["data", "x"]), inner, max_size=2),
    max_leaves=20,
)
ROWS_OF_NUMBERS = st.lists(st.lists(st.floats(allow_nan=False) | st.integers(), min_size=3, max_size=3), min_size=1, max_size=4)


@pytest.fixture(scope="module")
def fuzz_service(tmp_path_factory) -> ScoringService:
    app = build_with_script(tmp_path_factory.mktemp("fuzz"), USER_SCORE)
    old = os.environ.pop("AZUREML_MODEL_DIR", None)
    try:
        service = service_for(app)
        service.load()  # init() reads AZUREML_MODEL_DIR, which the runtime points at this app
    finally:
        os.environ.pop("AZUREML_MODEL_DIR", None)
        if old is not None:
            os.environ["AZUREML_MODEL_DIR"] = old
    return service


@settings(max_examples=200, deadline=None)
@given(body=st.one_of(st.binary(max_size=100), JSON_VALUES.map(json.dumps), ROWS_OF_NUMBERS.map(lambda r: json.dumps({"data": r}))))
def test_any_body_gets_a_json_answer_and_only_model_failures_are_500(fuzz_service, body):
    answer = fuzz_service.score_body(body)
    assert answer.status in (200, 400, 413, 500)
    text = answer.json()
    json.loads(text)
    assert "Traceback" not in text
    if answer.status == 200:
        assert isinstance(answer.body["result"], list)
    elif answer.status == 500:
        rows = json.loads(body)["data"]  # only well-formed rows ever reach the model
        assert any(row[0] < 0 for row in rows) or "cannot carry" in answer.body["error"]
    else:
        assert answer.body["error"]


NAN_SCORE = '''
import json

calls = []


def init():
    pass


def run(raw_data):
    rows = json.loads(raw_data)["data"]
    calls.append(len(rows))
    return [float("nan") if row[0] == 9 else row[0] * 2 for row in rows]
'''


def test_an_answer_json_cannot_carry_is_a_500_and_never_cached(tmp_path, redis_factory):
    app = build_with_script(tmp_path, NAN_SCORE)
    cache = redis_factory(tls=False, non_tls_port=True)
    service = service_for(app, plain_env(cache))
    entry = service.load()
    for _ in range(2):
        status, _, body = post(service, [[9, 0, 0], [1, 0, 0]])
        assert status == 500 and "cannot carry" in body["error"]
    client = cache.client()
    assert client.get(entry.key([9.0, 0.0, 0.0])) is None  # NaN is not stored, so it is not served either
    assert client.get(entry.key([1.0, 0.0, 0.0])) == b"2"  # the good row was cached
    assert service._script.module.calls == [2, 1]  # the second time only the NaN row reached run()
    assert post(service, [[1, 0, 0]]) == (200, "HIT", {"result": [2]})


def test_an_unreadable_cache_entry_is_recomputed_and_replaced(tmp_path, redis_factory, caplog):
    app = build_with_script(tmp_path, USER_SCORE)
    cache = redis_factory(tls=False, non_tls_port=True)
    service = service_for(app, plain_env(cache))
    entry = service.load()
    client = cache.client()
    client.set(entry.key([1.0, 1.0, 1.0]), b"{not json")  # e.g. written by something else under our prefix
    with caplog.at_level(logging.WARNING, logger="wizard.runtime.cached_entry"):
        assert post(service, [[1, 1, 1]]) == (200, "MISS", {"result": [6.0]})
    assert "unreadable cache entry" in caplog.text
    assert client.get(entry.key([1.0, 1.0, 1.0])) == b"6.0"
    assert post(service, [[1, 1, 1]]) == (200, "HIT", {"result": [6.0]})
    assert service._script.module.calls == [1]
