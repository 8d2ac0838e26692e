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
# The criterion is WCAG 2.2 SC 2.4.13 (Focus Appearance): the focus indicator is the set of pixels that
# change between an unfocused and a focused grab by a contrast ratio of at least 3:1 (relative luminance per
# WCAG 2.x), and it must enclose the widget at least 2 px thick. "Encloses" is checked per scanline: every
# row crosses at least 2 indicator pixels near the left edge and 2 near the right, every column 2 near the top
# and 2 near the bottom (corners are left out: a rounded frame may cut them).
EDGE_BAND = 6  # how far inside the widget's edge the indicator may sit (px)
CORNER = 4  # rounded corners are not required to change
MIN_THICKNESS = 2
MIN_CONTRAST = 3.0


def _grab(widget: QWidget) -> QImage:
    QApplication.processEvents()
    return widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def _channel(c: int) -> float:
    v = c / 255
    return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4


def relative_luminance(rgb: int) -> float:
    r, g, b = (rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a: int, b: int) -> float:
    la, lb = relative_luminance(a), relative_luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def test_contrast_ratio_matches_the_wcag_reference_values():
    assert contrast_ratio(0x000000, 0xFFFFFF) == pytest.approx(21.0)
    assert contrast_ratio(0x777777, 0xFFFFFF) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio(0x0F6CBD, 0x0F6CBD) == 1.0


def focus_indicator_gaps(unfocused: QImage, focused: QImage) -> list[str]:
    """Where the indicator (pixels changing by >= 3:1) fails to enclose the widget >= 2 px thick; [] when it does."""
    w, h = focused.width(), focused.height()
    assert (w, h) == (unfocused.width(), unfocused.height())
    mask = [[contrast_ratio(focused.pixel(x, y), unfocused.pixel(x, y)) >= MIN_CONTRAST for x in range(w)]
            for y in range(h)]
    band = min(EDGE_BAND, w // 2, h // 2)
    gaps = []
    for y in range(CORNER, h - CORNER):
        if sum(mask[y][:band]) < MIN_THICKNESS:
            gaps.append(f"left edge at y={y}")
        if sum(mask[y][w - band:]) < MIN_THICKNESS:
            gaps.append(f"right edge at y={y}")
    for x in range(CORNER, w - CORNER):
        if sum(mask[y][x] for y in range(band)) < MIN_THICKNESS:
            gaps.append(f"top edge at x={x}")
        if sum(mask[y][x] for y in range(h - band, h)) < MIN_THICKNESS:
            gaps.append(f"bottom edge at x={x}")
    return gaps


def _focus_target(window, which):
    page = window.page_of(PageId.TEST)
    if which == "default_wizard_button":
        return page, window.button(QWizard.WizardButton.NextButton)
    widget = getattr(page, which)
    if which == "send_button":
        widget.setEnabled(True)
        widget.setDefault(True)
    return page, widget


@pytest.mark.parametrize("which", ["send_button", "default_wizard_button", "response"])
def test_focus_indicator_encloses_the_widget_2px_thick_at_3_to_1_contrast(wizard_window, qtbot, which):
    wizard_window.resize(1000, 760)
    go_to(wizard_window, qtbot, PageId.BASICS)  # a page whose Next is the wizard's default button
    page, widget = _focus_target(wizard_window, which)
    if which != "default_wizard_button":
        page.show()
        qtbot.waitExposed(page)
        elsewhere = page.history
    else:
        elsewhere = wizard_window.currentPage().name_edit
        assert widget.isDefault() or widget.autoDefault()
    elsewhere.setFocus()
    qtbot.waitUntil(lambda: elsewhere.hasFocus())
    unfocused = _grab(widget)
    widget.setFocus()
    qtbot.waitUntil(lambda: widget.hasFocus())
    focused = _grab(widget)
    gaps = focus_indicator_gaps(unfocused, focused)
    assert not gaps, f"{len(gaps)} gaps in the focus ring of {which}, e.g. " + ", ".join(gaps[:6])


def test_the_criterion_rejects_a_one_pixel_ring_and_a_faint_ring():
    """The check itself tells a weak indicator from a strong one (synthetic images, no widgets)."""
    from PySide6.QtGui import QColor, QPainter

    def ring(width: int, colour: str) -> QImage:
        img = QImage(60, 24, QImage.Format.Format_RGB32)
        img.fill(QColor("#fdfdfd"))
        p = QPainter(img)
        p.fillRect(0, 0, 60, width, QColor(colour))
        p.fillRect(0, 24 - width, 60, width, QColor(colour))
        p.fillRect(0, 0, width, 24, QColor(colour))
        p.fillRect(60 - width, 0, width, 24, QColor(colour))
        p.end()
        return img

    plain = ring(1, "#8a8886")
    assert focus_indicator_gaps(plain, ring(1, "#0f6cbd"))  # 1 px
    assert focus_indicator_gaps(plain, ring(2, "#a9c8e8"))  # 2 px but faint
    assert not focus_indicator_gaps(plain, ring(3, "#0f6cbd"))


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
