"""The UI in Polish: on every page each visible string differs from its English source (allow-list: Azure product
and SKU names, numbers), and no catalogue entry is unfinished."""

from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QAbstractButton, QComboBox, QGroupBox, QLabel, QWidget, QWizard

from wizard import i18n
from wizard.core.errors import WizardError
from wizard.ui.pages import deploy as deploy_page
from wizard.ui.pages.base import PageId
from wizard.ui.translation import apply_language
from wizard.ui.workers import wait_for_workers

# Every page, the Test page included: without a deployment it shows the endpoint lookup's error, a sentence from
# below the UI (the target) that comes through the gettext catalogue.
ALLOWED = [
    r"^(Basic|Standard|Premium)$",  # classic SKU names (the portal keeps them)
    r"^[A-Z]\d+ — [\d.,]+ (GB|MB)$", r"^[\d.,]+ (GB|MB)$",  # sizes: SKU code and memory
    r"^[^A-Za-ząćęłńóśźżĄĆĘŁŃÓŚŹŻ]*$",  # no words at all (numbers, dashes)
    r"^Azure$", r"^(English|Polski)$",
    r"^(Volatile|AllKeys)(LRU|LFU|Random|TTL)$|^NoEviction$",  # Redis eviction policy values
    r"^X-Cache$", r"^HTTP$",  # an HTTP header name, the protocol
    r"^(B1|B2|S1|P1v3|EP1) \((Premium v3|Elastic Premium)\)$",  # App Service plan SKUs named as Azure names them
    r"^3\.\d+$",  # Python versions
    r"^Region$",  # the same word in Polish (the portal's Polish label too)
]


def _allowed(text: str) -> bool:
    plain = re.sub(r"<[^>]+>", "", text).replace("&", "").rstrip(":")
    return any(re.match(p, plain) for p in ALLOWED)


def _visible_strings(window: QWizard, page: QWidget) -> list[str]:
    found = [page.title(), page.subTitle()]
    for w in page.findChildren(QWidget):
        if not w.isVisibleTo(page):
            continue
        if isinstance(w, (QLabel, QAbstractButton)):
            found.append(w.text())
        elif isinstance(w, QGroupBox):
            found.append(w.title())
        elif isinstance(w, QComboBox) and not w.isEditable():
            found += [w.itemText(i) for i in range(w.count())]
    for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.NextButton, QWizard.WizardButton.CancelButton):
        button = window.button(which)
        if button.isVisible():
            found += [button.text(), button.accessibleName(), button.accessibleDescription()]
    return [s for s in found + _accessible_strings(page) if s and s.strip()]


def _accessible_strings(page: QWidget) -> list[str]:
    """What a screen reader says for the page's widgets (accessible names and descriptions) and what hovering
    shows (tooltips). Hidden widgets count too (they are read as soon as the state that shows them comes)."""
    found = [page.accessibleName(), page.accessibleDescription(), page.toolTip()]
    for w in page.findChildren(QWidget):
        found += [w.accessibleName(), w.accessibleDescription(), w.toolTip()]
    return found


def _page_strings(qtbot, page_id, language, gate) -> list[str]:
    from wizard.ui.wizard import DeploymentWizard

    apply_language(language)
    window = DeploymentWizard()
    window.ask_unsaved = lambda: "discard"
    window.show()
    window.setStartId(int(page_id))
    window.restart()
    qtbot.wait(50)
    page = window.page_of(page_id)
    if page_id == PageId.TEST:  # its endpoint lookup fails (nothing is deployed): check that sentence too
        qtbot.waitUntil(lambda: page.error_banner.isVisible(), timeout=30_000)
    strings = _visible_strings(window, page)
    gate.set()
    assert wait_for_workers(60_000)  # background work of the page ends before its window goes away
    window.close()
    # Delete it now, before the translators change again (a closed window kept to the end of the test would
    # receive every language change of the later pages).
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    qtbot.wait(10)
    return strings


@pytest.fixture
def back_to_english():
    yield
    i18n.set_language(None)
    apply_language()


@pytest.mark.parametrize("page_id", list(PageId), ids=[p.name for p in PageId])
def test_every_visible_string_is_polish(qtbot, page_id, back_to_english, monkeypatch):
    gate = threading.Event()

    def hold(*_a, **_k):  # showing Deploy would start a deployment: planning waits, then is refused
        gate.wait(30)
        raise WizardError("Not deploying in a language test.")

    monkeypatch.setattr(deploy_page, "_prepare", hold)
    english = set(_page_strings(qtbot, page_id, "en", gate))
    gate.clear()
    polish = _page_strings(qtbot, page_id, "pl", gate)
    untranslated = [s for s in polish if s in english and not _allowed(s)]
    assert not untranslated, f"{page_id.name}: still English: {untranslated}"


