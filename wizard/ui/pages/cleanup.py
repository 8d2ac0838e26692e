"""Page 10, Clean up: what will be deleted, a typed resource-group confirmation, progress, a clear end."""

from __future__ import annotations

import threading

from PySide6.QtCore import QMetaObject, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from wizard.ui.pages.base import credential_of
from wizard.ui.profile_model import ProfileModel
from wizard.ui.translation import fill
from wizard.ui.widgets.error_banner import ErrorBanner
from wizard.ui.widgets.log_view import LogView
from wizard.ui.workers import ErrorInfo, run_in_background


class CleanupPage(QWizardPage):
    """States: idle → deleting → deleted | failed | cancelled."""

    stateChanged = Signal(str)

    def __init__(self, model: ProfileModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.setTitle(self.tr("Clean up"))
        self.setSubTitle(self.tr("Delete the resource group and everything in it. This cannot be undone."))
        self.resources = QListWidget()
        self.resources.setAccessibleName(self.tr("Resources that will be deleted"))
        self.confirm_label = QLabel()
        self.confirm_label.setWordWrap(True)
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setAccessibleName(self.tr("Type the resource group name to confirm"))
        self.delete_button = QPushButton(self.tr("&Delete resource group"))
        self.delete_button.setAccessibleName(self.tr("Delete resource group"))
        self.forget_button = QPushButton(self.tr("For&get the record only"))
        self.forget_button.setAccessibleName(self.tr("Forget the deployment's record without deleting its resources"))
        self.forget_button.setToolTip(self.tr("No sign-in needed. Removes only this computer's record; delete the "
                                              "resource group yourself (for Azure: in the portal)."))
        self.cancel_button = QPushButton(self.tr("Stop"))
        self.cancel_button.setAccessibleName(self.tr("Stop deleting"))
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setAccessibleName(self.tr("Clean-up progress"))
        self.status = QLabel("")
        self.status.setObjectName("bigStatus")
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("Clean-up status"))
        self.log_view = LogView(max_blocks=5000)
        self.log_view.setAccessibleName(self.tr("Clean-up log"))
        self.error_banner = ErrorBanner()
        layout = QVBoxLayout(self)
        self.list_title = QLabel(self.tr("These resources will be deleted:"))
        layout.addWidget(self.list_title)
        layout.addWidget(self.resources, 1)
        layout.addWidget(self.confirm_label)
        row = QHBoxLayout()
        row.addWidget(self.confirm_edit, 1)
        row.addWidget(self.delete_button)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        forget_row = QHBoxLayout()
        forget_row.addStretch(1)
        forget_row.addWidget(self.forget_button)
        layout.addLayout(forget_row)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.error_banner)
        layout.addWidget(self.log_view, 1)
        self.confirm_edit.textChanged.connect(lambda _t: self._update_buttons())
        self.confirm_edit.returnPressed.connect(self.delete)
        self.delete_button.clicked.connect(self.delete)
        self.cancel_button.clicked.connect(self.stop)
        self.forget_button.clicked.connect(self.forget)
        self.state = "idle"
        self._cancel = threading.Event()

    def group_name(self) -> str:
        return self.model.profile.resource_group.name

    def initializePage(self) -> None:  # noqa: N802
        self.confirm_label.setText(self.tr("To confirm, type the resource group name <b>%1</b>:").replace("%1", self.group_name()))
        self.resources.clear()
        self.resources.addItem(self.tr("Listing…"))
        profile = self.model.profile
        credential = credential_of(self)

        def listing() -> list[str]:
            from wizard import deployment

            return list(deployment.target_for(profile, credential=credential).resources(profile))

        run_in_background(listing, on_success=self._show_resources, on_failure=self._listing_failed,
                          owner=self, doing="list the resources")
        self._update_buttons()
        self.confirm_edit.setFocus()

    def _show_resources(self, names: list[str]) -> None:
        self.resources.clear()
        self.resources.addItem(fill(self.tr("Resource group %1"), self.group_name()))
        for name in names:
            self.resources.addItem(f"  {name}")
        if not names:
            self.resources.addItem("  " + self.tr("(nothing inside it right now)"))
        self.resources.addItem(self.tr("The deployment's record (journal and profile copy) in the data folder"))

    def _listing_failed(self, error: ErrorInfo) -> None:
        self.resources.clear()
        self.resources.addItem(fill(self.tr("Resource group %1 and everything in it"), self.group_name()))
        self.error_banner.show_error(ErrorInfo(self.tr("The resources could not be listed; deleting still removes the "
                                                       "whole resource group. ") + error.sentence, error.detail))

    def isComplete(self) -> bool:  # noqa: N802
        return self.state != "deleting"

    def delete(self) -> None:
        if self.state == "deleting" or self.confirm_edit.text().strip() != self.group_name():
            return
        self._set_state("deleting")
        self.error_banner.clear()
        self.progress.setRange(0, 0)  # busy: deletion reports no fractions
        self.status.setText(fill(self.tr("Deleting the resource group %1…"), self.group_name()))
        self._cancel = threading.Event()
        profile = self.model.profile
        credential = credential_of(self)
        typed = self.confirm_edit.text()
        buffer = self.log_view.buffer
        cancel = self._cancel

        def log_line(line: str) -> None:  # worker thread: buffered, collected per frame by the view
            if buffer.append(line):
                QMetaObject.invokeMethod(self.log_view, "wake", Qt.ConnectionType.QueuedConnection)

        def work() -> bool:
            from wizard import deployment

            deployment.destroy(profile, log=log_line, cancel_event=cancel, typed_name=typed, credential=credential)
            return not cancel.is_set()

        run_in_background(work, on_success=self._deleted, on_failure=self._failed, owner=self, doing="delete the resource group")

    def forget(self) -> None:
        """Remove only the local record (deployment.forget): works without a sign-in, e.g. for a failed Azure one."""
        if self.state == "deleting":
            return
        name = self.model.profile.name

        def work() -> tuple[str, str]:
            from wizard import deployment

            return deployment.forget(name)

        run_in_background(work, on_success=lambda left: self._forgot(name, left), on_failure=self.error_banner.show_error,
                          owner=self, doing="forget the deployment")

    def _forgot(self, name: str, left: tuple[str, str]) -> None:
        group, subscription = left
        self._set_state("forgotten")
        if self.model.profile.target == "azure":
            sub = fill(self.tr(" in subscription %1"), subscription) if subscription else ""
            self.status.setText(fill(self.tr("Forgot '%1'. Its resource group %2%3 still exists: delete it in the "
                                             "Azure portal (Resource groups → Delete) to stop its costs."),
                                     name, group or self.group_name(), sub))
        else:
            self.status.setText(fill(self.tr("Forgot '%1'. Its resource group %2 on this computer stays until you "
                                             "delete it."), name, group or self.group_name()))
        self.error_banner.clear()

    def stop(self) -> None:
        if self.state == "deleting":
            self._cancel.set()
            self.status.setText(self.tr("Stopping after the current resource…"))

    def _deleted(self, completed: bool) -> None:
        self.log_view.flush_all()
        self.progress.setRange(0, 1)
        if completed:
            self.progress.setValue(1)
            self._set_state("deleted")
            self.status.setText(fill(self.tr("✓ Done. The resource group %1 and everything in it are deleted; "
                                             "nothing of this deployment is left. Click Finish to close."),
                                     self.group_name()))
            self.list_title.setText(self.tr("Deleted:"))
            for row in range(self.resources.count()):
                item = self.resources.item(row)
                item.setText("✓ " + item.text().strip())
            back = self.wizard().button(QWizard.WizardButton.BackButton) if self.wizard() else None
            if back is not None:
                back.setEnabled(False)  # the deployment the earlier pages show no longer exists
        else:
            self.progress.setValue(0)
            self._set_state("cancelled")
            self.status.setText(self.tr("Stopped. Some resources may remain; type the name and delete again to finish."))

    def _failed(self, error: ErrorInfo) -> None:
        self.log_view.flush_all()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self._set_state("failed")
        self.status.setText(self.tr("✗ The clean-up did not finish."))
        self.error_banner.show_error(error)

    def _set_state(self, state: str) -> None:
        self.state = state
        self._update_buttons()
        self.completeChanged.emit()
        self.stateChanged.emit(state)

    def _update_buttons(self) -> None:
        deleting = self.state == "deleting"
        matches = self.confirm_edit.text().strip() == self.group_name()
        self.delete_button.setEnabled(matches and not deleting and self.state not in ("deleted", "forgotten"))
        self.delete_button.setToolTip("" if matches else fill(self.tr("Type %1 to enable deletion."), self.group_name()))
        self.confirm_edit.setEnabled(not deleting and self.state not in ("deleted", "forgotten"))
        self.forget_button.setEnabled(not deleting and self.state not in ("deleted", "forgotten"))
        self.cancel_button.setVisible(deleting)
        started = self.state != "idle"
        self.progress.setVisible(started)
        self.log_view.setVisible(started)
