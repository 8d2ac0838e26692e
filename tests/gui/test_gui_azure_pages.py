"""The Azure parts of the pages against the in-repo ARM emulator: sign-in, pickers, background name checks.

The real azure-mgmt clients talk HTTPS to the emulator. The one seam: Entra ID sign-in cannot happen here, so
the Start page is handed a credential that returns emulator tokens (wizard.targets.azure.auth.sign_in still
verifies it by asking for a token, exactly as it verifies an interactive one).
"""

from __future__ import annotations

import itertools
import time

import pytest
from azure.core.credentials import AccessToken
from PySide6.QtCore import Qt

from tests.gui.conftest import go_to, next_button
from wizard.ui.pages.base import PageId

pytest.importorskip("tests.azure.arm_emulator")
pytest.importorskip("wizard.targets.azure.clients")


class EmulatorCredential:
    def __init__(self, fail: bool = False):
        self._n = itertools.count(1)
        self.fail = fail

    def get_token(self, *scopes, **kwargs):
        if self.fail:
            raise RuntimeError("AADSTS700016: application not found in the directory")
        return AccessToken(f"emu-token-{next(self._n)}", int(time.time()) + 3600)


def _azure_start(window, qtbot, arm, credential):
    start = window.page_of(PageId.START)
    start.azure_radio.click()
    assert window.profile.target == "azure" and start.azure_box.isVisible()
    window.model.set_many({"azure.cloud": "custom", "azure.arm_endpoint": arm.url, "azure.subscription_id": ""})
    start.credential_source = credential
    qtbot.mouseClick(start.sign_in_button, Qt.MouseButton.LeftButton)
    return start


def test_sign_in_fills_subscription_region_and_group_pickers(wizard_window, qtbot, arm):
    start = _azure_start(wizard_window, qtbot, arm, EmulatorCredential())
    qtbot.waitUntil(lambda: start.pickers_loaded, timeout=30_000)
    assert wizard_window.session.credential is not None
    assert start.account_label.text() == "Signed in."
    assert start.subscription_combo.count() >= 1
    assert wizard_window.profile.azure.subscription_id == arm.subscription_id
    assert start.region_combo.findData("westeurope") >= 0
    assert start.existing_groups.isEnabled()


def test_failed_sign_in_is_a_sentence_with_detail(wizard_window, qtbot, arm):
    start = _azure_start(wizard_window, qtbot, arm, EmulatorCredential(fail=True))
    qtbot.waitUntil(lambda: start.error_banner.isVisible(), timeout=30_000)
    assert "Could not sign in to Azure" in start.error_banner.sentence.text()
    assert "AADSTS700016" in start.error_banner.detail.toPlainText()
    assert wizard_window.session.credential is None and start.sign_in_button.isEnabled()


def test_cache_name_is_checked_on_azure_in_the_background(wizard_window, qtbot, arm):
    start = _azure_start(wizard_window, qtbot, arm, EmulatorCredential())
    qtbot.waitUntil(lambda: start.pickers_loaded, timeout=30_000)
    basics = wizard_window.page_of(PageId.BASICS)
    go_to(wizard_window, qtbot, PageId.BASICS)
    basics.classic_radio.click()  # Azure Cache for Redis has a name-availability API
    basics.name_edit.clear()
    qtbot.keyClicks(basics.name_edit, "free-cache-name")
    qtbot.waitUntil(lambda: "available" in basics.name_status.text() and "Checking" not in basics.name_status.text(),
                    timeout=30_000)
    assert basics.name_status.text().startswith("✓") and next_button(wizard_window).isEnabled()

    arm.state.taken_names.add("someone-elses-cache")
    basics.name_edit.clear()
    qtbot.keyClicks(basics.name_edit, "someone-elses-cache")
    qtbot.waitUntil(lambda: "not available" in basics.name_status.text(), timeout=30_000)
    assert not next_button(wizard_window).isEnabled()
    assert any("not available" in t for t in basics.problem_list.texts())


def test_reopen_finds_azure_deployments_by_their_tags_and_offers_clean_up(wizard_window, qtbot, arm):
    from wizard.targets.azure.clients import AzureClients

    start = _azure_start(wizard_window, qtbot, arm, EmulatorCredential())
    qtbot.waitUntil(lambda: start.pickers_loaded, timeout=30_000)
    # Made "on another computer": groups created over real HTTPS through the SDK, one tagged by the wizard.
    clients = AzureClients(wizard_window.profile, EmulatorCredential())
    clients.resource.resource_groups.create_or_update(
        "rg-made-elsewhere", {"location": "westeurope", "tags": {"created-by": "mlfunc-wizard",
                                                                 "mlfunc-deployment": "digits-elsewhere"}})
    clients.resource.resource_groups.create_or_update("rg-not-ours", {"location": "westeurope"})
    start.reopen_radio.click()
    start.refresh_deployments()
    qtbot.waitUntil(lambda: any("digits-elsewhere" in start.deployments.item(r).text()
                                for r in range(start.deployments.count())), timeout=30_000)
    texts = [start.deployments.item(r).text() for r in range(start.deployments.count())]
    assert not any("rg-not-ours" in t for t in texts)
    row = next(r for r, t in enumerate(texts) if "digits-elsewhere" in t)
    start.deployments.setCurrentRow(row)
    assert start.reopened == "digits-elsewhere"
    assert wizard_window.profile.resource_group.name == "rg-made-elsewhere"
    assert start.cleanup_button.isEnabled() and not start.forget_button.isEnabled()
    assert start.nextId() == int(PageId.CLEANUP)
