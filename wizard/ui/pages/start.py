"""Page 1, Start: new deployment / saved profile / existing deployment, and where it runs."""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from wizard import i18n
from wizard import profile as profile_mod
from wizard.session import Session
from wizard.ui.pages.base import PageId, ProfilePage, credential_of, radio_group, select_data, session_of
from wizard.ui.profile_model import ProfileModel
from wizard.ui.translation import fill
from wizard.ui.widgets.error_banner import ErrorBanner
from wizard.ui.workers import ErrorInfo, run_in_background


def _list_deployments() -> list[Any]:
    from wizard import deployment

    return deployment.list_deployments()


def _load_deployed(name: str) -> Any:
    from wizard import deployment

    return deployment.load_deployed_profile(name)


AZURE_FOUND = "azure-found:"  # list data of a deployment found in Azure by its tags ("<subscription>/<group>" follows)
FOUND_STATUS = "found in Azure"


@dataclass(frozen=True)
class FoundInAzure:
    name: str
    target: str
    resource_group: str
    status: str
    steps: dict[str, str] = field(default_factory=dict)
    subscription_id: str = ""


LOCAL_NAME = profile_mod.default_local().name  # "digits-local"
AZURE_NAME = LOCAL_NAME.removesuffix("-local") + "-azure"


def _line_edit(combo: QComboBox) -> QLineEdit:
    """The line edit of an editable combo box (there is one once setEditable(True) ran)."""
    edit = combo.lineEdit()
    assert edit is not None, "the combo box is editable"
    return edit


