"""Request body checks: what is accepted, what gets 400 / 413, and that nothing else ever escapes."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.runtime.request_body import BadRequest, parse_rows


def test_accepts_rows_of_numbers():
    assert parse_rows(b'{"data": [[1, 2.5], [3, 4]]}', 1000) == [[1, 2.5], [3, 4]]


@pytest.mark.parametrize(
    "body, fragment",
    [
        (b"", "empty"),
        (b"not json", "not valid JSON"),
        (b"\xff\xfe", "UTF-8"),
        (b"[1, 2]", '"data"'),
        (b'{"rows": [[1]]}', '"data"'),
        (b'{"data": [[1]], "extra": 1}', "Unexpected field 'extra'"),
        (b'{"data": []}', "non-empty list of rows"),
        (b'{"data": [1, 2]}', "wrap a single row"),
        (b'{"data": [[1, "x"]]}', "data[0][1] must be a finite number"),
        (b'{"data": [[1, true]]}', "data[0][1] must be a finite number"),
        (b'{"data": [[NaN]]}', "NaN is not a valid number"),
        (b'{"data": [[1e999]]}', "finite number"),
        (b'{"data": [[1, 2], [3]]}', "same length"),
        (b'{"data": [[1' + b"0" * 400 + b']]}', "data[0][0] must be a finite number"),  # beyond float range
        (b'\xef\xbb\xbf{"data": [[1]]}', "not valid JSON"),  # a UTF-8 byte order mark
    ],
)
def test_rejects_bad_bodies_with_a_sentence_saying_what_was_expected(body, fragment):
    with pytest.raises(BadRequest) as caught:
        parse_rows(body, 1000)
    assert caught.value.status == 400
    assert fragment in str(caught.value)


ROW_VALUES = st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(10**30), 10**30)
ROWS = st.integers(1, 5).flatmap(lambda width: st.lists(st.lists(ROW_VALUES, min_size=width, max_size=width), min_size=1, max_size=3))


@given(ROWS, st.sampled_from([{}, {"indent": 2}, {"separators": (",", ":")}]))
def test_rows_read_the_same_as_the_json_module_reads_them(rows, layout):
    body = json.dumps({"data": rows}, **layout)
    parsed = parse_rows(body.encode(), 1 << 20)
    # orjson reads integers beyond 64 bits as floats; the key and the model see float64 either way.
    assert [[float(v) for v in row] for row in parsed] == [[float(v) for v in row] for row in json.loads(body)["data"]]


def test_nesting_deeper_than_json_allows_gets_a_sentence():
    with pytest.raises(BadRequest, match="nested too deeply"):
        parse_rows(b"[" * 5000 + b"]" * 5000, 1 << 20)


def test_rejects_rows_of_the_wrong_width_for_the_model():
    with pytest.raises(BadRequest, match="must have 64 numbers"):
        parse_rows(b'{"data": [[1, 2]]}', 1000, expected_width=64)


def test_body_over_the_limit_is_413():
    body = json.dumps({"data": [[0.0] * 100]}).encode()
    with pytest.raises(BadRequest) as caught:
        parse_rows(body, len(body) - 1)
    assert caught.value.status == 413
    assert "limit" in str(caught.value)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=200), st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=5),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(["data", "x"]), children, max_size=2),
    max_leaves=12,
).map(lambda v: json.dumps(v).encode())))
def test_any_body_is_either_rows_or_bad_request(body):
    try:
        rows = parse_rows(body, 10_000)
    except BadRequest as exc:
        assert exc.status in (400, 413) and str(exc)
    else:
        assert rows and all(isinstance(r, list) and len(r) == len(rows[0]) for r in rows)


def _careful(body: bytes, width: int | None):
    """The checks one value at a time (the way every body went before the quick check)."""
    import orjson

    from wizard.runtime.request_body import check_payload

    try:
        return check_payload(orjson.loads(body), width)
    except BadRequest as exc:
        return str(exc)


ANY_VALUE = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False), st.integers(-(2**70), 2**70), st.booleans(), st.none(),
    st.text(max_size=3), st.lists(st.integers(0, 3), max_size=2), st.dictionaries(st.sampled_from(["a"]), st.integers(), max_size=1),
)
ALMOST_ROWS = st.lists(st.one_of(st.lists(ROW_VALUES | ANY_VALUE, max_size=4), ANY_VALUE), max_size=4)


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(ROWS, ALMOST_ROWS, st.lists(st.lists(ROW_VALUES, min_size=2, max_size=2), min_size=1, max_size=3)),
    st.sampled_from([None, 2, 3]),
    st.sampled_from([{}, {"indent": 1}, {"separators": (",", ":")}]),
    st.sampled_from([{}, {"extra": 1}, {"dat\u00e4": True}]),
)
def test_quick_check_answers_exactly_as_the_careful_checks(rows, width, layout, extra):
    import struct

    from wizard.runtime.request_body import parse_batch

    body = json.dumps({"data": rows, **extra}, **layout).encode()
    expected = _careful(body, width)
    try:
        batch = parse_batch(body, 1 << 20, width)
    except BadRequest as exc:
        assert str(exc) == expected
        return
    assert batch.rows == expected
    if batch.packed is not None:
        numbers = [float(v) for row in batch.rows for v in row]
        assert batch.packed == struct.pack(f"<{len(numbers)}d", *numbers)


@pytest.mark.parametrize(
    "body",
    [
        b'{"data": [[1, true]]}', b'{"data": [[false, 1]]}', b'{"data": [[null]]}', b'{"data": [["1"]]}',
        b'{"data": [[[1]]]}', b'{"data": [[{"a": 1}]]}', b'{"data": [[]]}', b'{"data": [[1], [2, 3]]}',
        b'{"data": [[1, 2], [3]]}', b'{"data": [[-1e-400, 0]]}', b'{"data": [[18446744073709551616]]}',
        b'{"d\\u0061ta": [[1]]}', b'{"data": [1, 2]}', b'{"data": [[1]], "x": 1}', b'{"data": [[1, 2]]}',
    ],
)
def test_quick_check_answers_tricky_bodies_as_the_careful_checks(body):
    from wizard.runtime.request_body import parse_batch

    for width in (None, 1, 2):
        try:
            got = parse_batch(body, 1000, width).rows
        except BadRequest as exc:
            got = str(exc)
        assert got == _careful(body, width)


@given(ROWS, st.sampled_from([{}, {"separators": (",", ":")}, {"separators": (", ", ":")}]))
def test_split_rows_cuts_an_accepted_body_into_exactly_its_rows(rows, layout):
    from wizard.runtime.request_body import split_rows

    body = json.dumps({"data": rows}, **layout).encode()
    pieces = split_rows(body)
    assert pieces is not None and len(pieces) == len(rows)
    assert [json.loads(piece + b"]") for piece in pieces] == rows


@pytest.mark.parametrize("body", [b'{"data": [[1]], "x": [[2]]}', b'{"data": [[1]] }', b'{ "data": [[1]]}', b'{"data": [[1]]]}', b'{"rows": [[1]]}'])
def test_split_rows_leaves_other_layouts_to_parsing(body):
    from wizard.runtime.request_body import split_rows

    pieces = split_rows(body)
    assert pieces is None or any(not piece.startswith(b"[") or b"[" in piece[1:] for piece in pieces)
