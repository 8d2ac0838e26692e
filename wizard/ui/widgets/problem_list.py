"""The rule problems of a page as sentences: errors (block Next) and warnings (do not)."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from wizard.rules import Problem


class ProblemList(QFrame):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("problemBox")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setAccessibleName(self.tr("Problems"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.label)
        self.problems: list[Problem] = []
        self.hide()

    def set_problems(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        if not problems:
            self.hide()
            self.label.clear()
            return
        has_error = any(p.severity == "error" for p in problems)
        self.setProperty("severity", "error" if has_error else "warning")
        self.style().unpolish(self)
        self.style().polish(self)
        rows, spoken = [], []
        for p in sorted(problems, key=lambda p: p.severity != "error"):
            colour = "#a4262c" if p.severity == "error" else "#7a5a00"
            word = self.tr("Error") if p.severity == "error" else self.tr("Warning")
            where = ""  # the field is outlined on the page and named in the sentence; no internal paths
            rows.append(f"<span style='color:{colour}'><b>{word}:</b> {html.escape(p.message)}</span>{where}")
            spoken.append(f"{word}: {p.message}")  # a screen reader says the same words the box shows
        self.label.setText("<br>".join(rows))
        self.label.setAccessibleDescription("; ".join(spoken))
        self.show()

    def texts(self) -> list[str]:
        return [p.message for p in self.problems]
