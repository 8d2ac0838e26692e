"""Page 6, Model & function: where the model comes from, sample input, trigger, packaging, app and cache policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from wizard.containers.packaging_labels import packaging_choices
from wizard.ui.pages.base import ProfilePage, hint, radio_group, session_of, set_enabled_why
from wizard.ui.profile_model import ProfileModel
from wizard.ui.translation import fill
from wizard.ui.widgets.error_banner import ErrorBanner
from wizard.ui.widgets.json_editor import JsonEditor
from wizard.ui.wording import packaging_text, packaging_words
from wizard.ui.workers import ErrorInfo, run_in_background


def _sample_input(name: str) -> Any:
    from wizard.appgen.samples import ensure_sample

    return ensure_sample(name).sample_input


class ModelFunctionPage(ProfilePage):
    prefixes = ("model", "function", "cache_policy")

    def __init__(self, model: ProfileModel, parent: QWidget | None = None):
        super().__init__(model, parent)
        self.setTitle(self.tr("Model & function"))
        self.setSubTitle(self.tr("The model to serve, how the function is triggered and packaged, and how long answers stay cached."))

        # --- model
        self.sample_radio = QRadioButton(self.tr("&Sample model (scikit-learn digits, generated on this computer)"))
        self.file_radio = QRadioButton(self.tr("Model f&ile (.pkl / .joblib / .onnx …)"))
        self.aml_radio = QRadioButton(self.tr("Azure &ML workspace (registered model)"))
        self.source_group = radio_group(self, (self.sample_radio, self.tr("Model source: sample")),
                                        (self.file_radio, self.tr("Model source: file")),
                                        (self.aml_radio, self.tr("Model source: Azure ML")))
        self.bind_radios(self.source_group, "model.source",
                         {self.sample_radio: "sample", self.file_radio: "file", self.aml_radio: "azureml"})
        self.sample_combo = self.bind_combo(QComboBox(), "model.sample",
                                            [(self.tr("digits (small, fast)"), "digits"),
                                             (self.tr("digits-heavy (slow model: shows the cache's effect)"), "digits-heavy")])
        self.sample_combo.setAccessibleName(self.tr("Sample model"))
        self.path_edit = self.bind_text(QLineEdit(), "model.path")
        self.path_edit.setAccessibleName(self.tr("Model file"))
        self.path_browse = QPushButton(self.tr("Browse…"))
        self.path_browse.setAccessibleName(self.tr("Browse for the model file"))
        self.aml_ws = self.bind_text(QLineEdit(), "model.azureml.workspace")
        self.aml_ws.setAccessibleName(self.tr("Azure ML workspace"))
        self.aml_rg = self.bind_text(QLineEdit(), "model.azureml.resource_group")
        self.aml_rg.setAccessibleName(self.tr("Azure ML resource group"))
        self.aml_model = QComboBox()
        self.aml_model.setEditable(True)
        self.aml_model.setAccessibleName(self.tr("Azure ML model"))
        self.aml_version = QComboBox()
        self.aml_version.setEditable(True)
        self.aml_version.setAccessibleName(self.tr("Azure ML model version"))
        self.aml_list = QPushButton(self.tr("List mo&dels"))
        self.aml_list.setAccessibleName(self.tr("List the workspace's models"))
        self.aml_status = QLabel()
        self.aml_status.setWordWrap(True)
        self.entry_edit = self.bind_text(QLineEdit(), "model.entry_script")
        self.entry_edit.setAccessibleName(self.tr("Entry script"))
        self.entry_edit.setPlaceholderText(self.tr("optional: score.py with init() and run(raw_data)"))
        self.entry_browse = QPushButton(self.tr("Browse…"))
        self.entry_browse.setAccessibleName(self.tr("Browse for the entry script"))

        self.source_stack = QStackedWidget()
        sample_w = QWidget()
        sf = QFormLayout(sample_w)
        sf.setContentsMargins(0, 0, 0, 0)
        sf.addRow(self.tr("Sampl&e:"), self.sample_combo)
        file_w = QWidget()
        ff = QFormLayout(file_w)
        ff.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.path_browse)
        ff.addRow(self.tr("Model file:"), row)
        aml_w = QWidget()
        af = QFormLayout(aml_w)
        af.setContentsMargins(0, 0, 0, 0)
        af.addRow(self.tr("&Workspace:"), self.aml_ws)
        af.addRow(self.tr("Workspace resource group:"), self.aml_rg)
        row = QHBoxLayout()
        row.addWidget(self.aml_model, 1)
        row.addWidget(self.aml_list)
        af.addRow(self.tr("M&odel:"), row)
        af.addRow(self.tr("&Version:"), self.aml_version)
        af.addRow(self.aml_status)
        for w in (sample_w, file_w, aml_w):
            self.source_stack.addWidget(w)
        self.source_stack.currentChanged.connect(self._fit_stack)

        model_box = QGroupBox(self.tr("Model"))
        ml = QVBoxLayout(model_box)
        for b in (self.sample_radio, self.file_radio, self.aml_radio):
            ml.addWidget(b)
        ml.addWidget(self.source_stack)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Entry script:")))
        row.addWidget(self.entry_edit, 1)
        row.addWidget(self.entry_browse)
        ml.addLayout(row)

        # --- sample input
        self.sample_editor = JsonEditor(accessible_name=self.tr("Sample input"))
        self.sample_editor.setMinimumHeight(110)
        self.sample_status = hint("")
        input_box = QGroupBox(self.tr("Sample input (sent by the smoke test and prefilled on the test page)"))
        il = QVBoxLayout(input_box)
        il.addWidget(self.sample_editor)
        il.addWidget(self.sample_status)

        # --- trigger
        self.trigger_combo = self.bind_combo(QComboBox(), "function.trigger.type",
                                             [("HTTP", "http"), (self.tr("Blob storage"), "blob"), (self.tr("Service Bus queue"), "service-bus-queue")])
        self.trigger_combo.setAccessibleName(self.tr("Trigger"))
        self.auth_combo = self.bind_combo(QComboBox(), "function.trigger.auth_level",
                                          [(self.tr("Function key"), "function"), (self.tr("Anonymous"), "anonymous"), (self.tr("Admin (master key)"), "admin")])
        self.auth_combo.setAccessibleName(self.tr("HTTP authorization level"))
        self.blob_in = self.bind_text(QLineEdit(), "function.trigger.input_path")
        self.blob_in.setAccessibleName(self.tr("Blob input path"))
        self.blob_in.setPlaceholderText(self.tr("input/{name}.json"))
        self.blob_out = self.bind_text(QLineEdit(), "function.trigger.output_path")
        self.blob_out.setAccessibleName(self.tr("Blob output path"))
        self.blob_out.setPlaceholderText(self.tr("output/{name}.json"))
        self.queue_in = self.bind_text(QLineEdit(), "function.trigger.input_queue")
        self.queue_in.setAccessibleName(self.tr("Input queue"))
        self.queue_out = self.bind_text(QLineEdit(), "function.trigger.output_queue")
        self.queue_out.setAccessibleName(self.tr("Output queue"))
        trigger_box = QGroupBox(self.tr("Trigger"))
        tf = QFormLayout(trigger_box)
        tf.addRow(self.tr("T&rigger:"), self.trigger_combo)
        tf.addRow(self.tr("Authori&zation level:"), self.auth_combo)
        tf.addRow(self.tr("Blob input path:"), self.blob_in)
        tf.addRow(self.tr("Blob output path:"), self.blob_out)
        tf.addRow(self.tr("Input queue:"), self.queue_in)
        tf.addRow(self.tr("Output queue:"), self.queue_out)

        # --- function app
        # The choices and their labels are the target's (wizard.containers.packaging_labels): filled before the
        # combo's own loader selects the profile's value, and again whenever the target changes.
        self.packaging_combo = QComboBox()
        self._packaging_filled: tuple[str, str] | None = None
        self._loaders.append(self._fill_packaging)
        self.bind_combo(self.packaging_combo, "function.packaging")
        self.packaging_combo.setAccessibleName(self.tr("Packaging route"))
        self.registry_edit = self.bind_text(QLineEdit(), "function.registry")
        self.registry_edit.setAccessibleName(self.tr("Container registry name"))
        self.app_edit = self.bind_text(QLineEdit(), "function.app_name")
        self.app_edit.setAccessibleName(self.tr("Function app name"))
        self.plan_combo = self.bind_combo(QComboBox(), "function.plan_sku",
                                          [(f"{s} ({self.tr(d)})", s) for s, d in (("B1", "Basic, dedicated"), ("B2", "Basic, dedicated"),
                                                                          ("S1", "Standard"), ("P1v3", "Premium v3"),
                                                                          ("EP1", "Elastic Premium"))])
        self.plan_combo.setAccessibleName(self.tr("App Service plan"))
        self.storage_edit = self.bind_text(QLineEdit(), "function.storage_account")
        self.storage_edit.setAccessibleName(self.tr("Storage account name"))
        self.python_combo = self.bind_combo(QComboBox(), "function.python_version",
                                            [(v, v) for v in ("3.10", "3.11", "3.12", "3.13")])
        self.python_combo.setAccessibleName(self.tr("Python version"))
        self.app_status = QLabel()
        self.app_status.setWordWrap(True)
        self.storage_status = QLabel()
        self.storage_status.setWordWrap(True)
        app_box = QGroupBox(self.tr("Function app"))
        fa = QFormLayout(app_box)
        fa.addRow(self.tr("&Packaging:"), self.packaging_combo)
        fa.addRow(self.tr("Re&gistry (ACR name):"), self.registry_edit)
        fa.addRow(self.tr("&App name:"), self.app_edit)
        fa.addRow("", self.app_status)
        fa.addRow(self.tr("P&lan:"), self.plan_combo)
        fa.addRow(self.tr("Storage a&ccount:"), self.storage_edit)
        fa.addRow("", self.storage_status)
        fa.addRow(self.tr("P&ython:"), self.python_combo)

        # --- cache policy
        self.ttl_spin = self.bind_spin(QSpinBox(), "cache_policy.ttl_seconds")
        self.ttl_spin.setRange(0, 30 * 24 * 3600)
        self.ttl_spin.setSuffix(" s")
        self.ttl_spin.setAccessibleName(self.tr("Cache TTL in seconds"))
        self.prefix_edit = self.bind_text(QLineEdit(), "cache_policy.key_prefix")
        self.prefix_edit.setAccessibleName(self.tr("Cache key prefix"))
        self.timeout_spin = self.bind_spin(QSpinBox(), "cache_policy.timeout_ms")
        self.timeout_spin.setRange(0, 60000)
        self.timeout_spin.setSuffix(" ms")
        self.timeout_spin.setAccessibleName(self.tr("Cache timeout in milliseconds"))
        policy_box = QGroupBox(self.tr("Inference cache"))
        pf = QFormLayout(policy_box)
        pf.addRow(self.tr("Cache &TTL:"), self.ttl_spin)
        pf.addRow(self.tr("&Key prefix:"), self.prefix_edit)
        pf.addRow(self.tr("Cache time&out:"), self.timeout_spin)
        pf.addRow(hint(self.tr("When Redis does not answer within the timeout the function computes the answer itself (fails open).")))

        self.error_banner = ErrorBanner()
        content = QWidget()
        cl = QVBoxLayout(content)
        for w in (model_box, input_box, trigger_box, app_box, policy_box, self.error_banner):
            cl.addWidget(w)
        cl.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.problem_list)

        from wizard.ui.pages.basics import NameAvailability  # one checker class for every name

        self.app_availability = NameAvailability(self, "function.app_name", lambda: "function-app", self.app_status)
        self.storage_availability = NameAvailability(self, "function.storage_account", lambda: "storage", self.storage_status)
        self.app_edit.textEdited.connect(lambda _t: self.app_availability.schedule())
        self.storage_edit.textEdited.connect(lambda _t: self.storage_availability.schedule())
        self.path_browse.clicked.connect(lambda: self._browse(self.path_edit, "model.path",
                                                                self.tr("Models (*.pkl *.joblib *.onnx *.pt);;All files (*)")))
        self.entry_browse.clicked.connect(lambda: self._browse(self.entry_edit, "model.entry_script",
                                                                  self.tr("Python scripts (*.py)")))
        self.sample_editor.edited.connect(self._sample_edited)
        self.sample_editor.valid_changed.connect(lambda _v: self.completeChanged.emit())
        self.source_group.buttonToggled.connect(lambda *_: None if self._loading else self._maybe_prefill())
        self.sample_combo.currentIndexChanged.connect(lambda *_: None if self._loading else self._sample_changed())
        self.aml_list.clicked.connect(self.list_aml_models)
        self.aml_model.currentTextChanged.connect(lambda t: None if self._loading else self.model.set("model.azureml.name", t.strip()))
        self.aml_version.currentTextChanged.connect(lambda t: None if self._loading else self.model.set("model.azureml.version", t.strip()))
        self._prefill_serial = 0
        self._aml_versions: dict[str, list[str]] = {}
        self.aml_model.currentTextChanged.connect(self._fill_versions)

    def _fit_stack(self, index: int) -> None:
        # A QStackedWidget is as tall as its tallest page; let only the shown page count.
        for i in range(self.source_stack.count()):
            policy = QSizePolicy.Policy.Preferred if i == index else QSizePolicy.Policy.Ignored
            shown = self.source_stack.widget(i)
            if shown is not None:
                shown.setSizePolicy(QSizePolicy.Policy.Preferred, policy)
        self.source_stack.adjustSize()

    # --- loading --------------------------------------------------------------------------
    def after_load(self) -> None:
        m = self.model.profile.model
        self.aml_model.setEditText(m.azureml.name)
        self.aml_version.setEditText(m.azureml.version)
        if m.sample_input is not None:
            self.sample_editor.set_value(m.sample_input)

    def initializePage(self) -> None:  # noqa: N802
        super().initializePage()
        self._maybe_prefill()
        self.app_availability.schedule()
        self.storage_availability.schedule()

    def _fill_packaging(self) -> None:
        """The target's packaging choices, recommended first; a value the target does not offer stays shown (by
        its label, marked) so the problem under the list names what is chosen."""
        p = self.model.profile
        target, value = p.target, p.function.packaging
        if self._packaging_filled == (target, value):
            return
        combo = self.packaging_combo
        combo.blockSignals(True)  # refilling is not the user choosing
        try:
            combo.clear()
            for label, choice in packaging_choices(target):
                combo.addItem(packaging_text(label), choice)
                combo.setItemData(combo.count() - 1, packaging_text(label), Qt.ItemDataRole.ToolTipRole)
            if value and combo.findData(value) < 0:
                other = packaging_words(target).get(value, value)
                combo.addItem(self.tr("%1 (not for this target)").replace("%1", other), value)
            combo.setCurrentIndex(max(combo.findData(value), 0))
        finally:
            combo.blockSignals(False)
        self._packaging_filled = (target, value) if combo.findData(value) >= 0 else None

    def mark_fields(self, problems: list[Any]) -> None:
        super().mark_fields(problems)
        if not any(p.path == "function.packaging" for p in problems):
            # The closed list cuts a long label in a narrow window: the whole of it is in the tooltip.
            self.packaging_combo.setToolTip(self.packaging_combo.currentText())

    def update_controls(self) -> None:
        p = self.model.profile
        if self._packaging_filled is None or self._packaging_filled[0] != p.target:
            self._fill_packaging()
        self.source_stack.setCurrentIndex({"sample": 0, "file": 1, "azureml": 2}.get(p.model.source, 0))
        self._fit_stack(self.source_stack.currentIndex())
        trigger = p.function.trigger.type
        set_enabled_why(self.auth_combo, trigger == "http", self.tr("Only an HTTP trigger has an authorization level."))
        for w in (self.blob_in, self.blob_out):
            set_enabled_why(w, trigger == "blob", self.tr("Used only with the Blob storage trigger."))
        for w in (self.queue_in, self.queue_out):
            set_enabled_why(w, trigger == "service-bus-queue", self.tr("Used only with the Service Bus queue trigger."))
        set_enabled_why(self.registry_edit, p.function.packaging in ("acr-build", "docker"),
                        self.tr("A registry is needed only when an image is built (ACR build or Docker)."))
        azure = p.target == "azure"
        set_enabled_why(self.aml_radio, azure or p.model.source == "azureml",
                        self.tr("An Azure ML workspace needs the Azure target (choose it on Start)."))
        set_enabled_why(self.aml_list, azure, self.tr("Sign in to Azure on the Start page to list models."))
        for combo in (self.plan_combo, self.python_combo):
            set_enabled_why(combo, azure, self.tr("On this computer the function runs in the local functions host "
                                                  "with this Python."))

    # --- sample input ---------------------------------------------------------------------
    def _sample_changed(self) -> None:
        # A new sample model has its own input shape: prefill again unless the user wrote their own.
        if self.model.profile.model.sample_input is None:
            self._maybe_prefill(force=True)

    def _maybe_prefill(self, force: bool = False) -> None:
        m = self.model.profile.model
        if m.sample_input is not None or m.source != "sample":
            if m.sample_input is None:
                self.sample_status.setText(self.tr("Type an example input: the smoke test sends it after the deployment."))
            return
        if self.sample_editor.text().strip() and not force:
            return
        self._prefill_serial += 1
        serial = self._prefill_serial
        self.sample_status.setText(self.tr("Preparing the sample model…"))
        name = m.sample
        run_in_background(lambda: _sample_input(name), on_success=lambda v: self._prefilled(serial, v),
                          on_failure=self._prefill_failed, owner=self, doing="prepare the sample model")

    def _prefilled(self, serial: int, value: Any) -> None:
        if serial != self._prefill_serial or self.model.profile.model.sample_input is not None:
            return
        self.sample_editor.set_value(value)
        self.sample_status.setText(self.tr("Prefilled from the sample model; edit it to send something else."))

    def _prefill_failed(self, error: ErrorInfo) -> None:
        self.sample_status.setText(fill(self.tr("The sample input could not be prepared: %1"), error.sentence))
        self.sample_status.setToolTip(error.detail)

    def _sample_edited(self) -> None:
        if self._loading:
            return
        try:
            value = self.sample_editor.value()
        except ValueError:
            return  # the editor shows the sentence; keep the last valid input in the profile
        self.model.set("model.sample_input", value)

    def isComplete(self) -> bool:  # noqa: N802
        return super().isComplete() and (self.sample_editor.is_valid() or not self.sample_editor.text().strip())

    # --- files and Azure ML ---------------------------------------------------------------
    def _browse(self, edit: QLineEdit, path: str, filters: str) -> None:
        base = self.model.profile.base_dir or Path.home()
        chosen, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a file"), str(base), filters)
        if chosen:
            edit.setText(chosen)
            self.model.set(path, chosen)

    def list_aml_models(self) -> None:
        session = session_of(self)
        if session is None or session.credential is None:
            self.aml_status.setText(self.tr("Sign in to Azure on the Start page first."))
            return
        profile = self.model.profile
        self.aml_status.setText(self.tr("Listing the workspace's models…"))

        def work() -> Any:
            return session.aml_models(profile)

        run_in_background(work, on_success=self._fill_aml, on_failure=self._aml_failed, owner=self, doing="list the Azure ML models")

    def _fill_aml(self, choices: list[Any]) -> None:
        self.aml_status.setText(fill(self.tr("%1 models found."), len(choices)) if choices
                                else self.tr("The workspace has no registered models."))
        self._loading = True
        try:
            self.aml_model.clear()
            self.aml_version.clear()
            versions: dict[str, list[str]] = {}
            for c in choices:
                name, _, version = str(c.id).partition(":")  # Choice id is "name:version"
                versions.setdefault(name, []).append(version)
            for name in versions:
                self.aml_model.addItem(name)
            self._aml_versions = versions
        finally:
            self._loading = False
        self._fill_versions(self.aml_model.currentText())

    def _fill_versions(self, name: str) -> None:
        self.aml_version.clear()
        for v in sorted(self._aml_versions.get(name, []), key=lambda v: (len(v), v), reverse=True):
            self.aml_version.addItem(v)

    def _aml_failed(self, error: ErrorInfo) -> None:
        self.aml_status.setText(error.sentence)
        self.aml_status.setToolTip(error.detail)
