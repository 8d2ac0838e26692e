"""Cache-aside around the entry script: per-row keys, one MGET, predict only missed rows, one write-back."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from .cache import CacheUnavailable, ResultCache
from .entry_script import EntryScript
from .keys import key_head, row_digests
from .request_body import Batch, split_rows
from .single_flight import SingleFlight

log = logging.getLogger(__name__)

# Row texts remembered with their keys, per process: at most this many bytes of text (oldest forgotten first).
REMEMBERED_BYTES = 4 * 1024 * 1024

HIT, MISS, PARTIAL, BYPASS = "HIT", "MISS", "PARTIAL", "BYPASS"


class ModelError(Exception):
    """run() raised; the original exception is chained (logged server-side, never sent)."""


@dataclass
class Prediction:
    result: Any  # a list with one answer per input row (or the script's whole answer, see below)
    cache: str  # HIT | MISS | PARTIAL | BYPASS
    computed_rows: int = 0
    # For an all-HIT answer: `result` as JSON text, the cached entries spliced in as stored (each one
    # checked to be one JSON value), so the answer is not encoded again.
    rendered: bytes | None = None


def _encode(value: Any, *, allow_nan: bool = True) -> bytes:
    return json.dumps(value, separators=(",", ":"), default=_jsonable, allow_nan=allow_nan).encode("utf-8")


def _storable(answers: dict[str, Any]) -> dict[str, bytes]:
    """Answers to write back, as JSON text; NaN or Infinity cannot be served, so it is not cached."""
    stored = {}
    for key, answer in answers.items():
        try:
            stored[key] = _encode(answer, allow_nan=False)
        except ValueError:
            continue
    return stored


def _jsonable(value: Any) -> Any:
    # numpy scalars and arrays from a user's run(); AML would serialise them the same way.
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


class CachedEntry:
    """Answers rows from Redis where it can and from the entry script where it must.

    Per-row caching needs run() to answer one item per row, in order (the AML convention of
    `model.predict(data).tolist()`). When a script answers something else, the answer cannot
    be split: the whole request goes to run() unchanged and nothing is cached."""

    def __init__(self, script: EntryScript, cache: ResultCache | None, *, key_prefix: str, model_name: str, model_version: str, ttl_seconds: int):
        self.script = script
        self.cache = cache
        self.key_prefix = key_prefix
        self.model_name = model_name
        self.model_version = model_version
        self.ttl_seconds = ttl_seconds
        self.flights = SingleFlight()
        self._per_row = True  # turned off once run() shows it does not answer per row
        self._key_head = key_head(key_prefix, model_name, model_version)
        # A row's text as a client sent it -> its key, for rows of bodies parse_batch accepted with the
        # model's row width. A body whose every row text is here needs neither parsing nor hashing.
        self._known_rows: dict[bytes, str] = {}
        self._known_bytes = 0  # about: threads may race on it, which only moves when the oldest go

    def key(self, row: list[float]) -> str:
        return self.keys([row])[0]

    def keys(self, rows: list[list[float]], packed: bytes | None = None) -> list[str]:
        """One key per row; `packed` is the rows' numbers as parse_batch packed them (saves packing again)."""
        head = self._key_head
        return [head + digest for digest in row_digests(rows, packed)]

    def predict_body(self, raw: bytes, parse: Callable[[], Batch], remember: bool) -> Prediction:
        """`predict` for a request body; `parse` reads it (raising BadRequest). With `remember` (the model
        checks the row width), the row texts of accepted bodies are remembered with their keys: a body
        made of remembered rows is looked up without parsing it, and parsed only when a row missed."""
        if remember and self._per_row:
            pieces = split_rows(raw)
            if pieces is not None:
                known = self._known_rows
                try:
                    keys = [known[piece] for piece in pieces]
                except KeyError:
                    pass
                else:
                    cached = self._fetch(keys)
                    if cached is not None and None not in cached:
                        hit = self._all_hit(cached)
                        if hit is not None:
                            return hit
                    batch = parse()  # accepted before, row by row, so it parses; the rows are needed now
                    return self._predict_keyed(batch.rows, keys, cached)
        batch = parse()
        if not self._per_row:
            return self.predict(batch.rows)
        keys = self.keys(batch.rows, batch.packed)
        if remember:
            self._remember(raw, keys)
        return self._predict_keyed(batch.rows, keys, self._fetch(keys))

    def _remember(self, raw: bytes, keys: list[str]) -> None:
        pieces = split_rows(raw)
        if pieces is None or len(pieces) != len(keys):
            return
        known = self._known_rows
        for piece, key in zip(pieces, keys, strict=True):
            if piece in known:
                continue
            self._known_bytes += len(piece) + len(key)
            while self._known_bytes > REMEMBERED_BYTES and known:
                try:
                    oldest = next(iter(known))
                    self._known_bytes -= len(oldest) + len(known.pop(oldest))
                except (KeyError, RuntimeError, StopIteration):  # another thread got there first: harmless
                    break
            known[piece] = key

    def predict(self, rows: list[list[float]], packed: bytes | None = None) -> Prediction:
        if not self._per_row:
            return Prediction(self._run_whole(rows), BYPASS if self.cache is None else MISS, len(rows))
        keys = self.keys(rows, packed)
        return self._predict_keyed(rows, keys, self._fetch(keys))

    def _fetch(self, keys: list[str]) -> list[bytes | None] | None:
        """The cached entries for `keys`, or None when there is no cache or it failed (fail open)."""
        if self.cache is None:
            return None
        try:
            return self.cache.get_many(keys)
        except CacheUnavailable:
            return None

    @staticmethod
    def _all_hit(cached: list[Any]) -> Prediction | None:
        """Every row was cached (the path a cache exists for): no bookkeeping of misses. None when an
        entry is unreadable (the general path logs it and recomputes the row)."""
        try:
            result = [orjson.loads(raw) for raw in cached]
        except ValueError:
            return None
        return Prediction(result, HIT, rendered=b"[" + b",".join(cached) + b"]")

    def _predict_keyed(self, rows: list[list[float]], keys: list[str], cached: list[bytes | None] | None) -> Prediction:
        if cached is not None and None not in cached:
            hit = self._all_hit(cached)
            if hit is not None:
                return hit
        found: dict[str, Any] = {}
        if cached is not None:
            for key, raw in zip(keys, cached, strict=True):
                if raw is not None and key not in found:
                    try:
                        found[key] = orjson.loads(raw)  # what we stored: plain JSON, never NaN
                    except ValueError:
                        log.warning("Ignoring an unreadable cache entry for key %s.", key)
        missed_keys = list(dict.fromkeys(k for k in keys if k not in found))
        computed = 0
        if missed_keys:
            row_of = dict(zip(keys, rows, strict=True))
            fresh, computed = self._compute(missed_keys, row_of, write_back=cached is not None)
            if fresh is None:  # run() does not answer per row: whole request, uncached
                return Prediction(self._run_whole(rows), MISS if cached is not None else BYPASS, len(rows))
            found.update(fresh)
        if cached is None:
            status = BYPASS
        elif not missed_keys:
            status = HIT
        elif len(missed_keys) == len(set(keys)):
            status = MISS
        else:
            status = PARTIAL
        return Prediction([found[k] for k in keys], status, computed)

    def _compute(self, missed_keys: list[str], row_of: dict[str, list[float]], write_back: bool) -> tuple[dict[str, Any] | None, int]:
        """Answers for the missed keys: computes the keys nobody else is computing, waits for the rest."""
        claim = self.flights.claim(missed_keys)
        results: dict[str, Any] = {}
        computed = 0
        if claim.own:
            own_keys = list(claim.own)
            try:
                answers = self._run_rows([row_of[k] for k in own_keys])
            except BaseException as exc:
                self.flights.fail(claim, exc)
                raise
            if answers is None:
                self.flights.fail(claim, _NotPerRow())
                return None, 0
            results.update(zip(own_keys, answers, strict=True))
            computed = len(own_keys)
            if write_back and self.cache is not None:
                try:
                    self.cache.set_many(_storable({k: results[k] for k in own_keys}), self.ttl_seconds)
                except CacheUnavailable:
                    pass  # answered anyway; logged by the cache
            self.flights.resolve(claim, results)
        for key, flight in claim.waiting.items():
            try:
                results[key] = flight.result()
            except _NotPerRow:
                return None, computed
            except BaseException:
                # The other caller's batch failed; this row may still be fine on its own.
                answers = self._run_rows([row_of[key]])
                if answers is None:
                    return None, computed
                results[key] = answers[0]
                computed += 1
        return results, computed

    def _run_rows(self, rows: list[list[float]]) -> list[Any] | None:
        try:
            answer = self.script.run(rows)
        except Exception as exc:
            raise ModelError(str(exc)) from exc
        if isinstance(answer, list) and len(answer) == len(rows):
            # Round-trip through JSON so a fresh answer looks exactly like a cached one.
            return json.loads(_encode(answer))
        log.warning(
            "run() answered %s for %d row(s), not one item per row; per-row caching is off for this model.",
            type(answer).__name__,
            len(rows),
        )
        self._per_row = False
        return None

    def _run_whole(self, rows: list[list[float]]) -> Any:
        try:
            answer = self.script.run(rows)
        except Exception as exc:
            raise ModelError(str(exc)) from exc
        return json.loads(_encode(answer))


class _NotPerRow(Exception):
    """Tells callers waiting on a flight that the script's answers cannot be split per row."""
