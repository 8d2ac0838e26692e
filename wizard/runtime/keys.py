"""Cache keys: `<prefix>:<model name>:<model version>:<sha256 of the canonical JSON input>`."""

from __future__ import annotations

import hashlib
import math
from typing import Any

import orjson

from .request_body import NUMBER_TYPES

# Canonical JSON here is orjson's compact spelling (shortest round-trip numbers, e.g. 1e-7) with
# sorted keys. It is about three times quicker than the json module for a row of floats, and every
# key, fast path or not, goes through this one spelling.
_OPTIONS = orjson.OPT_SORT_KEYS


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
    return hashlib.sha256(canonical_json(value)).hexdigest()


def cache_key(prefix: str, model_name: str, model_version: str, value: Any) -> str:
    return f"{prefix}:{model_name}:{model_version}:{input_hash(value)}"
