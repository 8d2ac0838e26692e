"""The engine runs a real (file-creating) test target: parallelism, ordering, failures, retries, cancel, secrets."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from tests.unit.test_engine_target import Behaviour, FileTarget, StepSpec, count, read_calls
from wizard.core.engine import Engine, backoff_delay
from wizard.core.events import StepEvent
from wizard.core.journal import Journal
from wizard.core.plan import Plan
from wizard.profile import Profile
from wizard.secrets import mask


class Recorder:
    """A thread-safe event sink that keeps every event."""

    def __init__(self) -> None:
        self.events: list[StepEvent] = []
        self._lock = threading.Lock()

    def __call__(self, event: StepEvent) -> None:
        with self._lock:
            self.events.append(event)

    def kinds(self, step: str) -> list[str]:
        return [e.kind for e in self.events if e.step == step]

    def of(self, kind: str, step: str | None = None) -> list[StepEvent]:
        return [e for e in self.events if e.kind == kind and (step is None or e.step == step)]


def make_engine(tmp_path: Path, specs: list[StepSpec], **kwargs) -> tuple[Engine, Recorder, FileTarget]:
    target = FileTarget(specs, tmp_path / "resources")
    recorder = Recorder()
    kwargs.setdefault("backoff", lambda attempt, retry_after: max(0.01, retry_after or 0.0))
    engine = Engine(Plan(target.steps(None), target="test"), Profile(name="engine-test"), tmp_path / "state",
                    recorder, **kwargs)
    return engine, recorder, target


def window(tmp_path: Path, step: str) -> tuple[float, float]:
    calls = read_calls(tmp_path / "resources")
    start = next(c["t"] for c in calls if c["step"] == step and c["event"] == "start")
    end = next(c["t"] for c in calls if c["step"] == step and c["event"] == "created")
    return start, end


def test_independent_steps_overlap_in_time(tmp_path):
    # Three independent steps of 0.3 s each: each starts before any of the others has finished.
    specs = [StepSpec(n, behaviour=Behaviour(seconds=0.3)) for n in ("cache", "storage", "package")]
    engine, recorder, _ = make_engine(tmp_path, specs)
    outcome = engine.run()
    assert outcome.ok
    windows = {n: window(tmp_path, n) for n in ("cache", "storage", "package")}
    for a in windows:
        for b in windows:
            if a != b:
                assert windows[a][0] < windows[b][1], f"{a} started only after {b} ended"


def test_a_step_starts_only_after_its_needs_finished_and_sees_their_outputs(tmp_path):
    specs = [
        StepSpec("group", behaviour=Behaviour(seconds=0.05)),
        StepSpec("cache", ("group",), behaviour=Behaviour(seconds=0.1)),
        StepSpec("plan", ("group",), behaviour=Behaviour(seconds=0.05)),
        StepSpec("app", ("cache", "plan")),
    ]
    engine, recorder, _ = make_engine(tmp_path, specs)
    outcome = engine.run()
    assert outcome.ok
    assert window(tmp_path, "group")[1] <= window(tmp_path, "cache")[0]
    assert max(window(tmp_path, "cache")[1], window(tmp_path, "plan")[1]) <= window(tmp_path, "app")[0]
    assert outcome.outputs["app"]["upstream"] == {"cache": "cache", "plan": "plan"}
    assert recorder.kinds("app") == ["started", "finished"]
    assert recorder.of("finished", "app")[0].duration_s is not None


def test_a_failure_skips_its_dependants_and_lets_independent_steps_finish(tmp_path):
    specs = [
        StepSpec("cache", behaviour=Behaviour(seconds=0.05, fail="The cache name is taken; pick another name.")),
        StepSpec("access", ("cache",)),
        StepSpec("settings", ("access",)),
        StepSpec("package", behaviour=Behaviour(seconds=0.3)),
        StepSpec("plan", ("package",)),
    ]
    engine, recorder, _ = make_engine(tmp_path, specs)
    outcome = engine.run()
    assert not outcome.ok and not outcome.cancelled
    assert outcome.failed == {"cache": "The cache name is taken; pick another name."}
    assert outcome.states["access"] == outcome.states["settings"] == "blocked"
    assert recorder.of("skipped", "settings")[0].message == "Not started because 'cache' failed."
    assert outcome.states["package"] == outcome.states["plan"] == "created"
    assert count(tmp_path / "resources", "access", "start") == 0
    journal = Journal(tmp_path / "state")
    assert journal.state("cache") == "failed" and journal.get("cache").error.startswith("The cache name")
    assert journal.state("plan") == "created" and journal.state("access") is None


def test_an_unexpected_exception_gets_a_sentence_and_a_traceback_in_detail(tmp_path):
    engine, recorder, _ = make_engine(tmp_path, [StepSpec("app", behaviour=Behaviour(crash=True))])
    outcome = engine.run()
    event = recorder.of("failed", "app")[0]
    assert "unexpected error (KeyError" in event.message and "run deploy again" in event.message
    assert "Traceback" in event.detail and "KeyError" in event.detail
    assert outcome.details["app"] == event.detail


def test_transient_errors_are_retried_then_succeed(tmp_path):
    specs = [StepSpec("cache", behaviour=Behaviour(transient=2)), StepSpec("app", behaviour=Behaviour(connection_errors=1))]
    engine, recorder, _ = make_engine(tmp_path, specs)
    outcome = engine.run()
    assert outcome.ok
    assert count(tmp_path / "resources", "cache", "start") == 3
    assert [e.outputs["attempt"] for e in recorder.of("retrying", "cache")] == [2, 3]
    assert len(recorder.of("retrying", "app")) == 1
    assert recorder.kinds("cache")[-1] == "finished"


def test_transient_errors_beyond_the_retries_fail_the_step(tmp_path):
    engine, recorder, _ = make_engine(tmp_path, [StepSpec("cache", retries=1, behaviour=Behaviour(transient=5))])
    outcome = engine.run()
    assert "failed after 2 attempts: cache is throttled" in outcome.failed["cache"]
    assert count(tmp_path / "resources", "cache", "start") == 2


def test_retry_after_is_honoured_by_the_backoff(tmp_path):
    # The real backoff function with a tiny base: the server's Retry-After must win over it.
    backoff = lambda attempt, retry_after: backoff_delay(attempt, retry_after, base_s=0.001)  # noqa: E731
    engine, recorder, _ = make_engine(
        tmp_path, [StepSpec("cache", behaviour=Behaviour(transient=1, retry_after=0.25))], backoff=backoff)
    assert engine.run().ok
    (event,) = recorder.of("retrying", "cache")
    assert event.outputs["retry_after_s"] == 0.25
    assert event.outputs["delay_s"] >= 0.25


def test_backoff_grows_exponentially_with_jitter_and_is_capped():
    import random

    rng = random.Random(7)
    delays = [backoff_delay(a, None, base_s=1.0, cap_s=8.0, rng=rng) for a in range(1, 7)]
    for attempt, delay in enumerate(delays, 1):
        ceiling = min(8.0, 2 ** (attempt - 1))
        assert ceiling / 2 <= delay <= ceiling
    assert backoff_delay(1, 30.0, base_s=1.0) == 30.0


def test_cancel_reaches_a_step_blocked_in_a_long_wait(tmp_path):
    specs = [
        StepSpec("cache", behaviour=Behaviour(seconds=600)),
        StepSpec("access", ("cache",)),
        StepSpec("package", behaviour=Behaviour(seconds=0.01)),
    ]
    engine, recorder, _ = make_engine(tmp_path, specs)
    result: dict = {}
    runner = threading.Thread(target=lambda: result.setdefault("outcome", engine.run()))
    runner.start()
    resources = tmp_path / "resources"
    deadline = time.monotonic() + 30
    while count(resources, "cache", "start") == 0 or count(resources, "package", "created") == 0:
        assert time.monotonic() < deadline, "the steps never started"
        time.sleep(0.01)
    engine.cancel()
    runner.join(timeout=30)
    assert not runner.is_alive(), "run() did not return after cancel"
    outcome = result["outcome"]
    assert outcome.cancelled and not outcome.ok
    # The step's own wait was interrupted (it ran its except clause), not abandoned.
    assert count(resources, "cache", "interrupted") == 1
    assert outcome.states == {"cache": "cancelled", "access": "not-started", "package": "created"}
    journal = Journal(tmp_path / "state")
    assert journal.state("cache") == "cancelled" and journal.state("package") == "created"
    assert journal.state("access") is None and journal.meta["status"] == "cancelled"
    assert recorder.kinds("cache")[-1] == "cancelled"


def test_a_step_that_ignores_cancel_is_abandoned_and_journaled_as_cancelled(tmp_path):
    class Stubborn:
        """Sleeps without looking at the cancel event (a badly written step)."""

        def __init__(self) -> None:
            self.release = threading.Event()

        def existing(self, ctx):
            return None

        def run(self, ctx):
            self.release.wait(30)
            return {"late": True}

    from wizard.targets.base import Step

    action = Stubborn()
    recorder = Recorder()
    engine = Engine(Plan([Step("slow", "Slow", "nothing", (), action)]), Profile(name="stubborn"), tmp_path / "state",
                    recorder, cancel_grace_s=0.2)
    result: dict = {}
    runner = threading.Thread(target=lambda: result.setdefault("outcome", engine.run()))
    runner.start()
    while not recorder.of("started", "slow"):
        time.sleep(0.01)
    engine.cancel()
    runner.join(timeout=10)
    assert not runner.is_alive()
    assert result["outcome"].states["slow"] == "cancelled"
    action.release.set()  # the abandoned thread finishes later: it must not rewrite the journal
    time.sleep(0.2)
    assert Journal(tmp_path / "state").state("slow") == "cancelled"
    assert recorder.kinds("slow") == ["started", "cancelled"]


def test_resume_after_a_failure_skips_finished_steps(tmp_path):
    specs = [
        StepSpec("group"),
        StepSpec("cache", ("group",)),
        StepSpec("app", ("group",), behaviour=Behaviour(fail="The plan SKU is not offered here.")),
        StepSpec("settings", ("app", "cache")),
    ]
    engine, _, _ = make_engine(tmp_path, specs)
    assert not engine.run().ok
    # The user fixes the cause; the same deployment runs again.
    specs[2].behaviour = Behaviour()
    engine, recorder, _ = make_engine(tmp_path, specs)
    outcome = engine.run()
    assert outcome.ok
    resources = tmp_path / "resources"
    assert [count(resources, n, "start") for n in ("group", "cache", "app", "settings")] == [1, 1, 2, 1]
    assert outcome.states == {"group": "adopted", "cache": "adopted", "app": "created", "settings": "created"}
    assert recorder.of("log", "")[0].message.startswith("Resuming: 2 of 4 steps")
    assert outcome.outputs["settings"]["upstream"] == {"app": "app", "cache": "cache"}


def test_a_journaled_step_whose_resource_vanished_is_created_again(tmp_path):
    specs = [StepSpec("cache")]
    engine, _, target = make_engine(tmp_path, specs)
    assert engine.run().ok
    (target.folder / "cache.created").unlink()  # someone deleted the resource by hand
    engine, recorder, _ = make_engine(tmp_path, specs)
    assert engine.run().states == {"cache": "created"}
    assert count(target.folder, "cache", "created") == 2
    assert any("did not find the result in place" in e.message for e in recorder.of("log", "cache"))


def test_an_existing_resource_from_a_killed_run_is_adopted_without_a_journal_entry(tmp_path):
    resources = tmp_path / "resources"
    resources.mkdir()
    (resources / "cache.created").write_text(json.dumps({"name": "cache", "from": "killed run"}))
    engine, recorder, _ = make_engine(tmp_path, [StepSpec("cache")])
    outcome = engine.run()
    assert outcome.states == {"cache": "adopted"} and outcome.outputs["cache"]["from"] == "killed run"
    assert count(resources, "cache", "start") == 0
    assert Journal(tmp_path / "state").get("cache").adopted


def test_a_changed_profile_is_announced_and_every_step_rechecks(tmp_path):
    specs = [StepSpec("cache")]
    engine, _, _ = make_engine(tmp_path, specs)
    engine.run()
    target = FileTarget(specs, tmp_path / "resources")
    recorder = Recorder()
    changed = Profile(name="engine-test")
    changed.cache.sku = "Balanced_B1"
    outcome = Engine(Plan(target.steps(None)), changed, tmp_path / "state", recorder).run()
    assert "profile changed" in recorder.of("log", "")[0].message
    assert outcome.states == {"cache": "adopted"}  # existing() decided: the file is still right
    assert count(tmp_path / "resources", "cache", "existing") == 2


def test_a_registered_secret_is_masked_in_events_and_journal(tmp_path):
    secret = "Sup3rSecretAccessKeyValue0123456789"
    engine, recorder, _ = make_engine(tmp_path, [StepSpec("cache", behaviour=Behaviour(secret=secret))])
    assert engine.run().ok
    texts = [e.message for e in recorder.events] + [json.dumps(e.outputs) for e in recorder.events]
    assert any(mask(secret) in t for t in texts), "the log line should still be shown, masked"
    assert not any(secret in t for t in texts)
    journal_text = (tmp_path / "state" / "journal.json").read_text()
    assert secret not in journal_text


def test_a_secret_returned_as_an_output_is_masked_before_it_reaches_the_journal(tmp_path):
    from wizard.secrets import registry
    from wizard.targets.base import Step

    secret = registry.add("AnotherLeakedKey-abcdefghijklmnop")

    class Leaky:
        def existing(self, ctx):
            return None

        def run(self, ctx):
            return {"host": "127.0.0.1", "password": secret}

    recorder = Recorder()
    outcome = Engine(Plan([Step("cache", "Cache", "a cache", (), Leaky())]), Profile(), tmp_path / "state", recorder).run()
    assert outcome.outputs["cache"]["password"] == mask(secret)
    assert secret not in (tmp_path / "state" / "journal.json").read_text()
    assert recorder.of("finished", "cache")[0].outputs["password"] == mask(secret)


def test_events_of_a_step_come_in_order_and_progress_is_clamped(tmp_path):
    from wizard.targets.base import Step

    class Reporting:
        def existing(self, ctx):
            return None

        def run(self, ctx):
            ctx.report(1.7, "almost")
            ctx.log("line one\n")
            return {}

    recorder = Recorder()
    Engine(Plan([Step("pkg", "Package", "a package", (), Reporting())]), Profile(), tmp_path / "state", recorder).run()
    assert recorder.kinds("pkg") == ["started", "progress", "log", "finished"]
    assert recorder.of("progress", "pkg")[0].fraction == 1.0
    assert recorder.of("log", "pkg")[0].message == "line one"


def test_a_failing_event_sink_does_not_stop_the_deployment(tmp_path):
    target = FileTarget([StepSpec("a"), StepSpec("b", ("a",))], tmp_path / "resources")

    def sink(event):
        raise RuntimeError("the GUI went away")

    outcome = Engine(Plan(target.steps(None)), Profile(), tmp_path / "state", sink).run()
    assert outcome.ok


@pytest.mark.parametrize("bound", [1, 2])
def test_a_parallelism_bound_still_runs_every_step(tmp_path, bound):
    specs = [StepSpec(n, behaviour=Behaviour(seconds=0.02)) for n in "abc"] + [StepSpec("d", tuple("abc"))]
    engine, _, _ = make_engine(tmp_path, specs, max_parallel=bound)
    assert engine.run().ok
    if bound == 1:  # with one slot the windows cannot overlap
        w = sorted(window(tmp_path, n) for n in "abc")
        assert w[0][1] <= w[1][0] and w[1][1] <= w[2][0]


def test_an_unregistered_secret_shape_in_outputs_is_masked_without_breaking_the_step(tmp_path):
    from wizard.targets.base import Step

    class ConnectionString:
        def existing(self, ctx):
            return None

        def run(self, ctx):
            return {"conn": "DefaultEndpointsProtocol=https;AccountName=st;AccountKey=QUJDREVGR0hJSktMTU5PUFFSU1RVVldY"}

    recorder = Recorder()
    outcome = Engine(Plan([Step("storage", "Storage", "an account", (), ConnectionString())]), Profile(),
                     tmp_path / "state", recorder).run()
    assert outcome.ok
    assert "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY" not in (tmp_path / "state" / "journal.json").read_text()
    assert "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY" not in outcome.outputs["storage"]["conn"]