class StartPage(ProfilePage):
    prefixes = ("name", "target", "azure", "resource_group")

    def __init__(self, model: ProfileModel, parent: QWidget | None = None):
        super().__init__(model, parent)
        self.setTitle(self.tr("Start"))
        self.setSubTitle(self.tr("Deploy a model behind a Redis inference cache — on this computer or on Azure."))
        self.reopened: str | None = None  # deployment name when the user reopened one
        # A credential to verify instead of azure-identity's interactive chain (tests with the ARM emulator,
        # or a caller that already holds one); sign_in still checks it by asking for a token.
        self.credential_source: Any = None
        self.pickers_loaded = False  # subscription, regions and groups listed from Azure

        # What to do
        self.new_radio = QRadioButton(self.tr("Ne&w deployment (starts from the sample digits model)"))
        self.open_radio = QRadioButton(self.tr("&Open a saved profile…"))
        self.reopen_radio = QRadioButton(self.tr("R&eopen an existing deployment (test it or clean it up)"))
        self.mode_group = radio_group(self, (self.new_radio, self.tr("New deployment")),
                                      (self.open_radio, self.tr("Open a saved profile")),
                                      (self.reopen_radio, self.tr("Reopen an existing deployment")))
        self.new_radio.setChecked(True)
        self.open_button = QPushButton(self.tr("Browse…"))
        self.open_button.setAccessibleName(self.tr("Browse for a profile"))
        self.opened_label = QLabel()
        self.opened_label.setObjectName("hint")
        self.deployments = QListWidget()
        self.deployments.setAccessibleName(self.tr("Existing deployments"))
        self.deployments.setMaximumHeight(110)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setAccessibleName(self.tr("Refresh the list of deployments"))
        # What the chosen deployment is, and what can be done with it (a failed one is resumed, not tested).
        self.reopen_state = QLabel("")
        self.reopen_state.setWordWrap(True)
        self.reopen_state.setAccessibleName(self.tr("State of the chosen deployment"))
        self.resume_button = QPushButton(self.tr("Resume / re&try"))
        self.resume_button.setAccessibleName(self.tr("Resume or retry the chosen deployment"))
        self.test_button = QPushButton(self.tr("Test &it"))
        self.test_button.setAccessibleName(self.tr("Test the chosen deployment"))
        self.cleanup_button = QPushButton(self.tr("C&lean up…"))
        self.cleanup_button.setAccessibleName(self.tr("Clean up the chosen deployment"))
        self.forget_button = QPushButton(self.tr("Forget the recor&d…"))
        self.forget_button.setAccessibleName(self.tr("Forget the chosen deployment's record (its resources stay)"))
        self.forget_button.setToolTip(self.tr("Removes only this computer's record; no sign-in needed. Resources it "
                                              "created stay until you delete their resource group."))
        self.reopen_action = "test"  # test | resume | cleanup: where Next goes for a reopened deployment
        self.reopened_info: Any = None
        # Tests replace this to answer "forget this record?" (the narrowest seam).
        self.confirm_forget: Any = self._confirm_forget

        mode_box = QGroupBox(self.tr("What do you want to do?"))
        mode_layout = QVBoxLayout(mode_box)
        mode_layout.addWidget(self.new_radio)
        row = QHBoxLayout()
        row.addWidget(self.open_radio)
        row.addWidget(self.open_button)
        row.addWidget(self.opened_label, 1)
        mode_layout.addLayout(row)
        mode_layout.addWidget(self.reopen_radio)
        row = QHBoxLayout()
        row.addWidget(self.deployments, 1)
        row.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignTop)
        mode_layout.addLayout(row)
        mode_layout.addWidget(self.reopen_state)
        actions = QHBoxLayout()
        for button in (self.test_button, self.resume_button, self.cleanup_button, self.forget_button):
            actions.addWidget(button)
        actions.addStretch(1)
        mode_layout.addLayout(actions)

        # Where it runs
        self.local_radio = QRadioButton(self.tr("This &computer (no account needed: real Redis and a local functions host)"))
        self.azure_radio = QRadioButton(self.tr("&Azure (needs an Azure subscription)"))
        self.target_group = radio_group(self, (self.local_radio, self.tr("Target: this computer")),
                                        (self.azure_radio, self.tr("Target: Azure")))
        self.bind_radios(self.target_group, "target", {self.local_radio: "local", self.azure_radio: "azure"})
        self.target_group.buttonToggled.connect(self._target_toggled)

        self.name_edit = self.bind_text(QLineEdit(), "name")
        self.name_edit.setAccessibleName(self.tr("Deployment name"))
        self.rg_edit = self.bind_text(QLineEdit(), "resource_group.name")
        self.rg_edit.setAccessibleName(self.tr("Resource group name"))
        self.rg_create = self.bind_check(QCheckBox(self.tr("Create a new resource group")), "resource_group.create")
        self.rg_create.setAccessibleName(self.tr("Create a new resource group"))

        target_box = QGroupBox(self.tr("Where should it run?"))
        target_layout = QVBoxLayout(target_box)
        target_layout.addWidget(self.local_radio)
        target_layout.addWidget(self.azure_radio)
        form = QFormLayout()
        form.addRow(self.tr("Deployment na&me:"), self.name_edit)
        rg_row = QHBoxLayout()
        rg_row.addWidget(self.rg_edit, 1)
        rg_row.addWidget(self.rg_create)
        rg_label = QLabel(self.tr("&Resource group:"))
        rg_label.setBuddy(self.rg_edit)
        form.addRow(rg_label, rg_row)
        target_layout.addLayout(form)

        # Azure account
        self.sign_in_button = QPushButton(self.tr("&Sign in to Azure…"))
        self.sign_in_button.setAccessibleName(self.tr("Sign in to Azure"))
        self.account_label = QLabel(self.tr("Not signed in."))
        self.subscription_combo = QComboBox()
        self.subscription_combo.setAccessibleName(self.tr("Subscription"))
        self.subscription_combo.setEditable(True)
        self.region_combo = QComboBox()
        self.region_combo.setAccessibleName(self.tr("Region"))
        self.region_combo.setEditable(True)
        self.existing_groups = QComboBox()
        self.existing_groups.setAccessibleName(self.tr("Existing resource groups"))
        self.existing_groups.setPlaceholderText(self.tr("(sign in to list resource groups)"))
        self.azure_box = QGroupBox(self.tr("Azure account"))
        azure_form = QFormLayout(self.azure_box)
        row = QHBoxLayout()
        row.addWidget(self.sign_in_button)
        row.addWidget(self.account_label, 1)
        azure_form.addRow(row)
        azure_form.addRow(self.tr("S&ubscription:"), self.subscription_combo)
        azure_form.addRow(self.tr("Re&gion:"), self.region_combo)
        azure_form.addRow(self.tr("Use an e&xisting group:"), self.existing_groups)

        self.error_banner = ErrorBanner()

        # The language (follows LANG/LANGUAGE unless chosen here or with --lang).
        self.language_combo = QComboBox()
        self.language_combo.setAccessibleName(self.tr("Display language"))
        self.language_combo.addItem(self.tr("System language"), "")
        for code, name in i18n.LANGUAGES.items():
            self.language_combo.addItem(name, code)
        select_data(self.language_combo, i18n._override or "")
        self.language_combo.activated.connect(self._language_chosen)
        language_row = QHBoxLayout()
        language_label = QLabel(self.tr("Dis&play language:"))
        language_label.setBuddy(self.language_combo)
        language_row.addStretch(1)
        language_row.addWidget(language_label)
        language_row.addWidget(self.language_combo)

        layout = QVBoxLayout(self)
        layout.addLayout(language_row)
        layout.addWidget(mode_box)
        layout.addWidget(target_box)
        layout.addWidget(self.azure_box)
        layout.addWidget(self.error_banner)
        self.finish_layout(layout)

        self.mode_group.buttonToggled.connect(lambda *_: self._mode_changed())
        self.open_button.clicked.connect(self._browse)
        self.refresh_button.clicked.connect(self.refresh_deployments)
        self.test_button.clicked.connect(lambda: self._go("test"))
        self.resume_button.clicked.connect(lambda: self._go("resume"))
        self.cleanup_button.clicked.connect(lambda: self._go("cleanup"))
        self.forget_button.clicked.connect(self.forget_chosen)
        self.deployments.currentItemChanged.connect(lambda *_: self._deployment_chosen())
        self.sign_in_button.clicked.connect(self.sign_in)
        self.subscription_combo.activated.connect(self._subscription_chosen)
        _line_edit(self.subscription_combo).editingFinished.connect(self._subscription_typed)
        self.region_combo.activated.connect(lambda _i: self._region_chosen())
        _line_edit(self.region_combo).editingFinished.connect(self._region_chosen)
        self.existing_groups.activated.connect(self._group_chosen)
        self._deployments_loaded = False
        self._infos: dict[str, Any] = {}
        self._found: dict[str, Any] = {}  # AZURE_FOUND data -> wizard.session.TaggedDeployment
        self.update_controls()

    # --- life cycle -----------------------------------------------------------------------
    def initializePage(self) -> None:  # noqa: N802
        super().initializePage()
        if not self._deployments_loaded:
            self.refresh_deployments()

    def after_load(self) -> None:
        select_data(self.subscription_combo, self.model.profile.azure.subscription_id)
        if not self.subscription_combo.currentText():
            self.subscription_combo.setEditText(self.model.profile.azure.subscription_id)
        select_data(self.region_combo, self.model.profile.azure.location)

    def update_controls(self) -> None:
        azure = self.model.profile.target == "azure"
        self.azure_box.setVisible(azure)
        self.open_button.setEnabled(self.open_radio.isChecked())
        self.deployments.setEnabled(self.reopen_radio.isChecked())
        self.refresh_button.setEnabled(self.reopen_radio.isChecked())
        info = self.reopened_info if self.reopen_radio.isChecked() else None
        status = getattr(info, "status", "")
        for button in (self.test_button, self.resume_button, self.cleanup_button, self.forget_button):
            button.setVisible(info is not None)
        self.test_button.setEnabled(status in ("deployed", FOUND_STATUS))
        self.resume_button.setEnabled(status in ("failed", "cancelled", "interrupted", "unknown", "deployed"))
        self.cleanup_button.setEnabled(self.reopened is not None)
        self.forget_button.setEnabled(status not in ("running", FOUND_STATUS))
        self.reopen_state.setVisible(info is not None)
        has_account = self.wizard_credential() is not None
        for w in (self.existing_groups,):
            w.setEnabled(has_account)
            w.setToolTip("" if has_account else self.tr("Sign in to list the subscription's resource groups."))

    def isComplete(self) -> bool:  # noqa: N802
        if self.reopen_radio.isChecked():
            return self.reopened is not None
        return super().isComplete()

    def nextId(self) -> int:  # noqa: N802
        # A reopened deployment: test it when it is deployed, resume it when it is not, or clean it up.
        if self.reopen_radio.isChecked() and self.reopened is not None:
            return int({"test": PageId.TEST, "resume": PageId.DEPLOY, "cleanup": PageId.CLEANUP}[self.reopen_action])
        return int(PageId.BASICS)

    def _go(self, action: str) -> None:
        self.reopen_action = action
        w = self.wizard()
        if w is not None and self.reopened is not None:
            w.next()

    def _language_chosen(self, index: int) -> None:
        code = self.language_combo.itemData(index) or ""
        w: Any = self.wizard()  # the DeploymentWizard (its languageChosen signal)
        if w is not None:
            w.languageChosen.emit(code)

    def _target_toggled(self, _button: Any, on: bool) -> None:
        """Defaults that fit the target (as the portal fills a new resource): Azure builds the image in ACR and gets
        a name that is not the local one; back to this computer, the folder runs directly. Only values the user
        left at the other target's default change."""
        if not on or self._loading:
            return
        p = self.model.profile
        changes: dict[str, Any] = {}
        if p.target == "azure":
            if p.function.packaging == "local":
                changes["function.packaging"] = "acr-build"
            if p.name == LOCAL_NAME:
                changes["name"] = AZURE_NAME
        else:
            if p.function.packaging in ("acr-build", "azureml"):
                changes["function.packaging"] = "local"
            if p.name == AZURE_NAME:
                changes["name"] = LOCAL_NAME
        if changes:
            self.model.set_many(changes)
            self.load()

    # --- what to do -----------------------------------------------------------------------
    def _mode_changed(self) -> None:
        if self.new_radio.isChecked() and self.reopened is not None:
            self.reopened = None
            self.model.replace(profile_mod.default_local())
        self.update_controls()
        self.completeChanged.emit()

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open a profile"), str(Path.home()),
                                              self.tr("Profiles (*.json);;All files (*)"))
        if path:
            self.open_profile(Path(path))

    def open_profile(self, path: Path) -> bool:
        """Load a saved profile into the wizard; a broken file gets a sentence, not a traceback."""
        try:
            loaded = profile_mod.load(path)
        except profile_mod.ProfileError as exc:
            self.error_banner.show_error(fill(self.tr("Could not open %1: %2"), path.name, exc))
            return False
        self.error_banner.clear()
        self.reopened = None
        self.open_radio.setChecked(True)
        self.model.replace(loaded)
        self.opened_label.setText(fill(self.tr("Opened %1"), path.name))
        return True

    def refresh_deployments(self) -> None:
        self._deployments_loaded = True
        self.deployments.clear()
        self.deployments.addItem(self.tr("Looking for deployments…"))
        run_in_background(_list_deployments, on_success=self._show_deployments,
                          on_failure=self._deployments_failed, owner=self, doing="list the deployments")

    def _show_deployments(self, infos: list[Any]) -> None:
        self._infos = {info.name: info for info in infos}
        self.deployments.clear()
        if not infos:
            item = QListWidgetItem(self.tr("No deployments yet."))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.deployments.addItem(item)
            self.find_azure_deployments()
            return
        for info in infos:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(info.updated)) if info.updated else "—"
            where = (self.tr("this computer") if info.target == "local"
                     else fill(self.tr("Azure, resource group %1"), info.resource_group))
            item = QListWidgetItem(f"{info.name} — {where} — {self._status_word(info.status)} — {when}")
            item.setData(Qt.ItemDataRole.UserRole, info.name)
            self.deployments.addItem(item)
        self.find_azure_deployments()  # signed in: add the ones Azure knows by their tags

    # --- deployments found in Azure by their tags (no local record) --------------------------
    def found_reopened(self) -> bool:
        """The reopened deployment was found in Azure by its tags (no journal: the Test page asks the session)."""
        return self.reopen_radio.isChecked() and isinstance(self.reopened_info, FoundInAzure)

    def find_azure_deployments(self) -> None:
        """Every subscription the account lists is searched, not only the profile's."""
        session = session_of(self)
        if session is None or session.credential is None:
            return
        profile = copy.deepcopy(self.model.profile)
        run_in_background(lambda: session.tagged_deployments(profile), on_success=self._show_azure_found,
                          on_failure=self.error_banner.show_error, owner=self,
                          doing="look for deployments in Azure by their tags")

    def _show_azure_found(self, found: list[Any]) -> None:
        local = set(self._infos)
        for row in reversed(range(self.deployments.count())):
            data = self.deployments.item(row).data(Qt.ItemDataRole.UserRole)
            if isinstance(data, str) and data.startswith(AZURE_FOUND):
                self.deployments.takeItem(row)
        self._found = {}
        for choice in found:
            if choice.name in local:
                continue
            data = f"{AZURE_FOUND}{choice.subscription_id}/{choice.group}"
            self._found[data] = choice
            subscription = choice.subscription_name or choice.subscription_id
            item = QListWidgetItem(
                self.tr("%1 — Azure, resource group %2 in %3 — found by its tags (no record here)")
                .replace("%1", choice.name).replace("%2", choice.group).replace("%3", subscription))
            item.setData(Qt.ItemDataRole.UserRole, data)
            self.deployments.addItem(item)

    def _choose_found(self, found: Any) -> None:
        """A deployment with no local profile: it can be tested (the session finds its function app and key) or
        cleaned up (its group and subscription are known), not resumed."""
        name, group = found.name, found.group
        profile = copy.deepcopy(self.model.profile)
        profile.name = name
        profile.target = "azure"
        profile.azure.subscription_id = found.subscription_id
        profile.resource_group.name = group
        profile.resource_group.create = False
        self.reopened_info = FoundInAzure(name=name, target="azure", resource_group=group, status=FOUND_STATUS,
                                          subscription_id=found.subscription_id)
        self.model.replace(profile)
        self.reopened = name
        self.reopen_action = "cleanup"
        self.reopen_state.setText(self.tr("'%1' was found in Azure by its tags (resource group %2, subscription %3) but "
                                          "has no record on this computer: test it or clean it up here.")
                                  .replace("%1", name).replace("%2", group)
                                  .replace("%3", found.subscription_name or found.subscription_id))
        self.update_controls()
        self.reopen_state.setVisible(True)
        self.completeChanged.emit()

    def _deployments_failed(self, error: ErrorInfo) -> None:
        self.deployments.clear()
        self.error_banner.show_error(error)

    def _deployment_chosen(self) -> None:
        item = self.deployments.currentItem()
        name = item.data(Qt.ItemDataRole.UserRole) if item else None
        if not name:
            return
        self.reopen_radio.setChecked(True)
        if name.startswith(AZURE_FOUND):
            if name in self._found:
                self._choose_found(self._found[name])
            return
        self.reopened_info = self._infos.get(name)
        self._describe_chosen()
        run_in_background(lambda: _load_deployed(name), on_success=lambda p: self._reopened(name, p),
                          on_failure=self.error_banner.show_error, owner=self, doing="open the deployment")

    def reopen(self, name: str) -> None:
        """Select a deployment in the list (as a click would)."""
        self.reopen_radio.setChecked(True)
        for row in range(self.deployments.count()):
            if self.deployments.item(row).data(Qt.ItemDataRole.UserRole) == name:
                self.deployments.setCurrentRow(row)
                return

    def _reopened(self, name: str, loaded: Any) -> None:
        self.error_banner.clear()
        self.model.replace(loaded)
        self.reopened = name
        self.reopen_radio.setChecked(True)
        status = getattr(self.reopened_info, "status", "deployed")
        self.reopen_action = "test" if status == "deployed" else "resume"
        self._describe_chosen()
        self.update_controls()
        self.completeChanged.emit()

    def _status_word(self, status: str) -> str:
        """A record's status as the list shows it (the journal's word, in the user's language)."""
        return {"deployed": self.tr("deployed"), "failed": self.tr("failed"), "cancelled": self.tr("cancelled"),
                "interrupted": self.tr("interrupted"), "running": self.tr("running")}.get(status, status)

    def _describe_chosen(self) -> None:
        info = self.reopened_info
        if info is None:
            self.reopen_state.setText("")
            return
        words = {"deployed": self.tr("deployed and running"), "failed": self.tr("failed"),
                 "cancelled": self.tr("cancelled"),
                 "interrupted": self.tr("interrupted (the program stopped while deploying)"),
                 "running": self.tr("deploying right now")}.get(info.status) or self.tr("in an unknown state")
        done = sum(1 for s in info.steps.values() if s in ("done", "created", "updated", "adopted", "checked", "replaced"))
        where = self.tr("on this computer") if info.target == "local" else self.tr("on Azure")
        steps = fill(self.tr(" %1 of %2 steps finished."), done, len(info.steps)) if info.steps else ""
        advice = {"deployed": self.tr("Test it or clean it up."), "running": self.tr("Wait for it to finish.")}.get(
            info.status) or self.tr("Resume it (finished steps are kept) or clean it up.")
        self.reopen_state.setText(fill(self.tr("'%1' %2 (resource group %3) is %4."), info.name, where,
                                       info.resource_group, words) + steps + " " + advice)

    # --- forgetting a record (no sign-in: the resources stay) -------------------------------
    def _confirm_forget(self, text: str) -> bool:
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(self, self.tr("Forget the record?"), text)
        return answer == QMessageBox.StandardButton.Yes

    def forget_chosen(self) -> None:
        info = self.reopened_info
        if info is None:
            return
        where = self.tr("on this computer") if info.target == "local" else self.tr("in Azure")
        if not self.confirm_forget(fill(self.tr("Forget '%1'? Only this computer's record is removed; what it created "
                                                "%2 stays in the resource group %3 until you delete it."),
                                        info.name, where, info.resource_group)):
            return
        name = info.name

        def work() -> Any:
            from wizard import deployment

            return deployment.forget(name)

        run_in_background(work, on_success=lambda left: self._forgot(name, left), on_failure=self.error_banner.show_error,
                          owner=self, doing="forget the deployment")

    def _forgot(self, name: str, left: tuple[str, str]) -> None:
        group, subscription = left
        info = self.reopened_info
        self.reopened = None
        self.reopened_info = None
        self.model.replace(profile_mod.default_local())
        if info is not None and info.target == "azure" and group:
            sub = fill(self.tr(" (subscription %1)"), subscription) if subscription else ""
            self.reopen_state.setText(fill(self.tr("Forgot '%1'. Its resource group %2%3 is still in Azure: delete it "
                                                   "in the Azure portal (Resource groups → Delete) to stop its costs."),
                                           name, group, sub))
        elif group:
            self.reopen_state.setText(fill(self.tr("Forgot '%1'. Its resource group %2 on this computer stays until "
                                                   "you delete it (`mlfunc-wizard destroy` with a profile of that group)."),
                                           name, group))
        else:
            self.reopen_state.setText(fill(self.tr("Forgot '%1'."), name))
        self.reopen_state.setVisible(True)
        self.refresh_deployments()
        self.update_controls()
        self.reopen_state.setVisible(True)
        self.completeChanged.emit()

    # --- Azure account --------------------------------------------------------------------
    def wizard_credential(self) -> Any:
        return credential_of(self)

    def sign_in(self) -> None:
        profile = self.model.profile
        w: Any = self.wizard()  # the DeploymentWizard (its session)
        if w is None:
            return
        if self.credential_source is not None:
            w.session = Session(self.credential_source)  # a credential handed in: sign_in only verifies it
        session = w.session
        self.sign_in_button.setEnabled(False)
        self.account_label.setText(self.tr("Signing in… (a browser window or a device code may appear)"))

        def work() -> Any:
            session.sign_in(profile, interactive=True)
            return session

        run_in_background(work, on_success=self._signed_in, on_failure=self._sign_in_failed, owner=self, doing="sign in to Azure",
                          on_done=lambda: self.sign_in_button.setEnabled(True))

    def _signed_in(self, _session: Any) -> None:
        self.account_label.setText(self.tr("Signed in."))
        self.error_banner.clear()
        self.update_controls()
        self._load_pickers()

    def _sign_in_failed(self, error: ErrorInfo) -> None:
        self.account_label.setText(self.tr("Not signed in."))
        self.error_banner.show_error(error)

    def _load_pickers(self) -> None:
        session = session_of(self)
        if session is None or session.credential is None:
            return
        profile = self.model.profile

        def subscriptions() -> Any:
            return session.subscriptions(profile)

        run_in_background(subscriptions, on_success=self._fill_subscriptions, on_failure=self.error_banner.show_error,
                          owner=self, doing="list your subscriptions")

    def _fill_subscriptions(self, choices: list[Any]) -> None:
        self.subscription_combo.clear()
        for c in choices:
            self.subscription_combo.addItem(f"{c.name} ({c.id})", c.id)
        current = self.model.profile.azure.subscription_id
        if current:
            select_data(self.subscription_combo, current)
        elif choices:
            self.subscription_combo.setCurrentIndex(0)
            self.model.set("azure.subscription_id", choices[0].id)
        self._load_subscription_pickers()

    def _subscription_chosen(self, index: int) -> None:
        value = self.subscription_combo.itemData(index)
        if value:
            self.model.set("azure.subscription_id", value)
            self._load_subscription_pickers()

    def _subscription_typed(self) -> None:
        text = self.subscription_combo.currentText().strip()
        if self.subscription_combo.findText(text) < 0:
            self.model.set("azure.subscription_id", text)

    def _load_subscription_pickers(self) -> None:
        session = session_of(self)
        if session is None or session.credential is None or not self.model.profile.azure.subscription_id:
            return
        profile = self.model.profile

        def regions_and_groups() -> Any:
            return session.regions(profile), session.resource_groups(profile)

        run_in_background(regions_and_groups, on_success=self._fill_regions_and_groups,
                          on_failure=self.error_banner.show_error, owner=self, doing="list the regions and resource groups")

    def _fill_regions_and_groups(self, result: tuple[list[Any], list[Any]]) -> None:
        regions, groups = result
        self.pickers_loaded = True
        self.find_azure_deployments()
        self.region_combo.clear()
        for c in regions:
            self.region_combo.addItem(c.name if c.name == c.id else f"{c.name} ({c.id})", c.id)
        select_data(self.region_combo, self.model.profile.azure.location)
        self.existing_groups.clear()
        for c in groups:
            self.existing_groups.addItem(c.name, c.id)
        self.existing_groups.setCurrentIndex(-1)

    def _region_chosen(self) -> None:
        index = self.region_combo.currentIndex()
        value = self.region_combo.itemData(index) if index >= 0 else None
        text = self.region_combo.currentText().strip()
        self.model.set("azure.location", value or text)

    def _group_chosen(self, index: int) -> None:
        name = self.existing_groups.itemData(index)
        if name:
            self.model.set_many({"resource_group.name": name, "resource_group.create": False})
            self.load()
