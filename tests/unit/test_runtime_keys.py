"""Cache keys: canonical JSON, so equal inputs share a key and different inputs or models never do."""

from __future__ import annotations

import hashlib

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from wizard.runtime.keys import cache_key, canonical, canonical_json, input_hash


def test_key_has_prefix_model_name_version_and_sha256_of_canonical_json():
    row = [0.0, 1.5, 16.0]
    key = cache_key("mlfunc", "digits", "abc123", row)
    expected = hashlib.sha256(b"[0.0,1.5,16.0]").hexdigest()
    assert key == f"mlfunc:digits:abc123:{expected}"


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
