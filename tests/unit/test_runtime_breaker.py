"""Circuit breaker state machine and single-flight bookkeeping (pure logic; the clock is a parameter)."""

from __future__ import annotations

import threading

import pytest

from wizard.runtime.breaker import CLOSED, HALF_OPEN, OPEN, CircuitBreaker
from wizard.runtime.single_flight import SingleFlight


class FakeClock:
    """The breaker takes its clock as a parameter so cool-downs are tested without sleeping."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_opens_after_threshold_consecutive_failures_and_skips_calls():
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=3, cooldown_s=5, clock=clock)
    for _ in range(2):
        assert breaker.allow()
        breaker.record_failure()
    assert breaker.state == CLOSED
    assert breaker.allow()
    breaker.record_failure()
    assert breaker.state == OPEN
    assert not breaker.allow()


def test_success_resets_the_failure_count():
    breaker = CircuitBreaker(failure_threshold=2, cooldown_s=5, clock=FakeClock())
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert breaker.state == CLOSED


def test_half_open_lets_exactly_one_probe_through_and_closes_on_success():
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=1, cooldown_s=5, clock=clock)
    breaker.record_failure()
    clock.now += 4.9
    assert not breaker.allow()
    clock.now += 0.2
    assert breaker.state == HALF_OPEN
    assert breaker.allow()  # the probe
    assert not breaker.allow()  # everybody else still skips Redis
    breaker.record_success()
    assert breaker.state == CLOSED
    assert breaker.allow()


def test_failed_probe_reopens_for_a_full_cooldown():
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=1, cooldown_s=5, clock=clock)
    breaker.record_failure()
    clock.now += 5
    assert breaker.allow()
    breaker.record_failure()
    assert breaker.state == OPEN
    clock.now += 4
    assert not breaker.allow()
    clock.now += 1
    assert breaker.allow()


def test_single_flight_second_caller_waits_for_the_first():
    flights = SingleFlight()
    first = flights.claim(["a", "b"])
    second = flights.claim(["b", "c", "c"])
    assert list(first.own) == ["a", "b"] and not first.waiting
    assert list(second.own) == ["c"] and list(second.waiting) == ["b"]
    flights.resolve(first, {"a": 1, "b": 2})
    assert second.waiting["b"].result(timeout=1) == 2
    flights.resolve(second, {"c": 3})
    assert flights.in_flight() == 0


def test_single_flight_failure_reaches_waiters():
    flights = SingleFlight()
    first = flights.claim(["k"])
    second = flights.claim(["k"])
    flights.fail(first, ValueError("boom"))
    with pytest.raises(ValueError):
        second.waiting["k"].result(timeout=1)
    assert flights.in_flight() == 0


def test_single_flight_is_thread_safe():
    flights = SingleFlight()
    owners = []
    barrier = threading.Barrier(8)

    def worker():
        barrier.wait()
        claim = flights.claim(["same"])
        if claim.own:
            owners.append(claim)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(owners) == 1
