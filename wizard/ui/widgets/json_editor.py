"""A JSON text editor that says, in a sentence, where the JSON is broken."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from wizard.ui.translation import fill


class JsonEditor(QWidget):
    """`value()` -> parsed JSON or raises ValueError with a sentence; `valid_changed(bool)`."""

    valid_changed = Signal(bool)
    edited = Signal()

    def __init__(self, parent: QWidget | None = None, accessible_name: str = ""):
        super().__init__(parent)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setObjectName("jsonEditor")
        self.text_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text_edit.setAccessibleName(accessible_name or self.tr("JSON input"))
        self.text_edit.setTabChangesFocus(True)  # keyboard users can leave the editor with Tab
        self.status = QLabel()
        self.status.setObjectName("problemError")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text_edit)
        layout.addWidget(self.status)
        self.status.hide()
        self._valid = True
        self._loading = False
        self.text_edit.textChanged.connect(self._on_text)

    def set_value(self, value: Any) -> None:
        self._loading = True
        try:
            self.text_edit.setPlainText("" if value is None else pretty(value))
        finally:
            self._loading = False
        self._on_text(emit_edit=False)

    def text(self) -> str:
        return self.text_edit.toPlainText()

    def set_text(self, text: str) -> None:
        self.text_edit.setPlainText(text)

    def value(self) -> Any:
        text = self.text().strip()
        if not text:
            raise ValueError(self.tr("The input is empty. Type the JSON to send, for example {\"data\": [[...]]}."))
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(fill(self.tr("The input is not valid JSON: %1 at line %2, column %3."),
                                  self._json_phrase(exc.msg), exc.lineno, exc.colno)) from None

    def _json_phrase(self, msg: str) -> str:
        """The json module's own English phrase ("Expecting value") in the user's language; a rare one not listed
        here stays as the module words it."""
        phrases = {
            "Expecting value": self.tr("Expecting value"),
            "Expecting property name enclosed in double quotes": self.tr(
                "Expecting property name enclosed in double quotes"),
            "Expecting ':' delimiter": self.tr("Expecting ':' delimiter"),
            "Expecting ',' delimiter": self.tr("Expecting ',' delimiter"),
            "Unterminated string starting at": self.tr("Unterminated string starting at"),
            "Invalid control character at": self.tr("Invalid control character at"),
            "Extra data": self.tr("Extra data"),
        }
        return phrases.get(msg, msg)

    def is_valid(self) -> bool:
        return self._valid

    def _on_text(self, emit_edit: bool = True) -> None:
        try:
            self.value()
            valid, message = True, ""
        except ValueError as exc:
            valid, message = False, str(exc)
        self.status.setText(message)
        self.status.setVisible(not valid)
        if valid != self._valid:
            self._valid = valid
            self.valid_changed.emit(valid)
        if emit_edit and not self._loading:
            self.edited.emit()


def pretty(value: Any) -> str:
    """Indented JSON, but short lists of numbers kept on one line so a 64-float row stays readable."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    if len(text) < 200_000:
        try:
            return _compact_number_lists(value, 0)
        except (TypeError, ValueError):
            return text
    return text


def _compact_number_lists(value: Any, depth: int) -> str:
    pad = "  " * depth
    inner = "  " * (depth + 1)
    if isinstance(value, list):
        if all(isinstance(v, (int, float, bool)) or v is None for v in value):
            return json.dumps(value)
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + _compact_number_lists(v, depth + 1) for v in value) + "\n" + pad + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(str(k))}: {_compact_number_lists(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    return json.dumps(value, ensure_ascii=False)
