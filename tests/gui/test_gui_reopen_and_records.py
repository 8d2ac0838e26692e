"""Issue 13 defects 5, 6, 7: reopening a cancelled deployment, a refused connection on the Test page, name
collisions on Review, forgetting a record without signing in.

Records are made by the real engine: a DeploymentRun cancelled before its first step writes a real journal and
profile copy (nothing is started, so nothing has to be stopped afterwards).
"""

from __future__ import annotations

import socket

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from tests.gui.conftest import go_to
from wizard import deployment
from wizard import profile as profile_mod
from wizard.targets.base import Endpoint
from wizard.ui.pages.base import PageId


def _cancelled_record(name: str, group: str = "rg-mlfunc-digits") -> None:
    p = profile_mod.default_local()
    p.name = name
    p.resource_group.name = group
    run = deployment.DeploymentRun(p, lambda _e: None)
    run.cancel()
    outcome = run.run()
    assert outcome.cancelled and [i.name for i in deployment.list_deployments()] == [name]


def _choose(window, qtbot, name):
    start = window.page_of(PageId.START)
    start.reopen_radio.click()
    start.refresh_deployments()
    qtbot.waitUntil(lambda: any(start.deployments.item(r).data(Qt.ItemDataRole.UserRole) == name
                                for r in range(start.deployments.count())))
    start.reopen(name)
    qtbot.waitUntil(lambda: start.reopened == name)
    return start


# --- defect 5 ------------------------------------------------------------------------------------
def test_reopening_a_cancelled_deployment_shows_its_state_and_offers_resume_or_clean_up(wizard_window, qtbot):
    _cancelled_record("half-done")
    start = _choose(wizard_window, qtbot, "half-done")
    assert "cancelled" in start.reopen_state.text() and "rg-mlfunc-digits" in start.reopen_state.text()
    assert start.reopen_state.isVisible()
    assert start.resume_button.isVisible() and start.resume_button.isEnabled()
    assert start.cleanup_button.isEnabled()
    assert not start.test_button.isEnabled()  # nothing answers: it was never deployed
    assert start.nextId() == int(PageId.DEPLOY)  # Next resumes it rather than opening a dead Test page
    start.reopen_action = "cleanup"
    assert start.nextId() == int(PageId.CLEANUP)


def test_a_refused_connection_on_the_test_page_is_a_sentence_and_the_spinner_stops(wizard_window, qtbot,
                                                                                   monkeypatch):
    with socket.socket() as s:  # a port nothing listens on (bound, then closed)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # The narrowest seam: the deployment's address comes from its journal; here it is a dead local port, and
    # the request itself is a real HTTP attempt that the kernel refuses.
    monkeypatch.setattr(deployment, "endpoint",
                        lambda *_a, **_k: Endpoint(url=f"http://127.0.0.1:{port}/api/score"))
    page = wizard_window.page_of(PageId.TEST)
    wizard_window.setStartId(int(PageId.TEST))
    wizard_window.restart()
    qtbot.waitUntil(lambda: page.endpoint is not None)
    page.editor.set_value([[0.0] * 64])
    qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.error_banner.isVisible() and not page.busy)
    text = page.error_banner.text()
    assert "does not answer" in text and str(port) in text
    for raw in ("HTTPConnectionPool", "urllib3", "NewConnectionError", "Max retries"):
        assert raw not in text
    assert "Sending" not in page.stats_label.text()
    assert page.send_button.isEnabled()


# --- defect 6 ------------------------------------------------------------------------------------
def test_a_new_deployment_with_a_recorded_name_is_flagged_on_review_and_cannot_be_created(wizard_window, qtbot):
    _cancelled_record("digits-local", group="rg-other")
    go_to(wizard_window, qtbot, PageId.REVIEW)
    review = wizard_window.currentPage()
    qtbot.waitUntil(lambda: any("already exists" in t for t in review.group_texts().get("Start", [])))
    assert not wizard_window.button(QWizard.WizardButton.CommitButton).isEnabled()
    # Renaming clears it; the record was never touched.
    wizard_window.model.set("name", "digits-local-2")
    assert wizard_window.button(QWizard.WizardButton.CommitButton).isEnabled()
    assert [i.name for i in deployment.list_deployments()] == ["digits-local"]


def test_reopened_deployment_is_not_a_collision_with_itself(wizard_window, qtbot):
    _cancelled_record("digits-local")
    _choose(wizard_window, qtbot, "digits-local")
    wizard_window.page_of(PageId.START).reopen_action = "resume"
    review = wizard_window.page_of(PageId.REVIEW)
    wizard_window.setStartId(int(PageId.REVIEW))
    review.check_name_collision()
    qtbot.wait(200)
    assert not any("already exists" in t for t in review.group_texts().get("Start", []))


# --- defect 7 ------------------------------------------------------------------------------------
def test_forget_removes_the_record_without_signing_in_and_names_its_resource_group(wizard_window, qtbot):
    _cancelled_record("to-forget", group="rg-left-behind")
    start = _choose(wizard_window, qtbot, "to-forget")
    asked = []
    start.confirm_forget = lambda text: asked.append(text) or True
    assert start.forget_button.isEnabled()
    qtbot.mouseClick(start.forget_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Forgot" in start.reopen_state.text())
    assert "rg-left-behind" in asked[0] and "rg-left-behind" in start.reopen_state.text()
    assert deployment.list_deployments() == []
    assert wizard_window.session.credential is None


def test_forget_on_the_clean_up_page(wizard_window, qtbot):
    _cancelled_record("forget-here", group="rg-kept")
    start = _choose(wizard_window, qtbot, "forget-here")
    qtbot.mouseClick(start.cleanup_button, Qt.MouseButton.LeftButton)
    assert wizard_window.currentId() == int(PageId.CLEANUP)
    cleanup = wizard_window.currentPage()
    qtbot.mouseClick(cleanup.forget_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cleanup.state == "forgotten")
    assert "rg-kept" in cleanup.status.text()
    assert deployment.list_deployments() == []
