"""Issue 13 improvements: each problem under its field (all of a page at once), help text per tier, size,
replicas, zones and persistence."""

from __future__ import annotations

from tests.gui.conftest import go_to
from wizard.ui.pages.base import PageId


def _under(page, widget):
    return page._under.get(id(widget))


def test_every_problem_of_a_page_shows_under_its_own_field(wizard_window, qtbot):
    go_to(wizard_window, qtbot, PageId.START)
    start = wizard_window.currentPage()
    wizard_window.model.set_many({"name": "bad name!", "resource_group.name": "rg with/slash"})
    start.load()
    name_line, group_line = _under(start, start.name_edit), _under(start, start.rg_edit)
    assert name_line is not None and name_line.isVisible() and name_line.text()
    assert group_line is not None and group_line.isVisible() and group_line.text()
    assert name_line.text() != group_line.text()
    assert name_line.geometry().top() >= start.name_edit.geometry().bottom()  # under it, not beside it
    assert len(start.problem_list.texts()) >= 2  # and all of them at once in the page's list
    wizard_window.model.set("name", "good-name")
    assert not name_line.isVisible()


def test_help_text_for_tiers_sizes_replicas_zones_and_persistence(wizard_window, qtbot):
    go_to(wizard_window, qtbot, PageId.BASICS)
    basics = wizard_window.currentPage()
    shown = set()
    for tier_index in range(basics.tier_combo.count()):
        basics.tier_combo.setCurrentIndex(tier_index)
        assert basics.tier_help.text(), basics.tier_combo.currentText()
        shown.add(basics.tier_help.text())
    basics.classic_radio.click()
    for tier in ("Basic", "Standard", "Premium"):
        basics.choose_tier(tier)
        shown.add(basics.tier_help.text())
    assert len(shown) >= 7
    assert "cost" in basics.size_help.text()
    advanced = wizard_window.page_of(PageId.ADVANCED)
    from PySide6.QtWidgets import QLabel

    hints = " ".join(l.text() for l in advanced.findChildren(QLabel) if l.objectName() == "hint")
    for word in ("replica", "zones", "RDB", "AOF", "shard"):
        assert word in hints