def test_no_catalogue_entry_is_unfinished():
    ts = ET.parse(i18n.translations_dir() / "mlfunc_wizard_pl.ts")
    unfinished = [m.findtext("source") for m in ts.iter("message")
                  if m.find("translation").get("type") == "unfinished" or not (m.findtext("translation") or "").strip()]
    assert not unfinished
    po = i18n.read_catalogue("pl")
    assert po and all(v.strip() for v in po.values())


def test_language_follows_lang_and_the_override(monkeypatch, back_to_english):
    monkeypatch.setenv("LANG", "pl_PL.UTF-8")
    assert i18n.language() == "pl"
    monkeypatch.setenv("LANGUAGE", "en_US:pl")
    assert i18n.language() == "en"
    i18n.set_language("pl")
    assert i18n.language() == "pl" and i18n._("Runs on this computer: no Azure cost.").startswith("Działa")
    monkeypatch.setenv("LANG", "C")
    monkeypatch.delenv("LANGUAGE")
    i18n.set_language(None)
    assert i18n.language() == "en"


def test_the_start_page_offers_the_language_and_asks_for_a_rebuilt_window(wizard_window, qtbot):
    start = wizard_window.page_of(PageId.START)
    with qtbot.waitSignal(wizard_window.languageChosen) as chosen:
        start.language_combo.setCurrentIndex(start.language_combo.findData("pl"))
        start.language_combo.activated.emit(start.language_combo.currentIndex())
    assert chosen.args == ["pl"]


def test_the_review_summary_is_polish(qtbot, back_to_english):
    from wizard.ui.wizard import DeploymentWizard

    apply_language("pl")
    window = DeploymentWizard()
    window.ask_unsaved = lambda: "discard"
    review = window.page_of(PageId.REVIEW)
    review.show_summary()
    text = review.summary.toPlainText()
    assert "Nazwa wdrożenia" in text and "Podstawy" in text and "Edytuj" in text
    assert "Deployment name" not in text and "Runs on" not in text
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def test_the_test_pages_endpoint_error_is_polish(qtbot, back_to_english):
    """Nothing deployed: the endpoint lookup's error (a sentence from the local target, through gettext) reads in
    Polish, prefix and all."""
    from wizard.ui.wizard import DeploymentWizard

    apply_language("pl")
    window = DeploymentWizard()
    window.ask_unsaved = lambda: "discard"
    window.show()
    window.setStartId(int(PageId.TEST))
    window.restart()
    page = window.page_of(PageId.TEST)
    qtbot.waitUntil(lambda: page.error_banner.isVisible(), timeout=30_000)
    sentence = page.error_banner.text()
    assert sentence.startswith("Nie udało się ustalić adresu funkcji: Aplikacja funkcji "), sentence
    assert sentence.endswith("nie została wdrożona; najpierw uruchom `mlfunc-wizard deploy`."), sentence
    assert wait_for_workers(60_000)
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def test_a_refused_connection_is_one_polish_sentence(back_to_english):
    from wizard.ui.pages.test_panel import unreachable_sentence

    i18n.set_language("pl")
    refused = "Nie udało się połączyć z http://127.0.0.1:1/api/score: Max retries exceeded (Connection refused)."
    sentence = unreachable_sentence(refused, "http://127.0.0.1:1/api/score")
    assert sentence.startswith("Funkcja pod adresem http://127.0.0.1:1/api/score nie odpowiada"), sentence
    assert unreachable_sentence("Read timed out.", "").startswith("Funkcja pod adresem (nieznany adres) nie odpowiedziała")


def test_rule_sentences_name_the_fields_with_the_polish_labels(back_to_english):
    """A rule sentence on a page or on Review names fields by their labels on the pages, in Polish too."""
    from wizard import rules
    from wizard.profile import Profile
    from wizard.ui.wording import friendly

    apply_language("pl")
    profile = Profile()
    profile.cache.service, profile.cache.sku, profile.cache.zones = "cache-for-redis", "Standard", ["1"]
    zones = next(p for p in rules.check(profile) if p.path == "cache.zones")
    text = friendly(zones.message, zones.path)
    assert text.startswith("Strefy dostępności wymagają warstwy Premium") and "“Warstwa”" in text, text
    assert "cache." not in text and "Tier" not in text
    profile.target, profile.function.packaging = "azure", "local"
    packaging = next(p for p in rules.check(profile) if p.path == "function.packaging")
    text = friendly(packaging.message, packaging.path, profile.target)
    assert "Run the app folder" not in text and "Build the image" not in text, text
    assert "Uruchom folder aplikacji" in text and "Zbuduj obraz w Azure Container Registry" in text, text


