"""Cache keys: a row's numbers as float64 (and canonical JSON for other values), so equal inputs share a key
and different inputs or models never do; the quick batch way gives exactly the careful row-by-row keys."""

from __future__ import annotations

import hashlib
import struct

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from wizard.runtime.keys import ROW_TAG, cache_key, canonical, canonical_json, input_hash, row_bytes, row_digest, row_digests
from wizard.runtime.request_body import pack_rows


def test_key_has_prefix_model_name_version_and_sha256_of_the_rows_float64_bytes():
    row = [0.0, 1.5, 16.0]
    key = cache_key("mlfunc", "digits", "abc123", row)
    expected = hashlib.sha256(ROW_TAG + struct.pack("<3d", 0.0, 1.5, 16.0)).hexdigest()
    assert key == f"mlfunc:digits:abc123:{expected}"


def test_equal_rows_share_a_key_whatever_the_spelling():
    assert row_digest([1, 2, 0]) == row_digest([1.0, 2.0, -0.0]) == row_digest([1.0, 2.0, 0.0])
    assert row_digest([1.0, 2.0]) != row_digest([2.0, 1.0]) != row_digest([1.0, 2.0, 0.0])


def test_equal_numbers_spelled_differently_share_a_key():
    assert input_hash([1, 2, 0]) == input_hash([1.0, 2.0, -0.0])
    assert canonical_json({"b": 1, "a": [2]}) == canonical_json({"a": [2.0], "b": 1.0}) == b'{"a":[2.0],"b":1.0}'


def test_other_input_or_model_version_gives_another_key():
    row = [1.0, 2.0]
    assert cache_key("p", "m", "v1", row) != cache_key("p", "m", "v2", row)
    assert cache_key("p", "m", "v1", row) != cache_key("p", "other", "v1", row)
    assert cache_key("p", "m", "v1", row) != cache_key("p", "m", "v1", [2.0, 1.0])


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=20))
def test_hash_is_stable_for_any_row(row):
    assert input_hash(row) == input_hash(list(row))
    assert input_hash(row) == input_hash([float(v) for v in row])
    assert len(input_hash(row)) == 64


NUMBERS = st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(2**53), 2**53)


@given(st.lists(NUMBERS, max_size=20))
def test_quick_row_spelling_is_the_careful_one_with_minus_zero_folded(row):
    careful = orjson.dumps(canonical(row), option=orjson.OPT_SORT_KEYS)
    assert canonical_json(row) == careful
    assert canonical_json([abs(v) if v == 0 else v for v in row]) == careful  # -0.0 and 0 fold into 0.0
    assert b"-0.0," not in careful and b"-0.0]" not in careful


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_a_number_json_cannot_carry_has_no_key(bad):
    with pytest.raises(ValueError):
        canonical_json([1.0, bad])


FINITE = st.floats(allow_nan=False, allow_infinity=False)
# Numbers where the quick way must hand over to the careful one: signed zeros, tiny negatives, huge values.
EDGES = st.sampled_from([0.0, -0.0, 0, -5e-324, -1e-310, 1e-310, 1e308, -1.7e308, 2.0**1009, 2**63, -(2**63), 2**64 - 1])
ROW_NUMBERS = FINITE | st.integers(-(2**64), 2**64) | EDGES


@given(st.integers(1, 6).flatmap(lambda w: st.lists(st.lists(ROW_NUMBERS, min_size=w, max_size=w), min_size=1, max_size=6)))
def test_batch_keys_are_the_careful_row_by_row_keys(rows):
    careful = [hashlib.sha256(ROW_TAG + row_bytes(row)).hexdigest() for row in rows]
    assert row_digests(rows) == careful
    assert row_digests(rows, pack_rows(rows)) == careful
    assert [row_digest(row) for row in rows] == careful  # one key per row, whichever batch it came in
    # ints equal to floats and -0.0 folded into 0.0: the key is the float64 value the model sees
    assert row_digests([[float(v) + 0.0 for v in row] for row in rows]) == careful
    # equal rows share a key exactly when their float64 values are equal
    for a, b in zip(rows, rows[1:]):
        same = [float(v) + 0.0 for v in a] == [float(v) + 0.0 for v in b]
        assert (row_digest(a) == row_digest(b)) == same


@given(st.lists(st.lists(ROW_NUMBERS, min_size=1, max_size=4), min_size=2, max_size=4))
def test_rows_of_mixed_widths_take_the_careful_way_to_the_same_keys(rows):
    assert row_digests(rows) == [row_digest(row) for row in rows]


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf"), 10**400])
def test_a_row_with_a_number_json_cannot_carry_has_no_key(bad):
    with pytest.raises(ValueError):
        row_digests([[1.0, bad]])
