"""The Test page's Logs panel: a real LogPanel offscreen follows a local deployment's host.log (real files in a
real local resource group folder, written while it follows) in a worker, masks secrets, and stops its worker."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt

from wizard.profile import Profile
from wizard.secrets import registry
from wizard.targets.local import function_host
from wizard.targets.local import resource_group as rg
from wizard.ui.widgets.log_panel import MAX_BLOCKS, LogPanel
from wizard.ui.workers import wait_for_workers


@pytest.fixture
def host_log(wizard_home):
    profile = Profile(name="panel-demo", target="local")
    profile.resource_group.name = "rg-panel-demo"
    profile.function.app_name = "panel-demo-app"
    group = rg.ensure_group(profile.resource_group.name, {}, profile.name)
    log = function_host.app_folder(group, profile.function.app_name) / function_host.LOG
    log.parent.mkdir(parents=True)
    log.write_text("2026-12-01 10:00:00,000 INFO mlfunc.host: host started\n")
    return profile, log


def _stamp() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S") + ",000"


def test_log_panel_follows_masks_and_stops(qtbot, host_log):
    profile, log = host_log
    panel = LogPanel(lambda: (profile, None))
    qtbot.addWidget(panel)
    panel.show()
    assert panel.view.maximumBlockCount() == MAX_BLOCKS  # bounded like the deploy log (the same LogView)
    assert panel.start_button.isEnabled() and not panel.stop_button.isEnabled()

    qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    assert panel.following and panel.stop_button.isEnabled() and not panel.start_button.isEnabled()
    qtbot.waitUntil(lambda: "host started" in panel.view.toPlainText(), timeout=20_000)

    key = "Pk3n" + "q" * 28 + "Zz7t"
    registry.add(key)
    with log.open("a") as fh:  # written while the panel follows
        for i in range(300):
            fh.write(f"{_stamp()} INFO mlfunc.host.access: 127.0.0.1 \"POST /api/score\" 200 1.0ms request {i}\n")
        fh.write(f"{_stamp()} WARNING mlfunc.host: the app printed {key}\n")
    qtbot.waitUntil(lambda: "the app printed" in panel.view.toPlainText(), timeout=20_000)
    text = panel.view.toPlainText()
    assert "request 0\n" in text and "request 299\n" in text
    assert key not in text and f"{key[:4]}…{key[-4:]}" in text

    qtbot.mouseClick(panel.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.following, timeout=20_000)
    assert wait_for_workers(20_000)  # the worker really returned
    assert panel.start_button.isEnabled() and not panel.stop_button.isEnabled()
    assert panel.status.text() == "Stopped."


def test_hiding_the_panel_stops_following(qtbot, host_log):
    profile, _log = host_log
    panel = LogPanel(lambda: (profile, None))
    qtbot.addWidget(panel)
    panel.show()
    panel.start()
    qtbot.waitUntil(lambda: "host started" in panel.view.toPlainText(), timeout=20_000)
    panel.hide()  # leaving the Test page
    qtbot.waitUntil(lambda: not panel.following, timeout=20_000)
    assert wait_for_workers(20_000)


def test_an_unknown_deployment_shows_a_sentence(qtbot, wizard_home):
    profile = Profile(name="never-deployed", target="local")
    profile.resource_group.name = "rg-never-deployed"
    panel = LogPanel(lambda: (profile, None))
    qtbot.addWidget(panel)
    panel.show()
    panel.start()
    qtbot.waitUntil(lambda: not panel.following, timeout=20_000)
    assert "is not on this computer any more" in panel.status.text()
    assert panel.start_button.isEnabled()


def test_the_test_page_has_the_logs_panel(wizard_window, qtbot):
    from wizard.ui.wizard import PageId

    wizard_window.setStartId(int(PageId.TEST))
    wizard_window.restart()
    page = wizard_window.page_of(PageId.TEST)
    qtbot.waitUntil(lambda: page.logs.isVisible(), timeout=10_000)
    assert isinstance(page.logs, LogPanel) and page.logs.start_button.isEnabled()