def test_every_packaging_label_has_a_polish_entry(qtbot, back_to_english):
    """The packaging list's labels come from wizard.containers.packaging_labels (not tr() literals): each one,
    for every target, has a Polish translation in the catalogue's PackagingChoices context."""
    from wizard.containers.packaging_labels import LABELS
    from wizard.ui.wording import packaging_text

    apply_language("pl")
    labels = [label for per_target in LABELS.values() for label in per_target.values()]
    assert labels and not [label for label in labels if packaging_text(label) == label]


def test_the_test_pages_status_texts_are_polish(qtbot, back_to_english):
    from wizard.targets.base import Endpoint
    from wizard.ui.wizard import DeploymentWizard

    apply_language("pl")
    window = DeploymentWizard()
    window.ask_unsaved = lambda: "discard"
    page = window.page_of(PageId.TEST)
    page.endpoint = Endpoint(url="http://127.0.0.1:1/api/score", key="k" * 20, auth_header="x-functions-key",
                             health_url="")
    page.editor.set_value({"data": [[1]]})
    page.copy_as_curl()
    assert page.stats_label.text() == "Skopiowano polecenie curl (klucz zamaskowany; zaznacz Pokaż, aby skopiować go w całości)."
    assert wait_for_workers(60_000)
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def tr_literals_without_polish(ts_path) -> list[tuple[str, str, str]]:
    """(class, source, file) of every `tr("literal")` under wizard/ui that the .ts lacks. PySide looks a `self.tr`
    up under the object's classes (the class that calls it among them); a `self.page.tr` under another page's.
    `QCoreApplication.translate("Context", "literal")` is looked up under its own context."""
    import ast
    from pathlib import Path

    import wizard.ui

    ts = ET.parse(ts_path)
    have = {(c.findtext("name"), m.findtext("source")) for c in ts.iter("context") for m in c.iter("message")}
    sources = {s for _c, s in have}
    missing = []
    for path in Path(wizard.ui.__file__).parent.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in ast.walk(tree):  # QCoreApplication.translate("Context", "literal"), where there is no QObject
            if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "translate"
                    and len(call.args) >= 2 and all(isinstance(a, ast.Constant) and isinstance(a.value, str)
                                                    for a in call.args[:2])):
                context, source = call.args[0].value, call.args[1].value  # type: ignore[attr-defined]
                if (context, source) not in have:
                    missing.append((context, source, path.name))
        # tr(NAME) of a module-level NAME = "literal" (a sentence used in several places) counts as its literal.
        constants = {t.id: n.value.value for n in tree.body if isinstance(n, ast.Assign) for t in n.targets
                     if isinstance(t, ast.Name) and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)}

        def literal(call: ast.AST) -> str | None:
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "tr"
                    and call.args):
                return None
            arg = call.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                return arg.value
            return constants.get(arg.id) if isinstance(arg, ast.Name) else None

        in_classes = set()
        for cls in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]:
            for call in ast.walk(cls):
                source = literal(call)
                if source is None:
                    continue
                in_classes.add(id(call))
                on_self = isinstance(call.func.value, ast.Name) and call.func.value.id == "self"  # type: ignore[attr-defined]
                if (cls.name, source) not in have and (on_self or source not in sources):
                    missing.append((cls.name, source, path.name))
        for call in ast.walk(tree):  # `page.tr("...")` in a module function: some page's context must hold it
            source = literal(call)
            if source is not None and id(call) not in in_classes and source not in sources:
                missing.append(("(a page)", source, path.name))
    return missing


def test_every_tr_literal_has_a_polish_entry():
    """Strings a page shows only in some state (signing in, cancelling, a deployment found by its tags) are not
    seen by the per-page check above; every tr() literal must still be in the catalogue."""
    assert not tr_literals_without_polish(i18n.translations_dir() / "mlfunc_wizard_pl.ts")


