"""The deployment wizard (a QWizard): ten pages over one Profile, remembering its size."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QByteArray, QEventLoop, QSettings, QSize, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget, QWizard

from wizard.profile import Profile
from wizard.session import Session
from wizard.ui.pages.advanced import AdvancedPage
from wizard.ui.pages.base import PageId
from wizard.ui.pages.basics import BasicsPage
from wizard.ui.pages.cleanup import CleanupPage
from wizard.ui.pages.deploy import DeployPage
from wizard.ui.pages.model_function import ModelFunctionPage
from wizard.ui.pages.networking import NetworkingPage
from wizard.ui.pages.review import ReviewPage
from wizard.ui.pages.start import StartPage
from wizard.ui.pages.tags import TagsPage
from wizard.ui.pages.test_panel import TestPage
from wizard.ui.profile_model import ProfileModel
from wizard.ui.resources import icon, style_sheet

log = logging.getLogger(__name__)

ORGANISATION = "mlfunc-wizard"
APPLICATION = "mlfunc-wizard"


def settings() -> QSettings:
    """The wizard's settings (INI format, so tests can redirect them with QSettings.setPath)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION)


class DeploymentWizard(QWizard):
    languageChosen = Signal(str)  # "en" / "pl" / "" (system): the app rebuilds the window in that language

    def __init__(self, profile: Profile | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("mlfunc-wizard — deploy a model with a Redis inference cache"))
        self.setWindowIcon(icon("app"))
        self.setStyleSheet(style_sheet())  # also when embedded or tested without make_app()
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        # The Azure account (sign-in, credential, pickers); pages reach Azure only through it. Never saved.
        self.session = Session()
        self.model = ProfileModel(profile, self)
        self.pages: dict[PageId, Any] = {  # each page's own type (DeployPage, ReviewPage…)
            PageId.START: StartPage(self.model),
            PageId.BASICS: BasicsPage(self.model),
            PageId.NETWORKING: NetworkingPage(self.model),
            PageId.ADVANCED: AdvancedPage(self.model),
            PageId.TAGS: TagsPage(self.model),
            PageId.MODEL: ModelFunctionPage(self.model),
            PageId.REVIEW: ReviewPage(self.model),
            PageId.DEPLOY: DeployPage(self.model),
            PageId.TEST: TestPage(self.model),
            PageId.CLEANUP: CleanupPage(self.model),
        }
        for page_id, page in self.pages.items():
            self.setPage(int(page_id), page)
        self.setStartId(int(PageId.START))
        # Tests replace this to answer the "close while deploying?" question (the narrowest seam).
        self.confirm: Callable[[str, str], bool] = self._ask
        # "save" / "discard" / "cancel" when closing with unsaved edits, and where to save: seams for tests too.
        self.ask_unsaved: Callable[[], str] = self._ask_unsaved
        self.open_question: QMessageBox | None = None  # the close question while it is shown
        self.choose_save_path: Callable[[], Path | None] = self._choose_save_path
        self._restore_geometry()

    # --- the profile ----------------------------------------------------------------------
    @property
    def profile(self) -> Profile:
        return self.model.profile

    def page_of(self, page_id: PageId) -> Any:
        return self.pages[page_id]

    # --- window size ----------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        s = settings()
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        size = s.value("window/size")
        self._saved_size: QSize | None = size if isinstance(size, QSize) and size.isValid() else QSize(980, 760)
        self.resize(self._saved_size)

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        # QWizard fits itself to its first page when shown; the remembered size wins.
        if self._saved_size is not None:
            self.resize(self._saved_size)
            self._saved_size = None

    def save_geometry(self) -> None:
        s = settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/size", self.size())
        s.sync()

    # --- closing --------------------------------------------------------------------------
    def _ask(self, title: str, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        self.open_question = box
        # The question is about a running deployment or clean-up: when it ends meanwhile, the box goes away by
        # itself (answered No: nothing to cancel any more; _may_close then sees it idle and closes).
        deploy: DeployPage = self.pages[PageId.DEPLOY]
        cleanup: CleanupPage = self.pages[PageId.CLEANUP]

        def ended(_state: str) -> None:
            if not deploy.is_running() and cleanup.state != "deleting":
                box.done(int(QMessageBox.StandardButton.No))

        deploy.stateChanged.connect(ended)
        cleanup.stateChanged.connect(ended)
        try:
            answer = box.exec()
        finally:
            deploy.stateChanged.disconnect(ended)
            cleanup.stateChanged.disconnect(ended)
            self.open_question = None
        return answer == int(QMessageBox.StandardButton.Yes)

    def _ask_unsaved(self) -> str:
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Unsaved changes"),
                          self.tr("The profile has changes that are not saved. Save them before closing?"),
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self)
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(QMessageBox.StandardButton(answer), "cancel")

    def _choose_save_path(self) -> Path | None:
        profile = self.model.profile
        start = (profile.base_dir or Path.home()) / f"{profile.name}.json"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save profile"), str(start), self.tr("Profiles (*.json)"))
        return Path(path) if path else None

    def _keep_or_discard_edits(self) -> bool:
        """False when the user chose to stay (or the save failed): closing would lose their edits."""
        if not self.model.is_dirty():
            return True
        answer = self.ask_unsaved()
        if answer == "discard":
            return True
        if answer != "save":
            return False
        path = self.choose_save_path()
        if path is None:
            return False
        review: ReviewPage = self.pages[PageId.REVIEW]
        return review.save_profile(path)

    def reject(self) -> None:
        # The Cancel button and Escape come here; route them through the same question as closing.
        if self._may_close():
            self.save_geometry()
            super().reject()

    def accept(self) -> None:
        # Finish: the size is remembered as on Close and Cancel.
        self.save_geometry()
        super().accept()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self._may_close():
            self.save_geometry()
            event.accept()
        else:
            event.ignore()

    def _may_close(self) -> bool:
        if not self._keep_or_discard_edits():
            return False
        deploy: DeployPage = self.pages[PageId.DEPLOY]
        cleanup: CleanupPage = self.pages[PageId.CLEANUP]
        if cleanup.state == "deleting":
            if not self.confirm(self.tr("Clean-up in progress"),
                                self.tr("The resource group is being deleted. Stop and close? Some resources may "
                                        "remain; run the clean-up again later to finish.")):
                if cleanup.state == "deleting":
                    return False
            else:
                cleanup.stop()
        if deploy.is_running():
            if not self.confirm(self.tr("Deployment in progress"),
                                self.tr("A deployment is running. Cancel it and close?\n\nWhat was created so far is "
                                        "recorded: reopen the deployment from the Start page (or run `mlfunc-wizard "
                                        "deploy` with the same profile) to resume it, or clean it up.")):
                return not deploy.is_running()  # it ended while the question was up: close as asked
            deploy.cancel()
            self.wait_until_idle(60_000)
        return True

    def wait_until_idle(self, timeout_ms: int) -> bool:
        """Keep the UI alive until the deployment has stopped (the journal is then consistent)."""
        deploy: DeployPage = self.pages[PageId.DEPLOY]
        loop = QEventLoop()
        deploy.stateChanged.connect(lambda _s: loop.quit() if not deploy.is_running() else None)
        # A QTimer object, not QTimer.singleShot(ms, callable): see wizard.ui.qt_compat.
        limit = QTimer()
        limit.setSingleShot(True)
        limit.timeout.connect(loop.quit)
        limit.start(timeout_ms)
        if deploy.is_running():
            loop.exec()
        limit.stop()
        return not deploy.is_running()
