"""Issue 13 defects 4, 9 and 10: Back after a cancel or a failure, honest progress, the 800×600 Test page."""

from __future__ import annotations

import threading

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QWizard

from tests.gui.conftest import go_to
from wizard.core.errors import WizardError
from wizard.core.events import StepEvent
from wizard.ui.pages import deploy as deploy_page
from wizard.ui.pages.base import PageId


def _create(window, qtbot):
    go_to(window, qtbot, PageId.REVIEW)
    qtbot.mouseClick(window.button(QWizard.WizardButton.CommitButton), Qt.MouseButton.LeftButton)
    assert window.currentId() == int(PageId.DEPLOY)


# --- defect 4: Back is enabled after a cancel or a failure -----------------------------------------
def test_back_is_enabled_after_a_failure_and_leads_to_review_with_create(wizard_window, qtbot, monkeypatch):
    def refuse(*_a, **_k):
        raise WizardError("The plan could not be made: the model file is missing.")

    # Narrowest seam: planning fails at once (no deployment needed to show what the page does next).
    monkeypatch.setattr(deploy_page, "_prepare", refuse)
    _create(wizard_window, qtbot)
    page = wizard_window.currentPage()
    qtbot.waitUntil(lambda: page.state == "failed")
    back = wizard_window.button(QWizard.WizardButton.BackButton)
    assert back.isVisible() and back.isEnabled()
    qtbot.mouseClick(back, Qt.MouseButton.LeftButton)
    assert wizard_window.currentId() == int(PageId.REVIEW)
    commit = wizard_window.button(QWizard.WizardButton.CommitButton)
    assert commit.isVisible() and "Create" in commit.text()


def test_back_is_enabled_after_a_cancel(wizard_window, qtbot, monkeypatch):
    release = threading.Event()

    def slow_plan(*_a, **_k):
        release.wait(30)
        return None, [("package", "Build the package", 1.0)]

    monkeypatch.setattr(deploy_page, "_prepare", slow_plan)
    _create(wizard_window, qtbot)
    page = wizard_window.currentPage()
    assert not wizard_window.button(QWizard.WizardButton.BackButton).isEnabled()  # not while it runs
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    release.set()
    qtbot.waitUntil(lambda: page.state == "cancelled")
    assert wizard_window.button(QWizard.WizardButton.BackButton).isEnabled()


# --- defect 9: the current sub-task and real progress, or an honest busy bar -------------------------
def test_a_step_without_fractions_shows_its_sub_task_and_a_busy_bar(wizard_window, qtbot):
    page = wizard_window.page_of(PageId.DEPLOY)
    page.steps.set_steps([("package", "Build the package"), ("cache", "Create the cache")])
    page.estimates = {"package": 60.0, "cache": 10.0}
    page.fractions = {"package": 0.0, "cache": 0.0}
    page.bridge(StepEvent("started", "package"))
    page.bridge(StepEvent("progress", "package", message="Installing numpy (3 of 12 packages)"))
    qtbot.waitUntil(lambda: "numpy" in page.current_task.text())
    assert page.step_bar.maximum() == 0  # indeterminate: the step said what it does, not how far it is
    page.bridge(StepEvent("progress", "package", message="Installing scipy (6 of 12 packages)", fraction=0.5))
    qtbot.waitUntil(lambda: "scipy" in page.current_task.text())
    assert page.step_bar.maximum() > 0 and page.step_bar.value() == page.step_bar.maximum() // 2
    assert page.overall.value() > 0  # the overall bar moves with the step, not only when it ends


# --- defect 10: 800×600 ------------------------------------------------------------------------------
def _show_page(window, qtbot, page_id):
    window.setStartId(int(page_id))
    window.restart()
    qtbot.wait(50)


def test_test_page_labels_fit_at_800x600_and_the_split_keeps_its_width(wizard_window, qtbot):
    wizard_window.resize(800, 600)
    _show_page(wizard_window, qtbot, PageId.TEST)
    page = wizard_window.page_of(PageId.TEST)
    assert wizard_window.size() == QSize(800, 600)
    response_box = page.response.parentWidget()
    for label in response_box.findChildren(QLabel):
        if label.isVisible() and label.text() and not label.wordWrap():
            assert label.width() >= label.sizeHint().width(), f"{label.text()!r} is cut at 800×600"
    request_width = page.editor.width()
    from wizard.deployment import InvokeResult

    long = InvokeResult(status=200, body='{"predictions": [' + ", ".join(["7"] * 300) + "]}", json=None,
                        latency_ms=12345.678, x_cache="MISS-and-a-long-header-value", model_version="v" * 40,
                        headers={})
    page._show_results([long, long], single=False)
    qtbot.wait(20)
    assert page.editor.width() == request_width
    for label in response_box.findChildren(QLabel):
        if label.isVisible() and label.text() and not label.wordWrap():
            assert label.width() >= label.sizeHint().width() or label.toolTip(), f"{label.text()!r} is cut"


def test_the_window_does_not_grow_itself_on_any_page(wizard_window, qtbot, monkeypatch):
    def refuse(*_a, **_k):
        raise WizardError("Not deploying in a layout test.")

    # Showing the Deploy page starts a deployment: refuse to plan it (the layout is what is checked).
    monkeypatch.setattr(deploy_page, "_prepare", refuse)
    wizard_window.resize(800, 600)
    qtbot.wait(20)
    for page_id in PageId:
        _show_page(wizard_window, qtbot, page_id)
        assert wizard_window.size() == QSize(800, 600), page_id.name
