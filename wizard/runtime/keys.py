"""Cache keys: `<prefix>:<model name>:<model version>:<sha256 of the canonical JSON input>`."""

from __future__ import annotations

import hashlib
import json
from typing import Any


# One encoder for every key: json.dumps(...) with options builds a new encoder per call.
_CANONICAL_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical(value: Any) -> Any:
    """The input with numbers normalised, so 1, 1.0 and -0.0/0.0 give the same key."""
    if type(value) is list and all(type(v) is float or type(v) is int for v in value):
        return [float(v) + 0.0 for v in value]  # a row of numbers, the hot path: no recursion
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        # Models see float64 either way; +0.0 folds -0.0 into 0.0.
        return float(value) + 0.0
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    raise TypeError(f"not JSON data: {type(value).__name__}")


def canonical_json(value: Any) -> str:
    """One spelling per input: sorted keys, no spaces, normalised numbers."""
    return _CANONICAL_ENCODER.encode(canonical(value))


def input_hash(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def cache_key(prefix: str, model_name: str, model_version: str, value: Any) -> str:
    return f"{prefix}:{model_name}:{model_version}:{input_hash(value)}"
