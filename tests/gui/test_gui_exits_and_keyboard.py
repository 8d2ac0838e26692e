"""Issue 13 defects 2, 3, 11, 12, 13, 15: asking before discarding edits, one mnemonic per letter per page,
Tab out of the history table, High availability on Basic, Finish remembering the size, visible focus."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QAbstractButton, QApplication, QGroupBox, QLabel, QWidget, QWizard

from tests.gui.conftest import go_to
from wizard import profile as profile_mod
from wizard.ui.pages.base import PageId


# --- defect 2: Escape and Cancel ask when the profile has unsaved changes ----------------------------
def test_escape_with_unsaved_edits_asks_and_keeping_them_keeps_the_window_open(wizard_window, qtbot):
    asked = []
    wizard_window.ask_unsaved = lambda: asked.append(1) or "cancel"
    go_to(wizard_window, qtbot, PageId.BASICS)
    basics = wizard_window.currentPage()
    basics.name_edit.clear()
    qtbot.keyClicks(basics.name_edit, "edited-name")
    qtbot.keyClick(wizard_window, Qt.Key.Key_Escape)
    assert asked == [1]
    assert wizard_window.isVisible()
    assert wizard_window.result() == 0 and wizard_window.profile.cache.name == "edited-name"


def test_cancel_with_unsaved_edits_can_save_them_first(wizard_window, qtbot, tmp_path):
    target = tmp_path / "kept.json"
    wizard_window.ask_unsaved = lambda: "save"
    wizard_window.choose_save_path = lambda: target
    go_to(wizard_window, qtbot, PageId.BASICS)
    basics = wizard_window.currentPage()
    basics.name_edit.clear()
    qtbot.keyClicks(basics.name_edit, "kept-name")
    qtbot.mouseClick(wizard_window.button(QWizard.WizardButton.CancelButton), Qt.MouseButton.LeftButton)
    assert not wizard_window.isVisible()
    assert profile_mod.load(target).cache.name == "kept-name"


def test_cancel_without_edits_closes_without_asking(wizard_window, qtbot):
    wizard_window.ask_unsaved = lambda: pytest.fail("asked although nothing was edited")
    go_to(wizard_window, qtbot, PageId.BASICS)
    qtbot.keyClick(wizard_window, Qt.Key.Key_Escape)
    assert not wizard_window.isVisible()


def test_saving_on_review_clears_the_unsaved_state(wizard_window, qtbot, tmp_path):
    wizard_window.ask_unsaved = lambda: pytest.fail("asked although the profile was saved")
    go_to(wizard_window, qtbot, PageId.BASICS)
    basics = wizard_window.currentPage()
    qtbot.keyClicks(basics.name_edit, "x")
    go_to(wizard_window, qtbot, PageId.REVIEW)
    assert wizard_window.page_of(PageId.REVIEW).save_profile(tmp_path / "p.json")
    qtbot.keyClick(wizard_window, Qt.Key.Key_Escape)
    assert not wizard_window.isVisible()


# --- defect 3: one mnemonic per letter per page, wizard buttons included ----------------------------
def _mnemonic(text: str) -> str | None:
    m = re.search(r"&([^&])", text.replace("&&", ""))
    return m.group(1).lower() if m else None


def _page_mnemonics(page: QWidget) -> list[tuple[str, str]]:
    found = []
    for w in page.findChildren(QWidget):
        if isinstance(w, QAbstractButton):
            text = w.text()
        elif isinstance(w, QLabel) and w.buddy() is not None:
            text = w.text()
        elif isinstance(w, QGroupBox) and w.isCheckable():
            text = w.title()
        else:
            continue
        letter = _mnemonic(text)
        if letter:
            found.append((letter, text))
    return found


@pytest.mark.parametrize("page_id", list(PageId), ids=[p.name for p in PageId])
def test_one_mnemonic_per_letter_on_every_page_wizard_buttons_included(wizard_window, page_id):
    page = wizard_window.page_of(page_id)
    mnemonics = _page_mnemonics(page)
    buttons = [QWizard.WizardButton.BackButton, QWizard.WizardButton.NextButton, QWizard.WizardButton.FinishButton,
               QWizard.WizardButton.CommitButton, QWizard.WizardButton.CancelButton]
    for which in buttons:
        text = page.buttonText(which)
        letter = _mnemonic(text)
        if letter:
            mnemonics.append((letter, f"wizard button {text}"))
    seen: dict[str, str] = {}
    clashes = []
    for letter, text in mnemonics:
        if letter in seen:
            clashes.append(f"Alt+{letter.upper()}: {seen[letter]!r} and {text!r}")
        seen[letter] = text
    assert not clashes, f"{page.title()}: " + "; ".join(clashes)


def test_alt_n_presses_next_on_start(wizard_window, qtbot):
    qtbot.keyClick(wizard_window, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: wizard_window.currentId() == int(PageId.BASICS))


# --- defect 11: Tab leaves the history table -------------------------------------------------------
def test_tab_is_not_trapped_in_the_test_history_table(wizard_window):
    history = wizard_window.page_of(PageId.TEST).history
    assert not history.tabKeyNavigation()


# --- defect 12: High availability on Basic --------------------------------------------------------
def test_high_availability_is_unticked_and_disabled_on_basic(wizard_window, qtbot):
    go_to(wizard_window, qtbot, PageId.BASICS)
    basics = wizard_window.currentPage()
    basics.classic_radio.click()
    basics.choose_tier("Basic")
    assert not basics.ha_check.isEnabled()
    assert not basics.ha_check.isChecked()
    basics.choose_tier("Standard")
    assert basics.ha_check.isChecked() and not basics.ha_check.isEnabled()  # Standard has a replica by tier


# --- defect 13: Finish saves the window size -------------------------------------------------------
def test_finish_saves_the_window_size(qtbot, settings_in_tmp):
    from wizard.ui.wizard import DeploymentWizard

    first = DeploymentWizard()
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.resize(QSize(1011, 707))
    qtbot.waitUntil(lambda: first.size() == QSize(1011, 707))
    first.accept()  # what the Finish button calls
    second = DeploymentWizard()
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert second.size() == QSize(1011, 707)


# --- defect 15: focus is visible on the default button and the response viewer -----------------------
def _grab(widget: QWidget) -> QImage:
    QApplication.processEvents()
    return widget.grab().toImage()


@pytest.mark.parametrize("which", ["send_button", "response"])
def test_focus_is_visible(wizard_window, qtbot, which):
    wizard_window.resize(1000, 760)
    page = wizard_window.page_of(PageId.TEST)
    widget = getattr(page, which)
    if which == "send_button":
        widget.setEnabled(True)
        widget.setDefault(True)
    page.show()
    qtbot.waitExposed(page)
    page.history.setFocus()
    qtbot.waitUntil(lambda: page.history.hasFocus())
    unfocused = _grab(widget)
    widget.setFocus()
    qtbot.waitUntil(lambda: widget.hasFocus())
    focused = _grab(widget)
    differing = sum(1 for y in range(focused.height()) for x in range(focused.width())
                    if focused.pixel(x, y) != unfocused.pixel(x, y))
    # a focus frame of at least two pixels around the widget, not a one-pixel hint
    assert differing >= 2 * (focused.width() + focused.height()), differing


def test_focus_does_not_change_a_buttons_size_or_cut_its_text(wizard_window, qtbot):
    go_to(wizard_window, qtbot, PageId.REVIEW)
    button = wizard_window.currentPage().save_button
    wizard_window.currentPage().summary.setFocus()
    qtbot.waitUntil(lambda: not button.hasFocus())
    before = button.sizeHint()
    button.setFocus()
    qtbot.waitUntil(lambda: button.hasFocus())
    QApplication.processEvents()
    assert button.sizeHint() == before
    assert button.width() >= button.sizeHint().width()
