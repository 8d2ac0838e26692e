"""Page behaviour of the real wizard (offscreen): rule problems, tier-dependent controls, Back, Review, Save."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from tests.gui.conftest import go_to, next_button
from wizard import profile as profile_mod
from wizard.ui.pages.advanced import NOT_MANAGED, NOT_PREMIUM
from wizard.ui.pages.base import PageId


def test_default_profile_reaches_create_by_clicking_next(wizard_window, qtbot):
    go_to(wizard_window, qtbot, PageId.REVIEW)
    review = wizard_window.currentPage()
    assert review.isCommitPage()
    commit = wizard_window.button(QWizard.WizardButton.CommitButton)
    assert commit.isVisible() and commit.isEnabled()
    assert "Create" in commit.text()
    assert "Validation passed" in review.status.text()
    assert wizard_window.profile.target == "local" and wizard_window.profile.model.source == "sample"


def test_rule_error_appears_and_blocks_next_on_basics(wizard_window, qtbot):
    go_to(wizard_window, qtbot, PageId.BASICS)
    basics = wizard_window.currentPage()
    basics.name_edit.clear()
    qtbot.keyClicks(basics.name_edit, "bad--name!")
    assert wizard_window.profile.cache.name == "bad--name!"
    assert basics.problem_list.isVisible()
    assert any("!" in t for t in basics.problem_list.texts())
    assert basics.name_edit.property("problem") == "error" and "!" in basics.name_edit.toolTip()
    assert not next_button(wizard_window).isEnabled()
    basics.name_edit.clear()
    qtbot.keyClicks(basics.name_edit, "good-name")
    assert not basics.problem_list.isVisible()
    assert basics.name_edit.property("problem") == "" and basics.name_edit.toolTip() == ""
    assert next_button(wizard_window).isEnabled()


def test_warning_is_shown_but_does_not_block(wizard_window, qtbot):
    go_to(wizard_window, qtbot, PageId.ADVANCED)
    advanced = wizard_window.currentPage()
    advanced.non_tls.click()
    assert wizard_window.profile.cache.non_tls_port is True
    assert advanced.non_tls_warning.isVisible()
    assert advanced.problem_list.isVisible()
    assert all(p.severity == "warning" for p in advanced.problem_list.problems)
    assert next_button(wizard_window).isEnabled()


def _choose_classic(window, qtbot, tier):
    basics = window.page_of(PageId.BASICS)
    basics.classic_radio.click()
    basics.choose_tier(tier)
    return basics


def test_tier_changes_enable_and_disable_controls(wizard_window, qtbot):
    go_to(wizard_window, qtbot, PageId.BASICS)
    basics = wizard_window.currentPage()
    advanced = wizard_window.page_of(PageId.ADVANCED)
    networking = wizard_window.page_of(PageId.NETWORKING)

    # Managed Redis (the default): its own options on, Premium ones off with the reason.
    assert not basics.retirement.isVisible()
    assert basics.ha_check.isEnabled()
    advanced.load()
    assert advanced.policy_combo.isEnabled() and advanced.eviction_combo.isEnabled()
    assert advanced.persistence_combo.isEnabled()  # Managed Redis has RDB/AOF too
    assert not advanced.cluster_check.isEnabled() and advanced.cluster_check.toolTip() == NOT_PREMIUM
    networking.load()
    assert not networking.vnet_radio.isEnabled() and "private endpoint" in networking.vnet_radio.toolTip()

    # Basic: retirement date shown, C sizes with memory, Premium and Managed options off.
    _choose_classic(wizard_window, qtbot, "Basic")
    assert basics.retirement.isVisible() and "2028" in basics.retirement.text()
    assert wizard_window.profile.cache.sku == "Basic"
    assert basics.size_combo.itemText(1).startswith("C1") and "1 GB" in basics.size_combo.itemText(1)
    assert not basics.ha_check.isEnabled() and basics.ha_check.toolTip()
    advanced.load()
    assert not advanced.cluster_check.isEnabled() and not advanced.persistence_combo.isEnabled()
    assert "Premium or Azure Managed Redis" in advanced.persistence_combo.toolTip()
    assert not advanced.policy_combo.isEnabled() and advanced.policy_combo.toolTip() == NOT_MANAGED
    networking.load()
    assert not networking.vnet_radio.isEnabled() and "Premium" in networking.vnet_radio.toolTip()
    assert "Premium" in networking.vnet_reason.text() and not networking.vnet_reason.isHidden()

    # Standard: still no Premium options.
    basics.choose_tier("Standard")
    advanced.load()
    assert not advanced.replicas_spin.isEnabled()

    # Premium: P sizes, clustering/persistence/zones and VNet on.
    basics.choose_tier("Premium")
    assert wizard_window.profile.cache.sku == "Premium" and wizard_window.profile.cache.capacity >= 1
    assert basics.size_combo.itemText(0).startswith("P1") and "6 GB" in basics.size_combo.itemText(0)
    assert basics.memory_label.text() == "6 GB" or basics.memory_label.text().endswith("GB")
    advanced.load()
    assert advanced.cluster_check.isEnabled() and advanced.persistence_combo.isEnabled()
    assert advanced.zone_checks[0].isEnabled() and not advanced.policy_combo.isEnabled()
    assert not advanced.shards_spin.isEnabled()  # until clustering is ticked
    advanced.cluster_check.click()
    assert advanced.shards_spin.isEnabled() and wizard_window.profile.cache.shard_count >= 3
    networking.load()
    assert networking.vnet_radio.isEnabled()

    # Back to Managed Redis: Premium-only settings are cleared, as the portal does.
    basics.managed_radio.click()
    assert wizard_window.profile.cache.sku == "Balanced_B0"
    assert wizard_window.profile.cache.shard_count == 0
    assert basics.memory_label.text() == "0.5 GB"


def test_premium_only_setting_on_standard_is_an_error_that_blocks(wizard_window, qtbot):
    go_to(wizard_window, qtbot, PageId.BASICS)
    _choose_classic(wizard_window, qtbot, "Standard")
    wizard_window.model.set("cache.shard_count", 3)  # e.g. from an opened profile
    go_to(wizard_window, qtbot, PageId.ADVANCED)
    advanced = wizard_window.currentPage()
    assert any("Premium" in t for t in advanced.problem_list.texts())
    assert not next_button(wizard_window).isEnabled()


def test_back_keeps_fields(wizard_window, qtbot):
    go_to(wizard_window, qtbot, PageId.BASICS)
    basics = wizard_window.currentPage()
    basics.name_edit.clear()
    qtbot.keyClicks(basics.name_edit, "kept-name")
    go_to(wizard_window, qtbot, PageId.TAGS)
    wizard_window.page_of(PageId.TAGS).table.add_row("team", "ml")
    wizard_window.back()
    wizard_window.back()
    wizard_window.back()
    assert wizard_window.currentId() == int(PageId.BASICS)
    assert basics.name_edit.text() == "kept-name"
    go_to(wizard_window, qtbot, PageId.TAGS)
    tags = wizard_window.currentPage()
    assert tags.table.rows()[0][0] == "team" or wizard_window.profile.tags.get("team") is not None


def test_tag_problems_show_inline_and_block(wizard_window, qtbot):
    go_to(wizard_window, qtbot, PageId.TAGS)
    tags = wizard_window.currentPage()
    row = tags.table.add_row()
    tags.table.table.item(row, 0).setText("cost<centre")
    tags.table.table.item(row, 1).setText("42")
    assert "cost<centre" in wizard_window.profile.tags
    cell = tags.table.table.item(row, 0)
    assert "<" in cell.toolTip()
    assert not next_button(wizard_window).isEnabled()
    cell.setText("costcentre")
    assert cell.toolTip() == ""
    assert next_button(wizard_window).isEnabled()
    # The same name twice is an error the table itself finds.
    row2 = tags.table.add_row()
    tags.table.table.item(row2, 0).setText("costcentre")
    assert "twice" in tags.table.table.item(row2, 0).toolTip()
    assert not next_button(wizard_window).isEnabled()


def test_review_groups_settings_and_problems_and_blocks_create(wizard_window, qtbot):
    wizard_window.model.set_many({"cache.name": "bad--name!", "tags": {"a/b": "x"}, "cache.non_tls_port": True})
    wizard_window.setCurrentId(int(PageId.REVIEW))
    review = wizard_window.currentPage()
    groups = review.group_texts()
    assert any("!" in t for t in groups["Basics"])
    assert groups["Tags"] and groups["Advanced"]
    html = review.summary.toHtml()
    for title in ("Basics", "Networking", "Advanced", "Tags", "Model &amp; function"):
        assert title in html
    assert "Validation failed" in review.status.text()
    assert not wizard_window.button(QWizard.WizardButton.CommitButton).isEnabled()
    wizard_window.model.set_many({"cache.name": "fine-name", "tags": {}})
    assert "Validation passed" in review.status.text()  # the warning alone does not block
    assert wizard_window.button(QWizard.WizardButton.CommitButton).isEnabled()


def test_save_profile_writes_a_valid_profile_and_open_reads_it(wizard_window, qtbot, tmp_path):
    wizard_window.model.set_many({"cache.name": "saved-cache", "tags": {"team": "ml"}, "cache_policy.ttl_seconds": 120})
    wizard_window.setCurrentId(int(PageId.REVIEW))
    target = tmp_path / "saved.json"
    assert wizard_window.currentPage().save_profile(target)
    data = json.loads(target.read_text())
    loaded = profile_mod.load(target)
    assert loaded.cache.name == "saved-cache" and loaded.tags == {"team": "ml"} and data["version"] == 1
    from wizard import rules

    assert not rules.errors(rules.check(loaded))

    # A fresh wizard opens it from the Start page.
    from wizard.ui.wizard import DeploymentWizard

    other = DeploymentWizard()
    qtbot.addWidget(other)
    start = other.page_of(PageId.START)
    assert start.open_profile(target)
    assert other.profile.cache.name == "saved-cache"
    assert other.page_of(PageId.BASICS).name_edit.text() == "saved-cache"


def test_opening_a_broken_profile_says_what_is_wrong(wizard_window, tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('{"cache": {"name": 5}}')
    start = wizard_window.page_of(PageId.START)
    assert not start.open_profile(bad)
    assert start.error_banner.isVisible()
    assert "cache.name" in start.error_banner.sentence.text()
    assert wizard_window.profile.cache.name == "mlfunc-digits-cache"  # unchanged


def test_sample_input_is_prefilled_on_model_page(wizard_window, qtbot):
    go_to(wizard_window, qtbot, PageId.MODEL)
    page = wizard_window.currentPage()
    qtbot.waitUntil(lambda: page.sample_editor.text().strip() != "", timeout=120_000)
    value = page.sample_editor.value()
    assert isinstance(value, dict) and "data" in value
    page.sample_editor.set_text("{not json")
    assert "not valid JSON" in page.sample_editor.status.text()
    assert not next_button(wizard_window).isEnabled()


def test_window_size_is_remembered(qtbot, settings_in_tmp):
    from wizard.ui.wizard import DeploymentWizard

    first = DeploymentWizard()
    qtbot.addWidget(first)
    first.show()
    first.resize(1111, 777)
    qtbot.waitUntil(lambda: first.width() == 1111)
    first.close()
    assert list(settings_in_tmp.rglob("*.ini"))
    second = DeploymentWizard()
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert (second.width(), second.height()) == (1111, 777)


def test_controls_have_accessible_names(wizard_window):
    from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QComboBox, QLineEdit, QSpinBox

    missing = []
    for page in wizard_window.pages.values():
        for kind in (QLineEdit, QComboBox, QSpinBox, QAbstractButton):
            for w in page.findChildren(kind):
                if isinstance(w, QAbstractButton) and not isinstance(w, (QComboBox,)) and w.text() and not w.accessibleName():
                    continue  # a button's own text is its accessible name
                if isinstance(w.parent(), QAbstractItemView):
                    continue  # a table's own corner button
                if isinstance(w, QLineEdit) and isinstance(w.parent(), (QComboBox, QSpinBox)):
                    continue  # the editor inside a combo/spin box: the box carries the name
                if not w.accessibleName() and not (isinstance(w, QAbstractButton) and w.text()):
                    missing.append(f"{type(page).__name__}.{type(w).__name__}")
    assert not missing, missing


def test_keyboard_tab_moves_through_basics_fields(wizard_window, qtbot):
    go_to(wizard_window, qtbot, PageId.BASICS)
    basics = wizard_window.currentPage()
    basics.name_edit.setFocus()
    qtbot.waitUntil(basics.name_edit.hasFocus)
    seen = set()
    for _ in range(6):
        qtbot.keyClick(wizard_window.focusWidget(), Qt.Key.Key_Tab)
        seen.add(wizard_window.focusWidget())
    assert basics.tier_combo in seen and basics.size_combo in seen