def test_state_sentences_with_values_are_polish(qtbot, back_to_english):
    """Sentences built from a template and values (a reopened deployment's state, a name check's answer) read in
    Polish, values in place."""
    from types import SimpleNamespace

    from wizard.ui.pages.start import FoundInAzure
    from wizard.ui.wizard import DeploymentWizard

    apply_language("pl")
    window = DeploymentWizard()
    window.ask_unsaved = lambda: "discard"
    start = window.page_of(PageId.START)
    start.reopened_info = FoundInAzure(name="digits-x", target="local", resource_group="rg-x", status="failed",
                                       steps={"group": "done", "cache": "failed"})
    start._describe_chosen()
    assert start.reopen_state.text() == ("Wdrożenie „digits-x” na tym komputerze (grupa zasobów rg-x): nieudane. "
                                         "Ukończone kroki: 1 z 2. Wznów je (ukończone kroki zostają zachowane) albo "
                                         "usuń jego zasoby.")
    model_page = window.page_of(PageId.MODEL)  # the name check is shared by the pages (ProfilePage context)
    model_page.app_availability._answer(model_page.app_availability._serial, model_page.model.get("function.app_name"),
                                        SimpleNamespace(available=True, message=""))
    assert model_page.app_status.text().startswith("✓ Nazwa „") and "jest dostępna" in model_page.app_status.text()
    model_page.model.set("function.trigger.type", "blob")  # a disabled control says why, in Polish
    assert model_page.auth_combo.toolTip() == "Poziom autoryzacji ma tylko wyzwalacz HTTP."
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def test_the_problem_boxes_severity_word_is_polish(qtbot, back_to_english):
    """The box under a page names each problem "Error:"/"Warning:"; in Polish the word is Polish too (the page
    check above compares whole strings, so a Polish sentence after an English word passed it)."""
    from wizard.ui.wizard import DeploymentWizard

    apply_language("pl")
    window = DeploymentWizard()
    window.ask_unsaved = lambda: "discard"
    basics = window.page_of(PageId.BASICS)
    window.model.set("cache.name", "my--cache!")
    basics.load()
    text = basics.problem_list.label.text()
    assert "<b>Błąd:</b>" in text and "Error" not in text, text
    spoken = basics.problem_list.label.accessibleDescription()  # a screen reader says the same words
    assert spoken.startswith("Błąd: ") and "error" not in spoken, spoken
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


@pytest.fixture
def app_style_kept(qapp):
    """run_gui styles the shared QApplication; later tests get it back as it was."""
    style, name = qapp.styleSheet(), qapp.applicationDisplayName()
    yield qapp
    qapp.setStyleSheet(style)
    qapp.setApplicationDisplayName(name)


def test_the_start_up_refusal_is_polish(monkeypatch, back_to_english, app_style_kept):
    """`--lang pl` with a PySide6 build that drops references: the dialog's title is Polish. Mocked: the binding
    check's answer (no broken PySide6 can be installed here) and QMessageBox.critical (a modal box waits for a
    click); everything else is run_gui's own path."""
    from PySide6.QtWidgets import QMessageBox

    from wizard.ui import app as app_mod

    shown = []
    monkeypatch.setattr(app_mod, "broken_binding", lambda: "PySide6 0.0 drops references.")
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append((title, text)))
    assert app_mod.run_gui(["--lang", "pl"]) == 2
    assert shown == [("Nie można uruchomić mlfunc-wizard", "PySide6 0.0 drops references.")]


