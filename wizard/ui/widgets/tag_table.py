"""An editable name/value table for Azure tags, showing rule problems next to the cells."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wizard.rules import Problem
from wizard.ui.translation import fill

_ERROR = QBrush(QColor("#fde7e9"))
_WARNING = QBrush(QColor("#fff8e1"))


class TagTable(QWidget):
    """`tags()` -> dict; `duplicates()` names typed twice; `edited` after every change."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Value")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName(self.tr("Tags"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(True)
        self.add_button = QPushButton(self.tr("&Add tag"))
        self.add_button.setAccessibleName(self.tr("Add tag"))
        self.remove_button = QPushButton(self.tr("&Remove tag"))
        self.remove_button.setAccessibleName(self.tr("Remove selected tag"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self._loading = False
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.itemChanged.connect(self._changed)

    def set_tags(self, tags: dict[str, str]) -> None:
        self._loading = True
        try:
            self.table.setRowCount(0)
            for name, value in tags.items():
                self._append(name, value)
        finally:
            self._loading = False

    def _append(self, name: str, value: str) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(name))
        self.table.setItem(row, 1, QTableWidgetItem(value))
        return row

    def add_row(self, name: str = "", value: str = "") -> int:
        self._loading = True
        try:
            row = self._append(name if isinstance(name, str) else "", value)
        finally:
            self._loading = False
        self.table.setCurrentCell(row, 0)
        item = self.table.item(row, 0)
        if item is not None:
            self.table.editItem(item)
        self.edited.emit()
        return row

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()} or {self.table.currentRow()}, reverse=True)
        for row in rows:
            if row >= 0:
                self.table.removeRow(row)
        self.edited.emit()

    def rows(self) -> list[tuple[str, str]]:
        out = []
        for row in range(self.table.rowCount()):
            name = self.table.item(row, 0)
            value = self.table.item(row, 1)
            out.append((name.text() if name else "", value.text() if value else ""))
        return out

    def tags(self) -> dict[str, str]:
        """Rows with a name; a name typed twice keeps its last value (see `duplicates()`)."""
        return {name: value for name, value in self.rows() if name.strip()}

    def duplicates(self) -> list[str]:
        seen: set[str] = set()
        dups = []
        for name, _ in self.rows():
            if name and name in seen and name not in dups:
                dups.append(name)
            seen.add(name)
        return dups

    def show_problems(self, problems: list[Problem]) -> None:
        """Colour and explain the cells the problems point at (path "tags.<name>")."""
        self._loading = True
        try:
            by_name: dict[str, list[Problem]] = {}
            for p in problems:
                if p.path.startswith("tags."):
                    by_name.setdefault(p.path[len("tags."):], []).append(p)
            dups = set(self.duplicates())
            for row in range(self.table.rowCount()):
                name_item = self.table.item(row, 0)
                name = name_item.text() if name_item else ""
                found = list(by_name.get(name, []))
                messages = [p.message for p in found]
                error = any(p.severity == "error" for p in found)
                if name in dups:
                    messages.append(fill(self.tr("The tag name '%1' is used twice; each name can appear once."), name))
                    error = True
                brush = _ERROR if error else (_WARNING if messages else QBrush())
                for col in range(2):
                    item = self.table.item(row, col)
                    if item is not None:
                        item.setBackground(brush)
                        item.setToolTip("\n".join(messages))
        finally:
            self._loading = False

    def _changed(self, _item: QTableWidgetItem) -> None:
        if not self._loading:
            self.edited.emit()
