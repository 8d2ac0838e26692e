"""Issue 13 defects 8 and 14 and the Review improvements: target-aware defaults, sentences in the page's words,
the retirement notice once, the close question that goes away when the deployment ends, Review links."""

from __future__ import annotations

import re

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.gui.conftest import go_to
from wizard.containers.packaging_labels import packaging_label
from wizard.ui.pages.base import PageId


# --- defect 8 ------------------------------------------------------------------------------------
def test_choosing_azure_switches_to_acr_build_and_a_non_local_name(wizard_window, qtbot):
    start = wizard_window.page_of(PageId.START)
    start.azure_radio.click()
    p = wizard_window.profile
    assert p.function.packaging == "acr-build"
    assert p.name != "digits-local" and "local" not in p.name
    assert start.name_edit.text() == p.name
    assert not wizard_window.model.errors(("function.packaging",))
    start.local_radio.click()
    assert wizard_window.profile.function.packaging == "local" and wizard_window.profile.name == "digits-local"


def test_a_packaging_problem_is_said_with_the_labels_of_the_page(wizard_window, qtbot):
    wizard_window.page_of(PageId.START).azure_radio.click()
    wizard_window.model.set("function.packaging", "local")
    page = wizard_window.page_of(PageId.MODEL)
    page.load()
    texts = " ".join(page.problem_list.texts())
    assert packaging_label("local", "local") in texts  # the labels of the packaging list (per target)
    assert "function.packaging" not in texts and "acr-build" not in texts
    assert packaging_label("azure", "acr-build") in texts


# --- defect 14 -----------------------------------------------------------------------------------
def test_no_field_paths_in_sentences_on_pages_and_review(wizard_window, qtbot):
    go_to(wizard_window, qtbot, PageId.BASICS)
    basics = wizard_window.currentPage()
    basics.name_edit.clear()
    qtbot.keyClicks(basics.name_edit, "bad--name!")
    assert "(cache.name)" not in basics.problem_list.label.text()
    review = wizard_window.page_of(PageId.REVIEW)
    review.show_summary()
    html = review.summary.toHtml()
    assert "(cache.name)" not in html
    assert "Cache name on Basics" in review.summary.toPlainText()


def test_the_retirement_notice_appears_once_in_one_date_format(wizard_window, qtbot):
    go_to(wizard_window, qtbot, PageId.BASICS)
    basics = wizard_window.currentPage()
    basics.classic_radio.click()
    shown = [basics.retirement.text()] + basics.problem_list.texts()
    assert sum("retire" in t for t in shown) == 1
    review = wizard_window.page_of(PageId.REVIEW)
    review.show_summary()
    text = review.summary.toPlainText()
    assert text.count("retire") == 1
    assert len(set(re.findall(r"2028-09-30|30 September 2028", text + basics.retirement.text()))) <= 2
    assert not ("2028-09-30" in text and "30 September 2028" in text)


def test_the_deployment_running_question_closes_itself_when_the_deployment_ends(wizard_window, qtbot):
    deploy = wizard_window.page_of(PageId.DEPLOY)
    wizard_window.confirm = wizard_window._ask  # the real question box, not the test seam
    deploy.state = "running"  # as if a deployment ran (no deployment needed for the question's life)
    seen = []

    def finish_deploy():
        box = wizard_window.open_question
        seen.append(box is not None and box.isVisible())
        deploy._set_state("ok")

    def guard():  # never leave a modal box up if the fix is missing
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append("guard")
            box.done(int(QMessageBox.StandardButton.No))

    QTimer.singleShot(300, finish_deploy)
    QTimer.singleShot(5000, guard)
    wizard_window.close()
    assert seen[:1] == [True]
    assert "guard" not in seen
    assert not wizard_window.isVisible()


# --- Review: friendly values, edit links, links to fields -------------------------------------------
def test_review_shows_friendly_values_and_edit_links_that_go_to_the_field(wizard_window, qtbot):
    go_to(wizard_window, qtbot, PageId.REVIEW)
    review = wizard_window.currentPage()
    text = review.summary.toPlainText()
    assert "Balanced_B0" not in text and "Balanced B0" in text
    assert "EnterpriseCluster" not in text
    assert text.count("Edit") >= 6
    wizard_window.model.set("cache.name", "bad--name!")
    review.show_summary()
    review.open_link("field:cache.name")
    assert wizard_window.currentId() == int(PageId.BASICS)
    assert wizard_window.currentPage().name_edit.hasFocus()
