"""The quick hit path against a real redis-server: an all-HIT answer splices the cached JSON as stored,
and reads exactly as the careful decode-and-encode would; a row keeps its key whichever batch it came in."""

from __future__ import annotations

import json
import logging

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.test_runtime_entry import USER_SCORE, build_with_script, plain_env, post, service_for

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=6),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=3),
    max_leaves=8,
)
SPELLINGS = [
    lambda v: json.dumps(v, separators=(",", ":")).encode(),  # how the runtime stores answers
    lambda v: json.dumps(v, indent=1, ensure_ascii=False).encode(),  # anything else that is one JSON value
    orjson.dumps,
]


@pytest.fixture(autouse=True)
def _own_model_dir(monkeypatch):
    # The runtime points AZUREML_MODEL_DIR at the app it loads (as Azure ML does); keep it per test.
    monkeypatch.delenv("AZUREML_MODEL_DIR", raising=False)


@pytest.fixture
def hit_service(tmp_path, redis_factory):
    cache = redis_factory(tls=False, non_tls_port=True)
    service = service_for(build_with_script(tmp_path, USER_SCORE), plain_env(cache))
    return service, service.load(), cache.client()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(JSON_VALUES, min_size=1, max_size=4), st.sampled_from(SPELLINGS))
def test_an_all_hit_answer_carries_the_cached_values_as_the_careful_path_would(hit_service, values, spell):
    service, entry, client = hit_service
    rows = [[float(i), 0.0, 1.0] for i in range(len(values))]
    for row, value in zip(rows, values):
        client.set(entry.key(row), spell(value))
    answer = service.score_body(json.dumps({"data": rows}))
    assert answer.status == 200 and answer.headers["X-Cache"] == "HIT"
    careful = {"result": [orjson.loads(spell(v)) for v in values]}
    assert answer.body == careful
    assert json.loads(answer.json()) == careful  # the spliced text reads as the decoded answer


def test_one_unreadable_entry_in_a_cached_batch_takes_the_careful_path(hit_service, caplog):
    service, entry, client = hit_service
    rows = [[1.0, 1.0, 1.0], [2.0, 0.0, 0.0]]
    client.set(entry.key(rows[0]), b"6.0")
    client.set(entry.key(rows[1]), b"[1, 2")  # not one JSON value: never spliced into an answer
    with caplog.at_level(logging.WARNING, logger="wizard.runtime.cached_entry"):
        assert post(service, rows) == (200, "PARTIAL", {"result": [6.0, 2.0]})
    assert "unreadable cache entry" in caplog.text
    assert post(service, rows) == (200, "HIT", {"result": [6.0, 2.0]})


def test_a_row_keeps_its_key_whichever_batch_and_spelling_it_came_in(hit_service):
    service, entry, _ = hit_service
    assert post(service, [[1, 2, 3], [0, -0.0, 1]]) == (200, "MISS", {"result": [14.0, 3.0]})
    assert post(service, [[0.0, 0.0, 1e0]]) == (200, "HIT", {"result": [3.0]})
    assert post(service, [[5, 5, 5], [1.0, 2.0, 3.0], [0, 0, 1]]) == (200, "PARTIAL", {"result": [30.0, 14.0, 3.0]})
    assert service._script.module.calls == [2, 1]


WIDTH3_SCORE = USER_SCORE + '''

def expected_row_length():
    return 3
'''

# A few rows, each with several spellings of the same numbers (and one of another width).
NUMBER_SPELLINGS = {0.0: ["0", "0.0", "-0.0", "0e5", "-0"], 1.0: ["1", "1.0", "1e0", "10e-1"], 2.5: ["2.5", "25e-1", "2.50"]}
ROW_VALUES = st.lists(st.sampled_from(sorted(NUMBER_SPELLINGS)), min_size=2, max_size=4)


