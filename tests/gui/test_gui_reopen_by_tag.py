"""Issue 13: Reopen finds Azure deployments by their created-by tag in EVERY subscription the account lists, and one
found that way (no local record) can be tested as well as cleaned up.

Real azure-mgmt clients talk HTTPS to an ARM emulator that serves two subscriptions; the function app is created
through the SDK as the wizard's own steps create it (site_body/plan_body), "on another computer" (no local record).
The one seam, as in test_gui_azure_pages: Entra ID sign-in cannot happen here, so the Start page is handed a
credential that returns emulator tokens.
"""

from __future__ import annotations

import copy

import pytest
from PySide6.QtCore import Qt

from tests.gui.test_gui_azure_pages import EmulatorCredential
from wizard.ui.pages.base import PageId

pytest.importorskip("tests.azure.arm_emulator")
pytest.importorskip("wizard.targets.azure.clients")

FIRST = "00000000-0000-0000-0000-0000000000a1"
SECOND = "00000000-0000-0000-0000-0000000000b2"


@pytest.fixture(scope="module")
def two_subscriptions():
    from tests.azure.arm_emulator import ArmEmulator

    emulator = ArmEmulator(subscriptions=(FIRST, SECOND), lro_polls=1).start()
    yield emulator
    emulator.stop()


@pytest.fixture
def arm2(two_subscriptions, monkeypatch):
    from tests.fixtures.arm_emulator import use_emulator

    return use_emulator(two_subscriptions, monkeypatch)


def _made_elsewhere(base_profile, subscription: str, name: str, *, with_app: bool) -> str:
    """A deployment created by the wizard on another computer: its tagged group, plan and function app."""
    from wizard.targets.azure import functionapp
    from wizard.targets.azure.clients import AzureClients
    from wizard.targets.azure.groups import our_tags

    profile = copy.deepcopy(base_profile)
    profile.name = name
    profile.azure.subscription_id = subscription
    profile.azure.location = "westeurope"
    profile.resource_group.name = f"rg-{name}"
    profile.function.app_name = f"{name}-app"
    clients = AzureClients(profile, EmulatorCredential())
    clients.resource.resource_groups.create_or_update(profile.resource_group.name,
                                                      {"location": "westeurope", "tags": our_tags(profile)})
    if with_app:
        plan = clients.web.app_service_plans.begin_create_or_update(
            profile.resource_group.name, f"{name}-plan", functionapp.plan_body(profile)).result()
        clients.web.web_apps.begin_create_or_update(
            profile.resource_group.name, profile.function.app_name,
            functionapp.site_body(profile, f"{name}acr.azurecr.io/{name}:v1", f"{name}acr.azurecr.io", plan.id, "B1",
                                  True)).result()
    return profile.resource_group.name


def _signed_in(window, qtbot, arm):
    start = window.page_of(PageId.START)
    start.azure_radio.click()
    window.model.set_many({"azure.cloud": "custom", "azure.arm_endpoint": arm.url, "azure.subscription_id": ""})
    start.credential_source = EmulatorCredential()
    qtbot.mouseClick(start.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: start.pickers_loaded, timeout=30_000)
    return start


def _rows(start) -> list[str]:
    return [start.deployments.item(r).text() for r in range(start.deployments.count())]


def _found(start, qtbot, *names: str) -> list[str]:
    start.reopen_radio.click()
    start.refresh_deployments()
    qtbot.waitUntil(lambda: all(any(n in t for t in _rows(start)) for n in names), timeout=30_000)
    return _rows(start)