def test_a_profile_that_cannot_be_opened_is_said_in_polish(qtbot, tmp_path, monkeypatch, back_to_english,
                                                           app_style_kept):
    """A broken profile on the command line: the warning's title and sentence are Polish (the profile's own
    reason comes from gettext). Mocked: QMessageBox.warning (modal) records, and the app's exec() returns at once
    (ending the shared test app's event loop would stop every later test's background workers)."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    from wizard.ui import app as app_mod
    from wizard.ui.wizard import DeploymentWizard

    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    shown = []

    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append((title, text)))
    monkeypatch.setattr(app_style_kept, "exec", lambda: 0)
    try:
        assert app_mod.run_gui([str(broken), "--lang", "pl"]) == 0
    finally:
        for window in [w for w in QApplication.topLevelWidgets() if isinstance(w, DeploymentWizard)]:
            window.ask_unsaved = lambda: "discard"
            window.close()
            window.deleteLater()
        assert wait_for_workers(60_000)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    [(title, text)] = shown
    assert title == "Nie otwarto profilu"
    assert text.startswith(f"Nie udało się otworzyć {broken}: Profil ") and text.endswith(
        "Kreator uruchomi się zamiast tego z przykładowym profilem."), text


def test_sentences_a_widget_builds_in_some_state_are_polish(qtbot, back_to_english):
    """What the page check does not reach: a broken JSON input, a running step's state, a log view that dropped
    lines, a tag typed twice; each sentence is Polish, values in place."""
    from PySide6.QtCore import Qt

    from wizard.core.events import StepEvent
    from wizard.ui.widgets.json_editor import JsonEditor
    from wizard.ui.widgets.log_view import LogView
    from wizard.ui.widgets.step_list import StepList
    from wizard.ui.wizard import DeploymentWizard

    apply_language("pl")
    editor = JsonEditor()
    qtbot.addWidget(editor)
    editor.set_text("")
    assert editor.status.text().startswith("Dane wejściowe są puste. Wpisz JSON do wysłania"), editor.status.text()
    editor.set_text("{")
    assert editor.status.text() == ("Dane wejściowe nie są poprawnym JSON-em: oczekiwano nazwy właściwości w podwójnym "
                                    "cudzysłowie w wierszu 1, kolumnie 2."), editor.status.text()
    assert editor.text_edit.accessibleName() == "Dane wejściowe JSON"

    steps = StepList()
    qtbot.addWidget(steps)
    steps.set_steps([("cache", "Utwórz pamięć podręczną")])
    steps.apply(StepEvent("started", "cache"))
    row = steps.rows["cache"]
    assert row.item.data(0, Qt.ItemDataRole.AccessibleDescriptionRole) == "w toku"  # what a screen reader says
    assert row.bar.accessibleName() == "Postęp: Utwórz pamięć podręczną"

    view = LogView(max_blocks=10)
    qtbot.addWidget(view)
    view.append_lines([f"line {i}" for i in range(40)])
    qtbot.waitUntil(lambda: len(view.buffer) == 0, timeout=30_000)
    view.flush_all()
    assert view.toolTip() == f"Nie pokazano wierszy: {view.skipped_total}; widok przechowuje tylko ostatnie 10."

    window = DeploymentWizard()
    window.ask_unsaved = lambda: "discard"
    tags = window.page_of(PageId.TAGS)
    tags.table.add_row("env", "a")
    tags.table.add_row("env", "b")
    assert "Nazwa tagu „env” występuje dwa razy; każda nazwa może wystąpić tylko raz." in tags.problem_list.texts()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def test_the_replacement_consent_is_polish(qtbot, back_to_english):
    """Create asks before replacing a resource: the question names the step and the setting (its Polish label,
    no internal path) in Polish. The what-if is built from the real types, as test_gui_whatif does."""
    from wizard.core import whatif
    from wizard.targets.base import Change, ChangeKind, SettingChange
    from wizard.ui.wizard import DeploymentWizard

    apply_language("pl")
    window = DeploymentWizard()
    window.ask_unsaved = lambda: "discard"
    review = window.page_of(PageId.REVIEW)
    step = whatif.PlannedStep(name="cache", title="Utwórz pamięć podręczną", creates="redis-server cache",
                              change=Change(ChangeKind.REPLACE, (SettingChange("cache.clustering_policy",
                                                                               "EnterpriseCluster", "OSSCluster"),),
                                            forced_by=("cache.clustering_policy",), data_loss="x"))
    review.whatif = whatif.WhatIf(deployment="digits-local", target="local", steps=(step,))
    asked: list[str] = []
    review.confirm_replace = lambda text: asked.append(text) or False
    assert review.validatePage() is False
    assert asked == ["Utwórz pamięć podręczną: zmiana “Zasada klastrowania” wymaga zastąpienia (usunięcia i ponownego "
                     "utworzenia). Tracisz przy tym: x.\n\nZastąpić i kontynuować?"], asked
    assert wait_for_workers(60_000)
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def test_review_names_where_a_problem_is_in_polish(qtbot, back_to_english):
    """A problem on Review links to its field: "<field> on <page>", both by their Polish words (a tag by its name);
    the values the summary composes (a new group, the sample model, the trigger's key) are Polish as well."""
    from wizard.ui.wizard import DeploymentWizard

    apply_language("pl")
    window = DeploymentWizard()
    window.ask_unsaved = lambda: "discard"
    window.model.set("cache.name", "my--cache!")
    window.model.set("tags", {"bad<name": "x"})
    review = window.page_of(PageId.REVIEW)
    review.show_summary()
    text = review.summary.toPlainText()
    assert "— Nazwa pamięci podręcznej na stronie Podstawy" in text, text
    assert "— Tag „bad<name” na stronie Tagi" in text, text
    assert " on " not in text and "Tag '" not in text
    # Values the summary builds from words and names read in Polish too.
    assert "(nowa)" in text and "przykład „digits”" in text and "http (klucz funkcji)" in text, text
    assert "(new)" not in text and "sample '" not in text and "function key" not in text
    assert wait_for_workers(60_000)
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
