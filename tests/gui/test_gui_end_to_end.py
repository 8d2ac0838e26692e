"""The real wizard, end to end on this computer: Next through every page, Create, test, clean up.

Nothing is mocked: the deploy starts real redis-server and functions-host processes; the
clean-up must leave no process (checked by PID) and no resource-group folder.
"""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from tests.gui.conftest import go_to, next_button
from wizard.paths import data_home
from wizard.ui.pages.base import PageId

DEPLOY_TIMEOUT_MS = 280_000


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped by its parent) is not running.
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _pids(outputs: dict) -> set[int]:
    found: set[int] = set()

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, int) and not isinstance(value, bool) and "pid" in key:
            found.add(value)

    walk(outputs)
    return found


def _stop_leftovers(pids):
    import signal

    for pid in pids:
        if _alive(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


@pytest.mark.slow
def test_newcomer_deploys_tests_and_cleans_up_by_clicking(wizard_window, qtbot, local_deploy_ready):
    w = wizard_window
    go_to(w, qtbot, PageId.REVIEW)
    create = w.button(QWizard.WizardButton.CommitButton)
    assert create.isEnabled()
    qtbot.mouseClick(create, Qt.MouseButton.LeftButton)
    deploy = w.currentPage()
    assert w.currentId() == int(PageId.DEPLOY)
    assert not w.button(QWizard.WizardButton.BackButton).isEnabled() or not w.button(QWizard.WizardButton.BackButton).isVisible()

    pids: set[int] = set()
    try:
        qtbot.waitUntil(lambda: deploy.state in ("ok", "failed", "cancelled"), timeout=DEPLOY_TIMEOUT_MS)
        assert deploy.state == "ok", deploy.error_banner.sentence.text() + "\n" + deploy.error_banner.detail.toPlainText()
        # Outputs also name processes that a later step replaced (the host restarts with its settings).
        pids = {p for p in _pids(deploy.outcome.outputs) if _alive(p)}
        assert len(pids) >= 2, deploy.outcome.outputs  # redis-server and the functions host
        states = deploy.steps.states()
        assert states and all(s in ("done", "skipped") for s in states.values()), states
        assert deploy.overall.value() == deploy.overall.maximum()
        assert deploy.log_view.document().blockCount() > 1
        group = data_home() / "resource-groups" / w.profile.resource_group.name
        assert group.is_dir()

        # Test page: MISS, then HIT for the same input.
        assert next_button(w).isEnabled()
        qtbot.mouseClick(next_button(w), Qt.MouseButton.LeftButton)
        test = w.currentPage()
        assert w.currentId() == int(PageId.TEST)
        qtbot.waitUntil(lambda: test.endpoint is not None and test.editor.text().strip() != "", timeout=120_000)
        assert test.key_label.label.text() != test.endpoint.key  # masked until revealed
        assert test.endpoint.key not in test.curl_text()
        # The deploy's smoke test already sent the sample input (a HIT now): send an input never seen.
        body = test.editor.value()
        for i, row in enumerate(body["data"]):  # rows are cached one by one: change every row
            row[0] = 13.0 + i
        test.editor.set_value(body)
        with qtbot.waitSignal(test.sent, timeout=60_000) as first:
            qtbot.mouseClick(test.send_button, Qt.MouseButton.LeftButton)
        assert first.args[0].status == 200 and first.args[0].x_cache == "MISS"
        assert test.cache_label.text() == "MISS" and '"result"' in test.response.toPlainText()
        qtbot.waitUntil(lambda: test.send_button.isEnabled())
        with qtbot.waitSignal(test.sent, timeout=60_000) as second:
            qtbot.mouseClick(test.send_button, Qt.MouseButton.LeftButton)
        assert second.args[0].x_cache == "HIT" and test.cache_label.text() == "HIT"
        qtbot.waitUntil(lambda: test.send_button.isEnabled())
        test.repeat_spin.setValue(5)
        with qtbot.waitSignals([test.sent] * 5, timeout=60_000):
            qtbot.mouseClick(test.repeat_button, Qt.MouseButton.LeftButton)
        assert "p50" in test.stats_label.text() and "hit ratio 100%" in test.stats_label.text()
        assert test.history.rowCount() == 7
        test.key_label.reveal.setChecked(True)
        assert test.endpoint.key in test.curl_text()

        # One click to the clean-up page; the delete button waits for the typed name.
        qtbot.mouseClick(test.cleanup_button, Qt.MouseButton.LeftButton)
        cleanup = w.currentPage()
        assert w.currentId() == int(PageId.CLEANUP)
        qtbot.waitUntil(lambda: cleanup.resources.count() > 1 and "Listing" not in cleanup.resources.item(0).text(),
                        timeout=60_000)
        assert not cleanup.delete_button.isEnabled()
        qtbot.keyClicks(cleanup.confirm_edit, "wrong-name")
        assert not cleanup.delete_button.isEnabled()
        cleanup.confirm_edit.clear()
        qtbot.keyClicks(cleanup.confirm_edit, w.profile.resource_group.name)
        assert cleanup.delete_button.isEnabled()
        qtbot.mouseClick(cleanup.delete_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: cleanup.state in ("deleted", "failed"), timeout=120_000)
        assert cleanup.state == "deleted", cleanup.error_banner.sentence.text()
        assert "nothing of this deployment is left" in cleanup.status.text()
        assert w.button(QWizard.WizardButton.FinishButton).isEnabled()

        # Nothing is left: no process by PID, no resource-group folder, no deployment record.
        assert not [p for p in pids if _alive(p)]
        assert not group.exists()
        assert not (data_home() / "deployments" / w.profile.name).exists()
    finally:
        _stop_leftovers(pids)


@pytest.mark.slow
def test_closing_mid_deploy_asks_cancels_and_leaves_a_resumable_journal(qtbot, local_deploy_ready):
    from wizard import deployment
    from wizard.ui.wizard import DeploymentWizard
    from wizard.ui.workers import wait_for_workers

    w = DeploymentWizard()
    qtbot.addWidget(w)
    w.show()
    asked: list[str] = []
    answers = iter([False, True])
    # The question box is modal and needs a person: this is the narrowest seam to answer it.
    w.confirm = lambda title, text: (asked.append(text), next(answers))[1]
    w.setCurrentId(int(PageId.REVIEW))
    qtbot.mouseClick(w.button(QWizard.WizardButton.CommitButton), Qt.MouseButton.LeftButton)
    deploy = w.page_of(PageId.DEPLOY)
    qtbot.waitUntil(lambda: deploy.state == "running" and any(
        s in ("running", "done") for s in deploy.steps.states().values()), timeout=60_000)

    assert not w.close()  # "No": the window stays and the deploy goes on
    assert w.isVisible() and deploy.is_running() and len(asked) == 1
    assert w.close()  # "Yes": cancels, waits for the engine to stop, closes
    assert len(asked) == 2 and "resume" in asked[1]
    assert not deploy.is_running() and deploy.state in ("cancelled", "ok", "failed")
    assert wait_for_workers(60_000)

    infos = {i.name: i for i in deployment.list_deployments()}
    assert w.profile.name in infos and (data_home() / "deployments" / w.profile.name / "journal.json").is_file()

    # Resume: a new wizard reopens the deployment from Start and Retry/Resume on a new run finishes it.
    pids: set[int] = set()
    try:
        outcome = deployment.DeploymentRun(deployment.load_deployed_profile(w.profile.name), lambda e: None).run()
        assert outcome.ok
        pids = _pids(outcome.outputs)
    finally:
        deployment.destroy(w.profile.name, log=lambda line: None)
        _stop_leftovers(pids)
    assert not (data_home() / "resource-groups" / w.profile.resource_group.name).exists()


@pytest.mark.slow
def test_cancel_then_retry_resumes_from_the_journal(wizard_window, qtbot, local_deploy_ready):
    from wizard import deployment

    w = wizard_window
    w.setCurrentId(int(PageId.REVIEW))
    qtbot.mouseClick(w.button(QWizard.WizardButton.CommitButton), Qt.MouseButton.LeftButton)
    deploy = w.page_of(PageId.DEPLOY)
    # Cancel once the first step has finished, so the retry has something to resume from.
    qtbot.waitUntil(lambda: "done" in deploy.steps.states().values(), timeout=120_000)
    qtbot.mouseClick(deploy.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not deploy.is_running(), timeout=120_000)
    pids: set[int] = set()
    try:
        if deploy.state == "ok":  # the plan finished before the cancel landed: nothing to resume
            pytest.skip("the deployment finished before it could be cancelled")
        assert deploy.state == "cancelled" and deploy.retry_button.isVisible()
        assert not next_button(w).isEnabled()
        finished_before = {n for n, s in deploy.steps.states().items() if s == "done"}
        assert finished_before

        qtbot.mouseClick(deploy.retry_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: deploy.state in ("ok", "failed", "cancelled"), timeout=DEPLOY_TIMEOUT_MS)
        assert deploy.state == "ok", deploy.error_banner.sentence.text()
        assert next_button(w).isEnabled()
        # Steps done before the cancel were not redone: the journal let the new run skip them.
        assert "Retrying" in deploy.log_view.toPlainText()
        states = deploy.steps.states()
        assert all(states[n] in ("done", "skipped") for n in finished_before)
        assert any(states[n] == "skipped" for n in finished_before), states
        pids = {p for p in _pids(deploy.outcome.outputs) if _alive(p)}

        # A second window reopens the deployment from Start and goes straight to the test page.
        from wizard.ui.wizard import DeploymentWizard

        other = DeploymentWizard()
        qtbot.addWidget(other)
        other.show()
        start = other.page_of(PageId.START)
        qtbot.waitUntil(lambda: any(start.deployments.item(i).data(Qt.ItemDataRole.UserRole) == w.profile.name
                                    for i in range(start.deployments.count())), timeout=30_000)
        start.reopen(w.profile.name)
        qtbot.waitUntil(lambda: start.reopened == w.profile.name, timeout=30_000)
        assert next_button(other).isEnabled()
        qtbot.mouseClick(next_button(other), Qt.MouseButton.LeftButton)
        assert other.currentId() == int(PageId.TEST)
        test = other.currentPage()
        qtbot.waitUntil(lambda: test.endpoint is not None and test.editor.text().strip() != "", timeout=60_000)
        with qtbot.waitSignal(test.sent, timeout=60_000) as sent:
            test.send()
        assert sent.args[0].status == 200
    finally:
        if deployment.state_dir(w.profile.name).exists():
            deployment.destroy(w.profile.name, log=lambda line: None)
        _stop_leftovers(pids)
    assert not [p for p in pids if _alive(p)]
