"""Circuit breaker for the cache: after repeated failures, skip Redis for a cool-down, then probe once."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half-open"


class CircuitBreaker:
    """Closed: calls go through. Open: calls are skipped until `cooldown_s` passed.
    Half-open: exactly one caller probes; its success closes the breaker, its failure re-opens it."""

    def __init__(self, failure_threshold: int = 3, cooldown_s: float = 5.0, clock: Callable[[], float] = time.monotonic):
        self.failure_threshold = max(1, failure_threshold)
        self.cooldown_s = cooldown_s
        self._clock = clock
        self._lock = threading.Lock()
        self._state = CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probe_in_flight = False

    @property
    def state(self) -> str:
        with self._lock:
            if self._state == OPEN and self._clock() - self._opened_at >= self.cooldown_s:
                return HALF_OPEN
            return self._state

    def allow(self) -> bool:
        """True when the caller may use Redis now (a half-open probe counts as allowed)."""
        with self._lock:
            if self._state == CLOSED:
                return True
            if self._state == OPEN:
                if self._clock() - self._opened_at < self.cooldown_s:
                    return False
                self._state = HALF_OPEN
                self._probe_in_flight = False
            if self._probe_in_flight:
                return False
            self._probe_in_flight = True
            return True

    def record_success(self) -> None:
        with self._lock:
            if self._state != CLOSED:
                log.warning("Redis answers again; using the cache again.")
            self._state = CLOSED
            self._failures = 0
            self._probe_in_flight = False

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._state == HALF_OPEN or self._failures >= self.failure_threshold:
                if self._state != OPEN:
                    log.warning(
                        "Redis failed %d time(s) in a row; answering without the cache for %.1f s.",
                        self._failures,
                        self.cooldown_s,
                    )
                self._state = OPEN
                self._opened_at = self._clock()
                self._probe_in_flight = False
