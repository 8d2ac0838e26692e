"""Starts the desktop wizard: `mlfunc-wizard` with no arguments, or with a profile file to open."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from wizard import profile as profile_mod
from wizard.secrets import install_log_scrubbing
from wizard.ui.binding_check import broken_binding
from wizard.ui.resources import icon, style_sheet
from wizard.ui.wizard import APPLICATION, ORGANISATION, DeploymentWizard
from wizard.ui.workers import wait_for_workers

log = logging.getLogger(__name__)


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "mlfunc-wizard", *(argv or [])])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("mlfunc-wizard")
    app.setDesktopFileName("mlfunc-wizard")
    app.setWindowIcon(icon("app"))
    app.setStyleSheet(style_sheet())
    return app  # type: ignore[return-value]


def run_gui(argv: list[str]) -> int:
    """Open the wizard; `argv` may hold one profile path. Returns the exit code."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    install_log_scrubbing()
    app = make_app()
    broken = broken_binding()
    if broken:
        log.error("%s", broken)
        QMessageBox.critical(None, "mlfunc-wizard cannot start", broken)
        return 2
    loaded = None
    problem = ""
    paths = [a for a in argv if not a.startswith("-")]
    if paths:
        try:
            loaded = profile_mod.load(Path(paths[0]))
        except profile_mod.ProfileError as exc:
            problem = f"Could not open {paths[0]}: {exc} The wizard starts with the sample profile instead."
    window = DeploymentWizard(loaded)
    window.show()
    if "--smoke-test" in argv:
        # For installers and the packaging test: the first page opened, so the bundle's Qt works.
        app.processEvents()
        page = window.currentPage()
        print(f"first page: {page.title() if page is not None else '(none)'}", flush=True)
        window.close()
        return 0 if page is not None else 1
    if problem:
        QMessageBox.warning(window, "Profile not opened", problem)
    code = app.exec()
    wait_for_workers(30_000)  # a cancelled deployment finishes writing its journal
    return int(code)
