"""Issue 10 item 5 / issue 13 defect 8: the Model & function page's packaging list shows, per target, exactly the
choices of wizard.containers.packaging_labels with their labels (what each choice really does), refilled when the
target changes; problems and Review name the choice by the same label."""

from __future__ import annotations

import pytest

from tests.gui.conftest import go_to
from wizard.containers.packaging_labels import LABELS, packaging_choices, packaging_label
from wizard.ui.pages.base import PageId


def _listed(combo) -> list[tuple[str, str]]:
    return [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())]


def _model_page(window, target: str):
    """The Model & function page as it comes up for `target` (chosen on Start as a user does)."""
    start = window.page_of(PageId.START)
    (start.azure_radio if target == "azure" else start.local_radio).click()
    page = window.page_of(PageId.MODEL)
    page.initializePage()
    return page


@pytest.mark.parametrize("target", ["local", "azure"])
def test_the_list_shows_exactly_the_targets_choices_with_their_labels(wizard_window, qtbot, target):
    combo = _model_page(wizard_window, target).packaging_combo
    assert _listed(combo) == packaging_choices(target)
    assert combo.currentData() == wizard_window.profile.function.packaging
    assert combo.currentText() == packaging_label(target, wizard_window.profile.function.packaging)


def test_the_list_is_refilled_when_the_target_changes(wizard_window, qtbot):
    go_to(wizard_window, qtbot, PageId.MODEL)  # shown for the local target
    page = wizard_window.currentPage()
    assert _listed(page.packaging_combo) == packaging_choices("local")
    wizard_window.model.set("target", "azure")  # changed while the page is up: refilled at once
    assert _listed(page.packaging_combo)[:3] == packaging_choices("azure")
    while wizard_window.currentId() != int(PageId.START):
        wizard_window.back()
    wizard_window.page_of(PageId.START).local_radio.click()
    wizard_window.page_of(PageId.START).azure_radio.click()  # Start switches the packaging to ACR build
    page.initializePage()
    assert _listed(page.packaging_combo) == packaging_choices("azure")
    assert page.packaging_combo.currentData() == "acr-build"


@pytest.mark.parametrize("target", ["local", "azure"])
def test_choosing_a_label_sets_its_value(wizard_window, qtbot, target):
    combo = _model_page(wizard_window, target).packaging_combo
    combo.setCurrentIndex(combo.findText(LABELS[target]["docker"]))
    assert wizard_window.profile.function.packaging == "docker"


def test_a_value_the_target_does_not_offer_is_shown_by_its_label_and_flagged(wizard_window, qtbot):
    wizard_window.page_of(PageId.START).azure_radio.click()
    wizard_window.model.set("function.packaging", "local")
    page = wizard_window.page_of(PageId.MODEL)
    page.load()
    combo = page.packaging_combo
    assert combo.currentData() == "local"
    assert LABELS["local"]["local"] in combo.currentText() and combo.currentText() != "local"
    texts = " ".join(page.problem_list.texts())
    assert LABELS["local"]["local"] in texts and LABELS["azure"]["acr-build"] in texts
    assert "acr-build" not in texts and "function.packaging" not in texts


def test_review_names_the_packaging_by_its_label(wizard_window, qtbot):
    wizard_window.page_of(PageId.START).azure_radio.click()
    review = wizard_window.page_of(PageId.REVIEW)
    review.show_summary()
    assert LABELS["azure"]["acr-build"] in review.summary.toPlainText()


@pytest.mark.parametrize("target", ["local", "azure"])
def test_the_long_labels_do_not_widen_the_page_at_800x600(wizard_window, qtbot, target):
    """The list's popup shows each label whole; the closed list does not push the page wider than 800 px."""
    from PySide6.QtWidgets import QScrollArea

    wizard_window.resize(800, 600)
    page = _model_page(wizard_window, target)
    wizard_window.setStartId(int(PageId.MODEL))
    wizard_window.restart()
    qtbot.wait(50)
    scroll = page.findChild(QScrollArea)
    assert not scroll.horizontalScrollBar().isVisible()
    assert scroll.widget().minimumSizeHint().width() <= scroll.viewport().width()
    combo = page.packaging_combo
    assert combo.toolTip() == combo.currentText()  # the whole label where the closed list cuts it
