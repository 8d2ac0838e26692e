"""The GUI's building blocks: bounded log view, the engine-event bridge across threads, workers, curl masking."""

from __future__ import annotations

import threading

from wizard.core.events import StepEvent
from wizard.ui.pages.test_panel import curl_command, percentile
from wizard.ui.widgets.log_view import LogView
from wizard.ui.widgets.secret_label import SecretLabel
from wizard.ui.widgets.step_list import StepList
from wizard.ui.workers import EventBridge, describe_error, run_in_background, wait_for_workers


def test_log_view_keeps_memory_bounded_and_shows_the_latest_lines(qtbot):
    view = LogView(max_blocks=2000)
    qtbot.addWidget(view)
    view.append_lines([f"line {i}" for i in range(50_000)])
    qtbot.waitUntil(lambda: len(view.buffer) == 0, timeout=30_000)
    view.flush_all()
    doc = view.document()
    assert doc.blockCount() <= 2001
    assert doc.lastBlock().text() == "line 49999"
    assert view.skipped_total == 48_000 and "48000 lines were not shown" in view.toolTip()
    assert view.blocks_max <= 2001


def test_event_bridge_batches_log_lines_from_worker_threads(qtbot):
    view = LogView(max_blocks=100_000)
    steps = StepList()
    qtbot.addWidget(view)
    qtbot.addWidget(steps)
    bridge = EventBridge(view.buffer)
    wakeups = []
    step_events = []
    bridge.logsPending.connect(lambda: wakeups.append(1))
    bridge.logsPending.connect(view.wake)
    bridge.stepEvent.connect(step_events.append)
    bridge.stepEvent.connect(steps.apply)
    steps.set_steps([("cache", "Create the cache"), ("app", "Start the app")])

    def produce(step):
        bridge(StepEvent("started", step))
        for i in range(10_000):
            bridge(StepEvent("log", step, f"{step} {i}"))
            if i % 1000 == 0:
                bridge(StepEvent("progress", step, fraction=i / 10_000))
        bridge(StepEvent("finished", step, duration_s=1.5))

    threads = [threading.Thread(target=produce, args=(s,)) for s in ("cache", "app")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    qtbot.waitUntil(lambda: len(step_events) == 4, timeout=10_000)
    qtbot.waitUntil(lambda: len(view.buffer) == 0, timeout=30_000)
    view.flush_all()
    text = view.toPlainText()
    assert "[cache] cache 9999" in text and "[app] app 9999" in text
    assert view.document().blockCount() >= 20_000
    # 20,000 lines arrived with far fewer signals: one per batch the UI collected, not one per line.
    assert len(wakeups) < 2_000
    assert steps.states() == {"cache": "done", "app": "done"}
    assert steps.rows["cache"].item.text(2) == "1.5 s"


def test_step_list_retry_keeps_finished_steps(qtbot):
    steps = StepList()
    qtbot.addWidget(steps)
    steps.set_steps([("a", "A"), ("b", "B")])
    steps.apply(StepEvent("started", "a"))
    steps.apply(StepEvent("finished", "a", duration_s=0.2))
    steps.apply(StepEvent("started", "b"))
    steps.apply(StepEvent("failed", "b", "It broke; fix it.", duration_s=0.1))
    assert steps.states() == {"a": "done", "b": "failed"}
    assert steps.rows["b"].item.toolTip(0) == "It broke; fix it."
    steps.set_steps([("a", "A"), ("b", "B"), ("c", "C")])
    steps.apply(StepEvent("skipped", "c", "Not started because 'b' failed."))
    assert steps.states()["c"] == "blocked"  # never ran: not shown as done
    steps.reset_unfinished()
    assert steps.states() == {"a": "done", "b": "pending", "c": "pending"}


def test_operation_reports_success_and_failure_on_the_ui_thread(qtbot):
    got = {}
    main = threading.get_ident()

    def ok():
        got["worker"] = threading.get_ident()
        return 42

    run_in_background(ok, on_success=lambda v: got.update(value=v, ui=threading.get_ident()))
    run_in_background(lambda: 1 / 0, on_failure=lambda e: got.update(error=e), doing="divide")
    qtbot.waitUntil(lambda: "value" in got and "error" in got, timeout=10_000)
    assert got["value"] == 42 and got["ui"] == main and got["worker"] != main
    assert got["error"].sentence.startswith("Could not divide: division by zero")
    assert "ZeroDivisionError" in got["error"].detail
    assert wait_for_workers(10_000)


def test_missing_part_of_the_product_becomes_a_sentence():
    try:
        import wizard.targets.nowhere  # noqa: F401
    except ModuleNotFoundError as exc:
        info = describe_error(exc)
    assert "not available in this installation" in info.sentence


def test_curl_masks_the_key_unless_revealed(qtbot):
    key = "abcdefghijklmnopqrstuvwxyz0123"
    masked = curl_command("http://127.0.0.1:1/api/score", key, "x-functions-key", '{"data":[[1]]}', reveal=False)
    assert key not in masked and "abcd…0123" in masked
    shown = curl_command("http://127.0.0.1:1/api/score", key, "x-functions-key", '{"data":[[1]]}', reveal=True)
    assert key in shown
    label = SecretLabel()
    qtbot.addWidget(label)
    label.set_secret(key)
    assert label.label.text() == "abcd…0123"
    label.reveal.setChecked(True)
    assert label.label.text() == key
    label.set_secret("another-secret-value-123")
    assert not label.reveal.isChecked()  # a new key starts hidden


def test_percentiles():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0 and percentile(values, 95) == 95.0
    assert percentile([7.0], 95) == 7.0


def test_qt_binding_keeps_reference_counts_over_many_calls(qtbot):
    """PySide6 6.12.0 on Python 3.11 drops a reference to None/True per call and aborts the process;
    the installed binding must not (and the app refuses to start on one that does)."""
    import sys

    from PySide6.QtCore import QObject, Signal

    from wizard.ui.binding_check import broken_binding

    class Pinger(QObject):
        ping = Signal(object)

    pinger = Pinger()
    got = []
    pinger.ping.connect(got.append)
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for i in range(20_000):  # more than None's and True's references: a broken binding aborts here
        pinger.setObjectName("p")
        pinger.ping.emit(i)
    assert len(got) == 20_000
    assert sys.getrefcount(None) >= none_before - 100 and sys.getrefcount(True) >= true_before - 100
    assert broken_binding() is None
