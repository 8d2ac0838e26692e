"""Issue 15 item 3: Review's Save template… writes the Azure profile's ARM template (or az script) from a worker.
The file dialog is the one stand-in (a native modal dialog cannot be driven offscreen); the click, the worker, the
export and the file are real."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from wizard import profile as profile_mod
from wizard.ui.pages.base import PageId

ROOT = Path(__file__).resolve().parents[2]


def _open_review(window, example: str):
    window.model.replace(profile_mod.load(ROOT / "examples" / example))
    window.setCurrentId(int(PageId.REVIEW))
    return window.currentPage()


def test_save_template_writes_the_arm_template(wizard_window, qtbot, tmp_path, monkeypatch):
    review = _open_review(wizard_window, "managed-redis-azure.json")
    assert review.save_template_button.isVisible()
    target = tmp_path / "azuredeploy.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "ARM template (*.json)")))
    qtbot.mouseClick(review.save_template_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: review.saved_label.text() == "Saved azuredeploy.json", timeout=120_000)
    template = json.loads(target.read_text())
    assert template["$schema"].endswith("deploymentTemplate.json#")
    assert {r["type"] for r in template["resources"]} >= {"Microsoft.Web/sites", "Microsoft.Web/sites/config"}


def test_save_template_is_hidden_for_a_local_profile(wizard_window):
    review = _open_review(wizard_window, "digits-local.json")
    assert not review.save_template_button.isVisible()


def test_save_template_writes_the_az_script_when_chosen(wizard_window, qtbot, tmp_path, monkeypatch):
    review = _open_review(wizard_window, "premium-clustered-azure.json")
    target = tmp_path / "deploy.sh"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "az script (*.sh)")))
    qtbot.mouseClick(review.save_template_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: review.saved_label.text() == "Saved deploy.sh", timeout=120_000)
    text = target.read_text()
    assert text.startswith("#!/usr/bin/env bash") and "az functionapp create" in text
    assert target.stat().st_mode & 0o111
