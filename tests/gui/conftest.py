"""GUI fixtures: real widgets offscreen, settings in a temp folder, no worker left running."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QWizard

from wizard.ui.workers import wait_for_workers


@pytest.fixture(autouse=True)
def settings_in_tmp(tmp_path):
    """QSettings (window size) go to a temp folder, never the user's configuration."""
    folder = tmp_path / "qsettings"
    folder.mkdir()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder


@pytest.fixture(autouse=True)
def no_modal_unsaved_question(monkeypatch):
    """qtbot closes windows after a test; a modal "unsaved changes?" box there would wait for a click forever.
    Tests that check the question set `window.ask_unsaved` themselves."""
    from wizard.ui.wizard import DeploymentWizard

    monkeypatch.setattr(DeploymentWizard, "_ask_unsaved", lambda self: "discard", raising=False)


@pytest.fixture
def wizard_window(qtbot):
    from wizard.ui.wizard import DeploymentWizard

    window = DeploymentWizard()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    # Background operations (sample model, listings) must finish before their receivers go away.
    assert wait_for_workers(120_000)
    qtbot.wait(10)


def next_button(window):
    return window.button(QWizard.WizardButton.NextButton)


def go_to(window, qtbot, page_id):
    """Click Next until `page_id` is shown (fails if Next is disabled on the way)."""
    while window.currentId() != int(page_id):
        button = next_button(window)
        assert button.isEnabled(), f"Next is disabled on page {window.currentPage().title()}: " + "; ".join(
            window.currentPage().problem_list.texts() if hasattr(window.currentPage(), "problem_list") else []
        )
        before = window.currentId()
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert window.currentId() != before


@pytest.fixture
def local_deploy_ready(shared_env_cache, monkeypatch):
    """Skip until the local target and the engine exist (they are written by other parts of the project)."""
    pytest.importorskip("wizard.targets.local.target")
    pytest.importorskip("wizard.deployment")
    monkeypatch.setenv("MLFUNC_WIZARD_ENV_CACHE", str(shared_env_cache))
