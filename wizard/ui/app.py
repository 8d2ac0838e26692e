"""Starts the desktop wizard: `mlfunc-wizard` with no arguments, or with a profile file to open."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from wizard import i18n
from wizard import profile as profile_mod
from wizard.secrets import install_log_scrubbing
from wizard.ui.binding_check import broken_binding
from wizard.ui.resources import icon, style_sheet
from wizard.ui.translation import apply_language, fill
from wizard.ui.wizard import APPLICATION, ORGANISATION, DeploymentWizard
from wizard.ui.workers import wait_for_workers

log = logging.getLogger(__name__)


def make_app(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    # The running app is a QApplication (widgets) whenever the wizard runs; instance()'s stub says QCoreApplication.
    app = existing if isinstance(existing, QApplication) else QApplication(
        [sys.argv[0] if sys.argv else "mlfunc-wizard", *(argv or [])])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("mlfunc-wizard")
    app.setDesktopFileName("mlfunc-wizard")
    app.setWindowIcon(icon("app"))
    app.setStyleSheet(style_sheet())
    return app


def _lang_argument(argv: list[str]) -> str | None:
    """`--lang=pl` or `--lang pl`."""
    for i, arg in enumerate(argv):
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
    return None


def run_gui(argv: list[str]) -> int:
    """Open the wizard; `argv` may hold one profile path. Returns the exit code."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    install_log_scrubbing()
    app = make_app()
    lang = _lang_argument(argv)
    apply_language(lang if lang in i18n.LANGUAGES else None)  # first: the start-up dialogs speak it too
    broken = broken_binding()
    if broken:
        log.error("%s", broken)
        # No QObject here to call tr(): the start-up texts live in the catalogue's "App" context.
        QMessageBox.critical(None, QCoreApplication.translate("App", "mlfunc-wizard cannot start"), broken)
        return 2
    loaded = None
    problem = ""
    paths = [a for a in argv if not a.startswith("-") and a != lang]
    if paths:
        try:
            loaded = profile_mod.load(Path(paths[0]))
        except profile_mod.ProfileError as exc:
            problem = fill(QCoreApplication.translate(
                "App", "Could not open %1: %2 The wizard starts with the sample profile instead."),
                paths[0], str(exc).removeprefix(f"{paths[0]}: "))  # the profile's sentence may name the file too
    window = DeploymentWizard(loaded)
    holder = {"window": window}

    def relaunch(code: str) -> None:
        # Widgets take their words when built: rebuild the window in the chosen language, same profile and size.
        old = holder["window"]
        i18n.set_language(code or None)
        apply_language()
        new = DeploymentWizard(old.profile)
        if old.model.is_dirty():
            new.model._saved = old.model._saved  # the unsaved edits stay unsaved in the new window
        new.languageChosen.connect(relaunch)
        new.resize(old.size())
        new.show()
        holder["window"] = new
        old.ask_unsaved = lambda: "discard"  # the edits live on in the new window
        old.hide()
        old.deleteLater()

    window.languageChosen.connect(relaunch)
    window.show()
    if "--smoke-test" in argv:
        # For installers and the packaging test: the first page opened, so the bundle's Qt works.
        app.processEvents()
        page = window.currentPage()
        print(f"first page: {page.title() if page is not None else '(none)'}", flush=True)
        window.close()
        return 0 if page is not None else 1
    if problem:
        QMessageBox.warning(window, QCoreApplication.translate("App", "Profile not opened"), problem)
    code = app.exec()
    wait_for_workers(30_000)  # a cancelled deployment finishes writing its journal
    return int(code)
