"""Page 9, Test: send JSON to the deployed function, see status, latency and X-Cache; repeat; copy as curl."""

from __future__ import annotations

import json
import shlex
import time
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from wizard.i18n import _
from wizard.secrets import mask
from wizard.ui.pages.base import PageId, credential_of, session_of
from wizard.ui.profile_model import ProfileModel
from wizard.ui.widgets.error_banner import ErrorBanner
from wizard.ui.widgets.json_editor import JsonEditor, pretty
from wizard.ui.widgets.log_panel import LogPanel
from wizard.ui.widgets.secret_label import SecretLabel
from wizard.ui.workers import ErrorInfo, run_in_background


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


def curl_command(url: str, key: str | None, header: str, body: str, *, reveal: bool) -> str:
    parts = ["curl", "-sS", "-X", "POST", shlex.quote(url), "-H", shlex.quote("Content-Type: application/json")]
    if key:
        shown = key if reveal else mask(key)
        parts += ["-H", shlex.quote(f"{header or 'x-functions-key'}: {shown}")]
    parts += ["-d", shlex.quote(body)]
    return " ".join(parts)


_REFUSED = ("Connection refused", "ConnectionRefused", "NewConnectionError", "Max retries exceeded",
            "Failed to establish a new connection", "RemoteDisconnected", "Connection aborted", "timed out")


def unreachable_sentence(sentence: str, url: str) -> str:
    """A connection failure as one sentence (the library's own text stays in the detail)."""
    if not any(marker in sentence for marker in _REFUSED):
        return sentence
    where = url or _("the function")
    if "timed out" in sentence:
        return _("The function at {where} did not answer in time. It may be starting or overloaded: try Send again.").format(
            where=where)
    return _("The function at {where} does not answer (the connection was refused). It is not running: reopen the "
             "deployment from Start and Resume it, or check `mlfunc-wizard status`.").format(where=where)


def _sample_input(profile: Any) -> Any:
    if profile.model.sample_input is not None:
        return profile.model.sample_input
    if profile.model.source == "sample":
        from wizard.appgen.samples import ensure_sample

        return ensure_sample(profile.model.sample).sample_input
    return None


class _KnownEndpoint:
    """The `target` handed to deployment.invoke for a deployment found in Azure by its tags: it has no journal,
    so its endpoint comes from the session (Session.tagged_endpoint), looked up once on the page."""

    def __init__(self, endpoint: Any):
        self._endpoint = endpoint

    def endpoint(self, _profile: Any, _outputs: Any) -> Any:
        return self._endpoint


