"""Shows a secret masked (abcd…wxyz) unless the user deliberately reveals it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QWidget

from wizard.secrets import mask
from wizard.ui.translation import fill


class SecretLabel(QWidget):
    def __init__(self, parent: QWidget | None = None, accessible_name: str = ""):
        super().__init__(parent)
        self._secret: str | None = None
        self.label = QLabel()
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        accessible_name = accessible_name or self.tr("Key")
        self.label.setAccessibleName(accessible_name)
        self.reveal = QCheckBox(self.tr("Reveal"))
        self.reveal.setAccessibleName(fill(self.tr("Reveal %1"), accessible_name.lower()))
        self.reveal.setToolTip(self.tr("Shows the key in full. Anyone who sees it can call the function."))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.reveal)
        self.reveal.toggled.connect(self._refresh)
        self._refresh()

    def set_secret(self, secret: str | None) -> None:
        self._secret = secret or None
        self.reveal.setChecked(False)
        self._refresh()

    def secret(self) -> str | None:
        return self._secret

    def revealed(self) -> bool:
        return self.reveal.isChecked() and self._secret is not None

    def shown_text(self) -> str:
        if self._secret is None:
            return self.tr("(none: anonymous access)")
        return self._secret if self.reveal.isChecked() else mask(self._secret)

    def _refresh(self) -> None:
        self.reveal.setEnabled(self._secret is not None)
        self.label.setText(self.shown_text())
