"""An error shown as a sentence, with the technical detail one click away."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from wizard.ui.workers import ErrorInfo


class ErrorBanner(QFrame):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.sentence = QLabel()
        self.sentence.setWordWrap(True)
        self.sentence.setAccessibleName(self.tr("Error"))
        self.details_button = QPushButton(self.tr("Show details"))
        self.details_button.setCheckable(True)
        self.details_button.setAccessibleName(self.tr("Show error details"))
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setAccessibleName(self.tr("Error details"))
        self.detail.setMaximumHeight(140)
        self.detail.hide()
        top = QHBoxLayout()
        top.addWidget(self.sentence, 1)
        top.addWidget(self.details_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(top)
        layout.addWidget(self.detail)
        self.details_button.toggled.connect(self._toggle)
        self.hide()

    def show_error(self, error: ErrorInfo | str, detail: str = "") -> None:
        if isinstance(error, ErrorInfo):
            sentence, detail = error.sentence, error.detail
        else:
            sentence = error
        self.sentence.setText(sentence)
        self.detail.setPlainText(detail)
        self.details_button.setVisible(bool(detail))
        self.details_button.setChecked(False)
        self.show()

    def clear(self) -> None:
        self.sentence.clear()
        self.detail.clear()
        self.hide()

    def text(self) -> str:
        return self.sentence.text() if self.isVisible() or self.sentence.text() else ""

    def _toggle(self, on: bool) -> None:
        self.detail.setVisible(on)
        self.details_button.setText(self.tr("Hide details") if on else self.tr("Show details"))
