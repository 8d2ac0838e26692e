"""Parses and checks a scoring request body: {"data": [[numbers...], ...]}."""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass
from itertools import chain
from typing import Any

import orjson

EXPECTED = 'a JSON object {"data": [[number, ...], ...]} with one list of numbers per row'


class BadRequest(Exception):
    """The body is not what the app accepts; the message says what was expected."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _reject_constant(name: str) -> Any:
    raise BadRequest(f"{name} is not a valid number in JSON; send {EXPECTED}.")


# One decoder for all requests: json.loads(..., parse_constant=...) would build a new one per call.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


@dataclass
class Batch:
    """The rows of a request, and (when the quick check took them) all their numbers packed as float64."""

    rows: list[list[float]]
    packed: bytes | None = None  # pack_rows(rows): what the cache keys hash


def parse_rows(body: bytes | str, max_bytes: int, expected_width: int | None = None) -> list[list[float]]:
    """The rows of a request, or BadRequest (400 shape / 413 size)."""
    return parse_batch(body, max_bytes, expected_width).rows


def parse_batch(body: bytes | str, max_bytes: int, expected_width: int | None = None) -> Batch:
    """`parse_rows` that also hands on the packed numbers when the quick check accepted the body."""
    raw = body.encode("utf-8") if isinstance(body, str) else bytes(body or b"")
    if len(raw) > max_bytes:
        raise BadRequest(f"The request body is {len(raw)} bytes; the limit is {max_bytes} bytes. Send fewer rows per request.", 413)
    if not raw.strip():
        raise BadRequest(f"The request body is empty; send {EXPECTED}.")
    try:
        # orjson parses a row of floats about seven times quicker than the json module, to the
        # same float values (both round correctly). What it refuses (NaN, BOM, bad UTF-8, deep
        # nesting, numbers beyond float range) is parsed again by the json module for its sentence.
        payload = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return Batch(check_payload(_parse_refused(raw), expected_width))
    packed = _quick_check(raw, payload, expected_width)
    if packed is not None:
        return Batch(payload["data"], packed)
    return Batch(check_payload(payload, expected_width))


_LISTS = {list}


def _quick_check(raw: bytes, payload: Any, expected_width: int | None) -> bytes | None:
    """The packed rows when an orjson-parsed body is certainly well formed, else None (then
    `check_payload` decides and words the error). Checking each number's type in Python cost more
    than the rest of a 32-row cache hit; packing them as float64 checks them in C instead: struct
    refuses strings, lists, objects and null. The two byte scans rule out true and false (which it
    would take for 1 and 0), and orjson never yields a float that is not finite."""
    if type(payload) is not dict or len(payload) != 1:
        return None
    data = payload.get("data")
    if type(data) is not list or not data or b"u" in raw or b"l" in raw or set(map(type, data)) != _LISTS:
        return None
    packed = pack_rows(data)
    if not packed or (expected_width is not None and len(data[0]) != expected_width):
        return None
    return packed


def pack_rows(rows: list[list[Any]]) -> bytes | None:
    """All rows' numbers as one little-endian float64 buffer, at C speed; None when the rows differ in
    width or hold something struct cannot pack. Booleans would pack as 1.0/0.0: callers rule them out."""
    if not rows or len(set(map(len, rows))) != 1:
        return None
    try:
        return struct.pack(f"<{len(rows) * len(rows[0])}d", *chain.from_iterable(rows))
    except (TypeError, OverflowError, struct.error):
        return None


# How clients spell the start of a body; other spellings simply take the parsing way.
_HEADS = (b'{"data": [', b'{"data":[')
_SPACE = b" \t\r\n"


def split_rows(raw: bytes) -> list[bytes] | None:
    """The text of each row of a body spelled `{"data": [[...], [...]]}` (each without its closing bracket,
    the rows after the first without the comma and spaces before them), or None for any other layout.
    This only cuts text; it checks nothing. A caller may trust the pieces only by matching them against
    pieces of bodies that `parse_batch` accepted: a row's text holds no bracket but its own."""
    if not raw.endswith(b"]]}"):
        return None
    for head in _HEADS:
        if raw.startswith(head):
            break
    else:
        return None
    pieces = raw[len(head) : -2].split(b"]")
    if pieces.pop() != b"":
        return None
    for i in range(1, len(pieces)):
        piece = pieces[i]
        if piece[:1] != b",":
            return None
        pieces[i] = piece[1:].lstrip(_SPACE)
    return pieces


def _parse_refused(raw: bytes) -> Any:
    """The json module's reading of a body orjson refused: a BadRequest that says why, or the payload."""
    try:
        return _DECODER.decode(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadRequest(f"The request body is not UTF-8 text; send {EXPECTED}.") from None
    except RecursionError:
        raise BadRequest(f"The request body is nested too deeply; send {EXPECTED}.") from None
    except ValueError as exc:
        if isinstance(exc, BadRequest):
            raise
        raise BadRequest(f"The request body is not valid JSON ({exc}); send {EXPECTED}.") from None


def _finite_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:  # an integer too large for a float
        return False


# The types a row's numbers may have once parsed (bool, a subclass of int, is not one of them).
NUMBER_TYPES = frozenset((float, int))


def _all_finite_numbers(row: list[Any]) -> bool:
    # set(map(type, row)) runs in C: a per-value Python loop here cost about a tenth of a cache hit.
    if not set(map(type, row)) <= NUMBER_TYPES:  # also refuses bool, a subclass of int
        return False
    try:
        return math.isfinite(math.fsum(row))  # OverflowError for huge integers or sums
    except OverflowError:
        return False


def check_payload(payload: Any, expected_width: int | None = None) -> list[list[float]]:
    if not isinstance(payload, dict) or "data" not in payload:
        raise BadRequest(f"Expected {EXPECTED}; the body has no \"data\" field.")
    if len(payload) > 1:
        extra = sorted(k for k in payload if k != "data")
        raise BadRequest(f"Unexpected field {extra[0]!r}; send only {EXPECTED}.")
    data = payload["data"]
    if not isinstance(data, list) or not data:
        raise BadRequest(f"\"data\" must be a non-empty list of rows; send {EXPECTED}.")
    rows: list[list[float]] = []
    width = None
    for i, row in enumerate(data):
        if type(row) is list and row and (width is None or len(row) == width) and _all_finite_numbers(row):
            # Fast path for well-formed rows (the usual case); anything else gets the precise checks below.
            width = len(row)
            rows.append(row)
            continue
        if not isinstance(row, list) or not row:
            hint = " (wrap a single row in another list: [[...]])" if isinstance(row, (int, float)) else ""
            raise BadRequest(f"data[{i}] must be a non-empty list of numbers{hint}; send {EXPECTED}.")
        for j, value in enumerate(row):
            if not _finite_number(value):
                raise BadRequest(f"data[{i}][{j}] must be a finite number; send {EXPECTED}.")
        if width is None:
            width = len(row)
        elif len(row) != width:
            raise BadRequest(f"data[{i}] has {len(row)} numbers but data[0] has {width}; every row needs the same length.")
        rows.append(row)
    if expected_width is not None and width != expected_width:
        raise BadRequest(f"Each row must have {expected_width} numbers for this model; data[0] has {width}.")
    return rows
