"""The scoring service behind every trigger: loads the entry script once, answers HTTP, blob and queue input."""

from __future__ import annotations

import json
import logging
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from .breaker import CircuitBreaker
from .cache import ResultCache
from .cached_entry import BYPASS, HIT, CachedEntry, ModelError, Prediction
from .entry_script import EntryScript, default_model_dir
from .request_body import BadRequest, parse_batch
from .settings import RuntimeSettings, read_manifest

log = logging.getLogger(__name__)

EXPECTED_SHAPE = '{"data": [[number, ...], ...]}'


@dataclass
class Answer:
    """A transport-neutral reply: HTTP status, JSON body and headers."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    rendered: str | None = field(default=None, repr=False)  # the body as JSON text, when already rendered

    def json(self) -> str:
        if self.rendered is None:
            self.rendered = json.dumps(self.body, separators=(",", ":"))
        return self.rendered


class ScoringService:
    """One per process (module scope in function_app.py), shared by all invocations and threads.

    The model is loaded once per process, in the background (`start_loading()` at import), so the host
    accepts connections at once: health answers 503 until the model is loaded, score waits for it (up to
    MODEL_LOAD_WAIT_SECONDS), and an init() that raised is reported by both until the app is restarted."""

    def __init__(self, app_dir: Path, settings: RuntimeSettings | None = None, script: EntryScript | None = None, cache: ResultCache | None = None):
        self.app_dir = Path(app_dir)
        self.settings = settings or RuntimeSettings.from_env(app_dir=self.app_dir)
        self._script = script
        self._entry: CachedEntry | None = None
        self._start_lock = threading.Lock()
        self._loader: threading.Thread | None = None
        self._loaded = threading.Event()  # set when loading finished, whether it worked or not
        self.load_error: str | None = None  # the sentence clients get when init() failed
        self.load_correlation: str | None = None
        if cache is None and self.settings.redis is not None:
            breaker = CircuitBreaker(self.settings.breaker_failures, self.settings.breaker_cooldown_s)
            cache = ResultCache(self.settings.redis, breaker)
        self.cache = cache

    # --- model ------------------------------------------------------------------------------

    @property
    def model_loaded(self) -> bool:
        return self._entry is not None

    def start_loading(self) -> None:
        """Load the model in a background thread (once per process); returns at once."""
        with self._start_lock:
            if self._loader is None:
                self._loader = threading.Thread(target=self._load_once, name="mlfunc-model-load", daemon=True)
                self._loader.start()

    def wait_until_loaded(self, timeout: float | None = None) -> bool:
        """Start loading if nobody has, wait up to `timeout` seconds; True when the model is ready."""
        self.start_loading()
        self._loaded.wait(timeout)
        return self._entry is not None

    def load(self) -> CachedEntry:
        """The loaded entry, waiting for the load without a bound; raises RuntimeError when init() failed."""
        if self._entry is None and not self.wait_until_loaded():
            raise RuntimeError(self.load_error or "The model is not loaded.")
        assert self._entry is not None
        return self._entry

    def try_load(self) -> bool:
        """Load now (or wait for the load under way) without raising; True when the model is ready."""
        return self.wait_until_loaded()

    def _load_once(self) -> None:
        try:
            script = self._script or self._load_script()
            script.init()
            self._script = script
            self._entry = CachedEntry(
                script,
                self.cache,
                key_prefix=self.settings.key_prefix,
                model_name=self.settings.model_name,
                model_version=self.settings.model_version,
                ttl_seconds=self.settings.ttl_seconds,
            )
        except BaseException as exc:
            correlation = uuid.uuid4().hex
            log.error("Loading the model failed (correlation id %s).", correlation, exc_info=exc)
            self.load_correlation = correlation
            # The exception's own text stays in the log: health is anonymous and may be public.
            self.load_error = (
                f"The model could not be loaded: the entry script's init() raised {type(exc).__name__} "
                f"(correlation id {correlation}; the app's log has the details). Fix the entry script or the model and deploy again."
            )
        finally:
            self._loaded.set()

    def _load_script(self) -> EntryScript:
        manifest = read_manifest(self.app_dir)
        default_model_dir(self.app_dir)
        return EntryScript.from_file(self.app_dir / str(manifest.get("entry_script") or "score.py"))

    # --- requests ---------------------------------------------------------------------------

    def _headers(self, prediction: Prediction | None = None) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "X-Model-Version": self.settings.model_version}
        if prediction is not None:
            headers["X-Cache"] = prediction.cache
        return headers

    def score_body(self, body: bytes | str) -> Answer:
        """The scoring contract, independent of the trigger."""
        size = len(body.encode("utf-8") if isinstance(body, str) else body or b"")
        if size > self.settings.max_body_bytes:
            return self.too_large(size)
        entry = self._entry
        if entry is None:
            if not self._loaded.is_set():
                log.info("A score request is waiting for the model to load.")
            unavailable = self._not_ready(wait=True)
            if unavailable is not None:
                return unavailable
            entry = self._entry
            assert entry is not None
        raw = body.encode("utf-8") if isinstance(body, str) else bytes(body or b"")
        width = entry.script.expected_row_length()
        try:
            # Rows seen before are looked up by their text; the others are parsed and checked.
            prediction = entry.predict_body(raw, lambda: parse_batch(raw, self.settings.max_body_bytes, width), width is not None)
        except BadRequest as exc:
            return Answer(exc.status, {"error": str(exc), "expected": EXPECTED_SHAPE}, self._headers())
        except Exception as exc:
            correlation = uuid.uuid4().hex
            # Traceback stays in the server log; the client gets only the correlation id.
            log.error("Scoring failed (correlation id %s).", correlation, exc_info=exc.__cause__ if isinstance(exc, ModelError) and exc.__cause__ else exc)
            return self._failure(correlation, "The model failed on this input.")
        answer = {"result": prediction.result}
        try:
            if prediction.cache == HIT:
                # Every answer came from the cache through orjson, which never yields NaN, so the
                # quick writer is safe. Fresh answers may hold NaN, which the json module refuses.
                if prediction.rendered is not None:  # the cached JSON as stored, not decoded and encoded again
                    rendered = '{"result":' + prediction.rendered.decode("utf-8") + "}"
                else:
                    rendered = orjson.dumps(answer).decode("utf-8")
            else:
                rendered = json.dumps(answer, separators=(",", ":"), allow_nan=False)
        except ValueError:
            correlation = uuid.uuid4().hex
            log.error("Scoring answered NaN or Infinity, which JSON cannot carry (correlation id %s).", correlation)
            return self._failure(correlation, "The model answered a number JSON cannot carry (NaN or Infinity).")
        return Answer(200, answer, self._headers(prediction), rendered)

    def too_large(self, size: int) -> Answer:
        limit = self.settings.max_body_bytes
        message = f"The request body is {size} bytes; the limit is {limit} bytes. Send fewer rows per request."
        return Answer(413, {"error": message}, self._headers())

    def _failure(self, correlation: str, message: str) -> Answer:
        headers = self._headers()
        headers["X-Correlation-Id"] = correlation
        return Answer(500, {"error": f"{message} Quote correlation id {correlation} when asking the app's owner.", "correlation_id": correlation}, headers)

    def _not_ready(self, wait: bool) -> Answer | None:
        """None when the model is loaded (after waiting up to MODEL_LOAD_WAIT_SECONDS if `wait`); else a 503."""
        if self.wait_until_loaded(self.settings.model_load_wait_s if wait else 0):
            return None
        headers = self._headers()
        if self.load_error is not None:
            headers["X-Correlation-Id"] = self.load_correlation or ""
            return Answer(503, {"error": self.load_error, "correlation_id": self.load_correlation}, headers)
        headers["Retry-After"] = "5"
        message = "The model is still loading; try again in a few seconds."
        return Answer(503, {"error": message}, headers)

    def health(self) -> Answer:
        """200 with the model and cache state once the model is loaded; 503 while loading or after init() failed."""
        self.start_loading()  # never waits: readiness probes get an answer at once
        if self.cache is None:
            cache_state = "disabled"
        else:
            cache_state = "ok" if self.cache.ping() else "unreachable"
        body: dict[str, Any] = {
            "model_loaded": self.model_loaded,
            "cache": cache_state,
            "model_name": self.settings.model_name,
            "model_version": self.settings.model_version,
        }
        if not self.model_loaded:
            body["loading"] = not self._loaded.is_set()
            if self.load_error is not None:
                body["error"] = self.load_error
        # 503 while the model is not loaded, so readiness probes wait; a cache outage is not fatal (fail open).
        return Answer(200 if self.model_loaded else 503, body, {"Content-Type": "application/json"})

    def score_document(self, body: bytes | str) -> tuple[str, Answer]:
        """Blob / queue input -> the JSON text to write out. Bad input becomes an error document;
        a model failure raises, so the Functions host retries and finally parks the input
        (poison queue / dead-letter) instead of writing a wrong answer."""
        answer = self.score_body(body)
        if answer.status >= 500:  # also 503: the model is not loaded (yet)
            raise RuntimeError(f"Scoring failed; correlation id {answer.body.get('correlation_id')}")
        document = dict(answer.body)
        if answer.status == 200:
            document["cache"] = answer.headers.get("X-Cache", BYPASS)
        document["model_version"] = self.settings.model_version
        return json.dumps(document, separators=(",", ":")), answer
