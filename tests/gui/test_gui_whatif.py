"""Issue 14 item 4 on Review: the what-if preview before Create, and consent before a replacement."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from tests.gui.conftest import go_to
from wizard.core import whatif
from wizard.core.errors import WizardError
from wizard.targets.base import Change, ChangeKind, SettingChange
from wizard.ui.pages import deploy as deploy_page
from wizard.ui.pages.base import PageId


def test_review_shows_what_create_will_do(wizard_window, qtbot):
    go_to(wizard_window, qtbot, PageId.REVIEW)
    review = wizard_window.currentPage()
    qtbot.waitUntil(lambda: review.whatif is not None, timeout=30_000)
    text = review.preview.toPlainText()
    assert "What a deploy of 'digits-local'" in text
    assert "create" in text and "resource-group" in text  # nothing deployed yet: everything is created


def test_a_replacement_needs_consent_naming_the_setting_and_the_loss(wizard_window, qtbot, monkeypatch):
    seen = []

    def refuse(profile, credential, sink, allow_replace=False):
        seen.append(allow_replace)
        raise WizardError("Not deploying in a consent test.")

    monkeypatch.setattr(deploy_page, "_prepare", refuse)  # the deployment itself is not the subject here
    go_to(wizard_window, qtbot, PageId.REVIEW)
    review = wizard_window.currentPage()
    qtbot.waitUntil(lambda: review.whatif is not None, timeout=30_000)
    # What deployment.what_if returns for a changed clustering policy (built from its real types).
    step = whatif.PlannedStep(name="cache", title="Create the cache", creates="redis-server cache",
                              change=Change(ChangeKind.REPLACE, (SettingChange("cache.clustering_policy", "EnterpriseCluster",
                                                                               "OSSCluster"),),
                                            forced_by=("cache.clustering_policy",),
                                            data_loss="every cached answer (the new cache starts empty)"))
    review.whatif = whatif.WhatIf(deployment="digits-local", target="local", steps=(step,))
    asked = []
    review.confirm_replace = lambda text: asked.append(text) or False
    create = wizard_window.button(QWizard.WizardButton.CommitButton)
    qtbot.mouseClick(create, Qt.MouseButton.LeftButton)
    assert wizard_window.currentId() == int(PageId.REVIEW)  # refused: nothing starts
    assert "“Clustering policy”" in asked[0] and "every cached answer" in asked[0], asked[0]  # the page's label
    assert "cache.clustering_policy" not in asked[0]
    review.confirm_replace = lambda text: True
    qtbot.mouseClick(create, Qt.MouseButton.LeftButton)
    assert wizard_window.currentId() == int(PageId.DEPLOY)
    qtbot.waitUntil(lambda: seen == [True])
