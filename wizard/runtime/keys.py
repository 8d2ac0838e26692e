"""Cache keys: `<prefix>:<model name>:<model version>:<sha256 of the row's numbers as float64>`."""

from __future__ import annotations

import hashlib
import math
import struct
from typing import Any

import orjson

from .request_body import NUMBER_TYPES, pack_rows

# Canonical JSON here is orjson's compact spelling (shortest round-trip numbers, e.g. 1e-7) with
# sorted keys: one spelling for any JSON value (rows are keyed by their float64 bytes, see below).
_OPTIONS = orjson.OPT_SORT_KEYS

# A row's key hashes its numbers as little-endian IEEE float64, the values the model sees, after a tag
# that keeps row digests apart from digests of any other spelling. 1, 1.0 and 1e0 are the same eight
# bytes, and -0.0 is folded into 0.0, so equal rows share a key whichever batch they came in.
ROW_TAG = b"mlfunc-row-f64le:"
_TAGGED = hashlib.sha256(ROW_TAG)
_FLOAT = struct.Struct("<d")


def canonical(value: Any) -> Any:
    """The input with numbers normalised, so 1, 1.0 and -0.0/0.0 give the same key."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        number = float(value) + 0.0  # models see float64 either way; +0.0 folds -0.0 into 0.0
        if not math.isfinite(number):
            raise ValueError(f"{value!r} is not a JSON number")
        return number
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    raise TypeError(f"not JSON data: {type(value).__name__}")


def canonical_json(value: Any) -> bytes:
    """One spelling per input: sorted keys, no spaces, every number a finite float, -0.0 as 0.0."""
    if type(value) is list:
        # The hot path, a row of numbers, at C speed: a Python-level loop over every number
        # cost about a tenth of a cache hit. orjson writes NaN/Infinity as null and -0.0 as
        # such; both are rare and go the careful way (which refuses NaN).
        types = set(map(type, value))
        if types <= NUMBER_TYPES:
            text = orjson.dumps(list(map(float, value)) if int in types else value)
            if b"-0.0" not in text and b"null" not in text:  # "-0.05" also goes the careful way
                return text
    return orjson.dumps(canonical(value), option=_OPTIONS)


def input_hash(value: Any) -> str:
    """sha256 of the canonical JSON of any JSON value."""
    return hashlib.sha256(canonical_json(value)).hexdigest()


def row_bytes(row: list[Any]) -> bytes:
    """The careful spelling of one row: each number as float64 (ints converted, -0.0 folded into 0.0).
    ValueError for NaN, Infinity or an integer beyond float range; TypeError for anything not a number."""
    values = []
    for value in row:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"a row holds numbers only, not {type(value).__name__}")
        try:
            number = float(value) + 0.0
        except OverflowError:
            raise ValueError(f"{value!r} is beyond float range") from None
        if not math.isfinite(number):
            raise ValueError(f"{value!r} is not a JSON number")
        values.append(number)
    return b"".join(map(_FLOAT.pack, values))


def _digest(data: Any) -> str:
    hasher = _TAGGED.copy()
    hasher.update(data)
    return hasher.hexdigest()


def row_digests(rows: list[list[Any]], packed: bytes | None = None) -> list[str]:
    """One digest per row: sha256 of ROW_TAG + `row_bytes(row)`. `packed` is `pack_rows(rows)` when the
    caller already has it. The quick way hashes slices of one packed buffer; it is exact unless a number
    is negative and below 2**-1007 in size (-0.0 among them) or 2**1009 and more (or not finite), which
    go the careful way: their top byte is 0x80, 0x7f or 0xff."""
    if packed is None:
        packed = pack_rows(rows)
    if packed and len(packed) == 8 * len(rows) * len(rows[0]):
        top = packed[7::8]
        if b"\x80" not in top and b"\x7f" not in top and b"\xff" not in top:
            step = len(packed) // len(rows)
            view = memoryview(packed)
            return [_digest(view[start : start + step]) for start in range(0, len(packed), step)]
    return [_digest(row_bytes(row)) for row in rows]


def row_digest(row: list[Any]) -> str:
    return row_digests([row])[0]


def key_head(prefix: str, model_name: str, model_version: str) -> str:
    """What every key of one model version starts with."""
    return f"{prefix}:{model_name}:{model_version}:"


def cache_key(prefix: str, model_name: str, model_version: str, row: list[Any]) -> str:
    """The key of one row (the same key whichever batch the row came in)."""
    return key_head(prefix, model_name, model_version) + row_digest(row)