def test_reopen_searches_every_subscription_the_account_lists(wizard_window, qtbot, arm2):
    start = _signed_in(wizard_window, qtbot, arm2)
    assert start.subscription_combo.count() == 2
    assert wizard_window.profile.azure.subscription_id == FIRST
    _made_elsewhere(wizard_window.profile, FIRST, "in-first", with_app=False)
    group = _made_elsewhere(wizard_window.profile, SECOND, "in-second", with_app=False)
    rows = _found(start, qtbot, "in-first", "in-second")
    row = next(r for r, t in enumerate(rows) if "in-second" in t)
    assert SECOND[-4:] in rows[row]  # the row says which subscription
    start.deployments.setCurrentRow(row)
    assert start.reopened == "in-second"
    assert wizard_window.profile.azure.subscription_id == SECOND  # Clean up deletes it where it is
    assert wizard_window.profile.resource_group.name == group
    assert start.cleanup_button.isEnabled()


def test_a_deployment_found_by_its_tag_can_be_tested(wizard_window, qtbot, arm2):
    start = _signed_in(wizard_window, qtbot, arm2)
    _made_elsewhere(wizard_window.profile, SECOND, "tested-elsewhere", with_app=True)
    rows = _found(start, qtbot, "tested-elsewhere")
    start.deployments.setCurrentRow(next(r for r, t in enumerate(rows) if "tested-elsewhere" in t))
    assert start.test_button.isVisible() and start.test_button.isEnabled()
    assert start.cleanup_button.isEnabled()
    qtbot.mouseClick(start.test_button, Qt.MouseButton.LeftButton)
    assert wizard_window.currentId() == int(PageId.TEST)
    test = wizard_window.currentPage()
    qtbot.waitUntil(lambda: test.endpoint is not None, timeout=30_000)
    assert test.endpoint.url.endswith("/api/score") and test.endpoint.url.startswith("https://127.0.0.1:")
    assert test.endpoint.key and test.endpoint.key not in test.key_label.label.text()  # shown masked
    assert test.key_label.secret() == test.endpoint.key
    # The app is named in the profile (the Logs panel follows it), which still has nothing unsaved.
    assert wizard_window.profile.function.app_name == "tested-elsewhere-app"
    assert not wizard_window.model.is_dirty()
    test.editor.set_value({"data": [[0.0, 1.0]]})
    with qtbot.waitSignal(test.sent, timeout=30_000) as first:
        qtbot.mouseClick(test.send_button, Qt.MouseButton.LeftButton)
    assert first.args[0].status == 200 and first.args[0].x_cache == "MISS"
    qtbot.waitUntil(lambda: test.send_button.isEnabled(), timeout=30_000)
    with qtbot.waitSignal(test.sent, timeout=30_000) as second:
        qtbot.mouseClick(test.send_button, Qt.MouseButton.LeftButton)
    assert second.args[0].x_cache == "HIT"
    assert not test.error_banner.isVisible()
    # The Logs panel follows the found app's log stream (the emulator's Kudu site of that app; it keeps no
    # history, so the next request is sent once the stream has connected).
    qtbot.mouseClick(test.logs.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Welcome" in test.logs.view.toPlainText(), timeout=30_000)
    qtbot.waitUntil(lambda: test.send_button.isEnabled(), timeout=30_000)
    qtbot.mouseClick(test.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Executed" in test.logs.view.toPlainText(), timeout=30_000)
    assert test.endpoint.key not in test.logs.view.toPlainText()
    qtbot.mouseClick(test.logs.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not test.logs.following, timeout=20_000)


def test_a_found_group_without_a_function_app_says_so_on_test(wizard_window, qtbot, arm2):
    start = _signed_in(wizard_window, qtbot, arm2)
    _made_elsewhere(wizard_window.profile, SECOND, "half-made", with_app=False)
    rows = _found(start, qtbot, "half-made")
    start.deployments.setCurrentRow(next(r for r, t in enumerate(rows) if "half-made" in t))
    qtbot.mouseClick(start.test_button, Qt.MouseButton.LeftButton)
    test = wizard_window.currentPage()
    qtbot.waitUntil(lambda: test.error_banner.isVisible(), timeout=30_000)
    assert "no function app" in test.error_banner.sentence.text()
