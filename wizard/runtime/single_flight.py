"""Single flight: concurrent misses for the same key in one process compute once."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Claim:
    """What a caller got for its keys: those it must compute (`own`) and those others compute (`waiting`)."""

    own: dict[str, Future] = field(default_factory=dict)
    waiting: dict[str, Future] = field(default_factory=dict)


class SingleFlight:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._flights: dict[str, Future] = {}
        self.joined = 0  # how many times a caller joined someone else's flight (observability, tests)

    def claim(self, keys: list[str]) -> Claim:
        """Take the keys nobody computes yet; join the flights of the others.

        A caller computes its own keys first and only then waits for the others, so two
        callers that own each other's keys cannot deadlock."""
        claim = Claim()
        with self._lock:
            for key in keys:
                if key in claim.own or key in claim.waiting:
                    continue
                flight = self._flights.get(key)
                if flight is None:
                    flight = Future()
                    self._flights[key] = flight
                    claim.own[key] = flight
                else:
                    claim.waiting[key] = flight
                    self.joined += 1
        return claim

    def resolve(self, claim: Claim, results: dict[str, Any]) -> None:
        """Publish the owner's results and end its flights."""
        with self._lock:
            for key, flight in claim.own.items():
                self._flights.pop(key, None)
                flight.set_result(results[key])

    def fail(self, claim: Claim, exc: BaseException) -> None:
        with self._lock:
            for key, flight in claim.own.items():
                self._flights.pop(key, None)
                if not flight.done():
                    flight.set_exception(exc)

    def in_flight(self) -> int:
        with self._lock:
            return len(self._flights)