class TestPage(QWizardPage):
    """Works for any finished deployment, local or Azure (every request runs in a worker)."""

    sent = Signal(object)  # one InvokeResult, after it is shown (tests wait on it)

    def __init__(self, model: ProfileModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.setTitle(self.tr("Test"))
        self.setSubTitle(self.tr("A new input is computed by the model (MISS); the same input again comes from Redis (HIT). "
                         "The smoke test already sent the sample, so change a number in each row to see a MISS."))
        self.setFinalPage(True)
        self.editor = JsonEditor(accessible_name=self.tr("Request body"))
        self.send_button = QPushButton(self.tr("&Send"))
        self.send_button.setAccessibleName(self.tr("Send request"))
        self.send_button.setDefault(False)
        self.repeat_spin = QSpinBox()
        self.repeat_spin.setRange(2, 1000)
        self.repeat_spin.setValue(20)
        self.repeat_spin.setAccessibleName(self.tr("Number of requests"))
        self.repeat_button = QPushButton(self.tr("Send N &times"))
        self.repeat_button.setAccessibleName(self.tr("Send the request N times"))
        self.status_label = QLabel(self.tr("—"))
        self.status_label.setAccessibleName(self.tr("HTTP status"))
        self.latency_label = QLabel(self.tr("—"))
        self.latency_label.setAccessibleName(self.tr("Latency"))
        self.cache_label = QLabel(self.tr("—"))
        self.cache_label.setAccessibleName(self.tr("X-Cache"))
        self.version_label = QLabel(self.tr("—"))
        self.version_label.setAccessibleName(self.tr("Model version"))
        self.stats_label = QLabel("")
        self.stats_label.setAccessibleName(self.tr("Statistics of repeated requests"))
        self.stats_label.setWordWrap(True)
        self.response = QPlainTextEdit()
        self.response.setObjectName("responseView")
        self.response.setReadOnly(True)
        self.response.setAccessibleName(self.tr("Response"))
        self.history = QTableWidget(0, 5)
        self.history.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Status"), self.tr("Latency"), self.tr("X-Cache"), self.tr("Body")])
        self.history.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setAccessibleName(self.tr("Request history"))
        self.history.verticalHeader().hide()
        self.history.setTabKeyNavigation(False)  # Tab leaves the table (arrow keys still move between cells)
        self.url_label = QLabel(self.tr("(looking up the endpoint…)"))
        self.url_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.url_label.setAccessibleName(self.tr("Function URL"))
        self.key_label = SecretLabel(accessible_name=self.tr("Function key"))
        self.copy_curl = QPushButton(self.tr("Copy as c&url"))
        self.copy_curl.setAccessibleName(self.tr("Copy the request as a curl command"))
        self.cleanup_button = QPushButton(self.tr("C&lean up…"))
        self.cleanup_button.setAccessibleName(self.tr("Clean up: delete the deployment"))
        self.error_banner = ErrorBanner()

        endpoint_box = QGroupBox(self.tr("Endpoint"))
        ef = QFormLayout(endpoint_box)
        ef.addRow(self.tr("URL:"), self.url_label)
        ef.addRow(self.tr("Key:"), self.key_label)
        request_box = QGroupBox(self.tr("Request"))
        rl = QVBoxLayout(request_box)
        rl.addWidget(self.editor, 1)
        row = QHBoxLayout()
        row.addWidget(self.send_button)
        row.addWidget(self.repeat_button)
        row.addWidget(self.repeat_spin)
        row.addStretch(1)
        row.addWidget(self.copy_curl)
        rl.addLayout(row)
        response_box = QGroupBox(self.tr("Response"))
        rs = QVBoxLayout(response_box)
        # Two rows of two facts: fits half of an 800-pixel window. Values may be long (a model version, an
        # X-Cache header): they are elided by width, never widen the box, and show in full in their tooltip.
        facts = QGridLayout()
        for i, (title, label) in enumerate(((self.tr("Status"), self.status_label), (self.tr("Latency"), self.latency_label),
                                            (self.tr("X-Cache"), self.cache_label), (self.tr("Model version"), self.version_label))):
            name = QLabel(f"<b>{title}:</b>")
            name.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.setMinimumWidth(40)
            facts.addWidget(name, i // 2, 2 * (i % 2))
            facts.addWidget(label, i // 2, 2 * (i % 2) + 1)
        facts.setColumnStretch(1, 1)
        facts.setColumnStretch(3, 1)
        rs.addLayout(facts)
        rs.addWidget(self.stats_label)
        rs.addWidget(self.response, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        tl = QHBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        # Equal halves whatever the response holds (a stretch alone lets the longer content win width).
        for box in (request_box, response_box):
            box.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            box.setMinimumWidth(300)
        tl.addWidget(request_box, 1)
        tl.addWidget(response_box, 1)
        split.addWidget(top)
        split.addWidget(self.history)
        self.logs = LogPanel(lambda: (self.model.profile, credential_of(self)))  # issue 15: follows the app's log
        split.addWidget(self.logs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(endpoint_box)
        layout.addWidget(split, 1)
        layout.addWidget(self.error_banner)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.cleanup_button)
        layout.addLayout(bottom)

        self.send_button.clicked.connect(self.send)
        self.repeat_button.clicked.connect(self.send_repeated)
        self.copy_curl.clicked.connect(self.copy_as_curl)
        self.cleanup_button.clicked.connect(self._go_cleanup)
        self.editor.valid_changed.connect(lambda _v: self._update_buttons())
        self.key_label.reveal.toggled.connect(lambda _on: None)
        self.endpoint: Any = None
        self.results: list[Any] = []
        self.busy = False
        self.found = False  # the deployment was found in Azure by its tags (no journal)
        self._prefilled = False
        self._sending_text = ""

    # --- page life ------------------------------------------------------------------------
    def _found_in_azure(self) -> bool:
        w = self.wizard()
        start = w.page(int(PageId.START)) if w is not None else None
        found = getattr(start, "found_reopened", None)
        return bool(found()) if callable(found) else False

    def initializePage(self) -> None:  # noqa: N802
        profile = self.model.profile
        credential = credential_of(self)
        self.found = self._found_in_azure()
        self.endpoint = None
        self.error_banner.clear()
        if not self._prefilled or not self.editor.text().strip():
            self._prefilled = True
            run_in_background(lambda: _sample_input(profile), on_success=self._prefill,
                              on_failure=self.error_banner.show_error, owner=self, doing="prepare the sample input")
        session = session_of(self)

        def lookup() -> Any:
            if self.found and session is not None:
                return session.tagged_endpoint(profile)  # no journal: the function app in the group, by the session
            from wizard import deployment

            return deployment.endpoint(profile, credential=credential)

        run_in_background(lookup, on_success=self._show_endpoint, on_failure=self._endpoint_failed,
                          owner=self, doing="look up the function's address")
        self._update_buttons()

    def _prefill(self, value: Any) -> None:
        if value is not None and not self.editor.text().strip():
            self.editor.set_value(value)

    def _show_endpoint(self, found: Any) -> None:
        endpoint = found
        if self.found and found is not None:  # (app name, endpoint) of a deployment found by its tags
            app, endpoint = found
            self._name_found_app(app)
        if endpoint is None:  # found by its tags, but its group holds no function app
            self.url_label.setText(self.tr("(unknown)"))
            self.error_banner.show_error(
                self.tr("The resource group %1 holds no function app, so there is nothing to test: go Back and clean "
                        "it up.").replace("%1", self.model.profile.resource_group.name))
            return
        self.endpoint = endpoint
        self.url_label.setText(endpoint.url)
        self.key_label.set_secret(endpoint.key or None)

    def _name_found_app(self, app: str) -> None:
        """The found app's name goes into the profile (the Logs panel follows that app); it is what Azure holds,
        not an edit, so the profile stays without unsaved changes."""
        if not app or self.model.profile.function.app_name == app:
            return
        clean = not self.model.is_dirty()
        self.model.set("function.app_name", app)
        if clean:
            self.model.mark_saved()

    def _endpoint_failed(self, error: ErrorInfo) -> None:
        self.url_label.setText(self.tr("(unknown)"))
        self.error_banner.show_error(error)

    def _go_cleanup(self) -> None:
        w = self.wizard()
        if w is not None:
            w.next()

    # --- sending --------------------------------------------------------------------------
    def _body(self) -> Any | None:
        try:
            return self.editor.value()
        except ValueError as exc:
            self.error_banner.show_error(str(exc))
            return None

    def send(self) -> None:
        data = self._body()
        if data is None or self.busy:
            return
        self._run([data] * 1, single=True)

    def send_repeated(self) -> None:
        data = self._body()
        if data is None or self.busy:
            return
        self._run([data] * self.repeat_spin.value(), single=False)

    def _run(self, bodies: list[Any], single: bool) -> None:
        profile = self.model.profile
        credential = credential_of(self)
        self.busy = True
        self._update_buttons()
        self.error_banner.clear()
        self._sending_text = self.tr("Sending…") if single else self.tr("Sending %1 requests…").replace("%1", str(len(bodies)))
        self.stats_label.setText(self._sending_text)

        known = _KnownEndpoint(self.endpoint) if self.found and self.endpoint is not None else None

        def work() -> list[Any]:
            from wizard import deployment

            return [deployment.invoke(profile, body, credential=credential, target=known)  # type: ignore[arg-type]
                    for body in bodies]

        run_in_background(work, on_success=lambda results: self._show_results(results, single),
                          on_failure=self._send_failed, on_done=self._done, owner=self, doing="call the function")

    def _send_failed(self, error: ErrorInfo) -> None:
        self.stats_label.setText("")
        self.error_banner.show_error(ErrorInfo(unreachable_sentence(error.sentence, self._url()), error.detail))

    def _url(self) -> str:
        return self.endpoint.url if self.endpoint is not None else ""

    def _done(self) -> None:
        self.busy = False
        if self._sending_text and self.stats_label.text() == self._sending_text:
            self.stats_label.setText("")  # the spinner text never outlives the request
        self._update_buttons()

    def _show_results(self, results: list[Any], single: bool) -> None:
        for r in results:
            self.results.append(r)
            self._add_history(r)
        last = results[-1]
        self.status_label.setText(str(last.status))
        self.status_label.setStyleSheet("color:#107c10" if 200 <= last.status < 300 else "color:#a4262c")
        self.latency_label.setText(f"{last.latency_ms:.1f} ms")
        self.cache_label.setText(last.x_cache or self.tr("(none)"))
        self.version_label.setText(last.model_version or "—")
        for label in (self.status_label, self.latency_label, self.cache_label, self.version_label):
            label.setToolTip(label.text())
        self.response.setPlainText(pretty(last.json) if last.json is not None else last.body)
        if single:
            self.stats_label.setText("")
        else:
            latencies = [r.latency_ms for r in results]
            hits = sum(1 for r in results if r.x_cache.upper() == "HIT")
            ok = sum(1 for r in results if 200 <= r.status < 300)
            self.stats_label.setText(
                self.tr("%1 requests, %2 OK — p50 %3 ms, p95 %4 ms, cache hit ratio %5")
                .replace("%1", str(len(results))).replace("%2", str(ok))
                .replace("%3", f"{percentile(latencies, 50):.1f}").replace("%4", f"{percentile(latencies, 95):.1f}")
                .replace("%5", f"{hits / len(results):.0%}")
            )
        for r in results:
            self.sent.emit(r)

    def _add_history(self, r: Any) -> None:
        self.history.insertRow(0)
        body = (r.body or "").replace("\n", " ")
        values = [time.strftime("%H:%M:%S"), str(r.status), f"{r.latency_ms:.1f} ms", r.x_cache or "", body[:200]]
        for col, text in enumerate(values):
            self.history.setItem(0, col, QTableWidgetItem(text))
        if self.history.rowCount() > 500:  # bounded, like the log
            self.history.removeRow(self.history.rowCount() - 1)

    # --- curl -----------------------------------------------------------------------------
    def curl_text(self) -> str:
        if self.endpoint is None:
            return ""
        body = json.dumps(self._body() if self.editor.is_valid() else None, separators=(",", ":"))
        return curl_command(self.endpoint.url, self.endpoint.key or None, self.endpoint.auth_header, body,
                            reveal=self.key_label.revealed())

    def copy_as_curl(self) -> None:
        text = self.curl_text()
        if text:
            QGuiApplication.clipboard().setText(text)
            self.stats_label.setText(self.tr("Copied the curl command.") if self.key_label.revealed()
                                     else self.tr("Copied the curl command (key masked; tick Reveal to copy it in full)."))

    def _update_buttons(self) -> None:
        ok = not self.busy and self.editor.is_valid()
        self.send_button.setEnabled(ok)
        self.repeat_button.setEnabled(ok)