@st.composite
def bodies(draw):
    """A body spelled freely (spaces, number spellings), sometimes broken; with the rows' float values."""
    rows = draw(st.lists(ROW_VALUES, min_size=1, max_size=3))
    texts = []
    for row in rows:
        space = draw(st.sampled_from(["", " ", "\n "]))
        texts.append("[" + ("," + space).join(draw(st.sampled_from(NUMBER_SPELLINGS[v])) for v in row) + draw(st.sampled_from(["", " "])) + "]")
    head = draw(st.sampled_from(['{"data": [', '{"data":[', '{ "data": [', '{"data": [ ']))
    separator = draw(st.sampled_from([", ", ",", ",\n", ",,", " , "]))
    tail = draw(st.sampled_from(["]}", "]}", "] }", "]}\n", "], \"x\": 1}"]))
    return (head + separator.join(texts) + tail).encode(), rows


@pytest.fixture
def width3_app(tmp_path, redis_factory):
    cache = redis_factory(tls=False, non_tls_port=True)
    return build_with_script(tmp_path, WIDTH3_SCORE), cache, iter(range(10**6))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(bodies(), min_size=1, max_size=8))
def test_rows_remembered_by_their_text_answer_as_parsing_them_would(width3_app, sequence):
    app, cache, counter = width3_app
    service = service_for(app, {**plain_env(cache), "CACHE_KEY_PREFIX": f"t{next(counter)}"})  # a fresh cache and memory
    seen: set[tuple[float, ...]] = set()
    for body, rows in sequence:
        answer = service.score_body(body)
        try:
            extra = set(json.loads(body)) - {"data"}
        except ValueError:
            extra = {"not JSON"}
        if extra:
            assert answer.status == 400
            continue
        if any(len(row) != 3 for row in rows):
            assert answer.status == 400 and ("3 numbers" in answer.body["error"] or "same length" in answer.body["error"])
            continue
        assert answer.status == 200, answer.body
        assert json.loads(answer.json()) == answer.body == {"result": [1.0 * r[0] + 2.0 * r[1] + 3.0 * r[2] for r in rows]}
        values = [tuple(row) for row in rows]
        expected = "HIT" if all(v in seen for v in values) else "MISS" if not any(v in seen for v in values) else "PARTIAL"
        assert answer.headers["X-Cache"] == expected
        seen.update(values)


@pytest.mark.parametrize(
    "broken",
    [
        b'{"data": [[1, 0, 0],,[0, 1, 0]]}', b'{"data": [[1, 0, 0] [0, 1, 0]]}', b'{"data": [[1, 0, 0]], [0, 1, 0]]}',
        b'{"data": [[1, 0, 0], [0, 1, 0]], "x": [[1, 0, 0]]}',
        b'{"data": [[1, 0, 0][0, 1, 0]]}', b'{"data": [[1, 0, 0], [0, 1, 0], ]}', b'{"data": [[1, 0, 0], 5, [0, 1, 0]]}',
        b'{"data": [[1, 0, 0], [0, 1, 0]]}}', b'{"data": [[1, 0, 0], [[0, 1, 0]]]}',
    ],
)
def test_a_broken_body_of_remembered_rows_is_refused_as_before(width3_app, broken):
    app, cache, _ = width3_app
    service = service_for(app, plain_env(cache))
    assert service.score_body(b'{"data": [[1, 0, 0], [0, 1, 0]]}').headers["X-Cache"] == "MISS"
    assert service.score_body(b'{"data": [[0, 1, 0], [1, 0, 0]]}').headers["X-Cache"] == "HIT"  # remembered rows
    answer = service.score_body(broken)
    assert answer.status == 400, broken


def test_remembered_row_texts_stay_within_their_byte_budget(width3_app, monkeypatch):
    from wizard.runtime import cached_entry

    monkeypatch.setattr(cached_entry, "REMEMBERED_BYTES", 2000)
    app, cache, _ = width3_app
    service = service_for(app, plain_env(cache))
    for i in range(40):
        assert service.score_body(json.dumps({"data": [[i, 1, 2], [i, 2, 1]]}).encode()).status == 200
    entry = service.load()
    assert 0 < len(entry._known_rows) < 80 and entry._known_bytes <= 2000
    assert entry._known_bytes == sum(len(p) + len(k) for p, k in entry._known_rows.items())
    assert service.score_body(b'{"data": [[39, 1, 2], [39, 2, 1]]}').headers["X-Cache"] == "HIT"  # the newest are kept
    assert service.score_body(b'{"data": [[0, 1, 2], [0, 2, 1]]}').headers["X-Cache"] == "HIT"  # forgotten rows: parsed again
