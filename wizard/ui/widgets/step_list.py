"""The plan's steps as a list: state icon, title, per-step progress, duration."""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHeaderView, QProgressBar, QTreeWidget, QTreeWidgetItem, QWidget

from wizard.core.events import StepEvent
from wizard.ui.resources import state_icon
from wizard.ui.translation import fill

STATES = ("pending", "running", "done", "skipped", "blocked", "failed", "cancelled", "retrying")
_KIND_TO_STATE = {
    "started": "running",
    "finished": "done",
    "skipped": "skipped",
    "failed": "failed",
    "cancelled": "cancelled",
    "retrying": "retrying",
}


@dataclass
class StepRow:
    name: str
    title: str
    item: QTreeWidgetItem
    bar: QProgressBar
    state: str = "pending"
    started: float | None = None
    duration_s: float | None = None
    message: str = ""


class StepList(QTreeWidget):
    """One row per step; `apply(event)` moves a row through its states."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setColumnCount(3)
        self.setHeaderLabels([self.tr("Step"), self.tr("Progress"), self.tr("Time")])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAccessibleName(self.tr("Deployment steps"))
        header = self.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.setColumnWidth(1, 150)
        self.rows: dict[str, StepRow] = {}
        self._ticker = QTimer(self)  # running steps show their elapsed time
        self._ticker.setInterval(500)
        self._ticker.timeout.connect(self._tick)

    def set_steps(self, steps: list[tuple[str, str]]) -> None:
        """(name, title) pairs in plan order; keeps the state of rows already known."""
        old = self.rows
        self.clear()
        self.rows = {}
        for name, title in steps:
            item = QTreeWidgetItem([title, "", ""])
            self.addTopLevelItem(item)
            bar = QProgressBar()
            bar.setRange(0, 100)
            bar.setTextVisible(False)
            bar.setAccessibleName(fill(self.tr("Progress of %1"), title))
            self.setItemWidget(item, 1, bar)
            row = StepRow(name, title, item, bar)
            self.rows[name] = row
            previous = old.get(name)
            self._show(row, previous.state if previous else "pending")

    def ensure(self, name: str) -> StepRow:
        if name not in self.rows:
            self.set_steps([(r.name, r.title) for r in self.rows.values()] + [(name, name)])
        return self.rows[name]

    def apply(self, event: StepEvent) -> None:
        if not event.step:
            return
        row = self.ensure(event.step)
        if event.kind == "progress":
            if row.state in ("running", "retrying") and event.fraction is not None:
                row.bar.setValue(int(max(0.0, min(1.0, event.fraction)) * 100))
            if event.message:
                row.item.setToolTip(0, event.message)
            return
        state = _KIND_TO_STATE.get(event.kind)
        if state is None:
            return
        if state == "skipped" and (event.state in ("blocked", "not-started")
                                   or (not event.state and row.state not in ("running", "retrying"))):
            # event.state (wizard.core.lifecycle) says which "skipped" this is: adopted (done) or never
            # started (blocked / not-started); events without one fall back to the row's own state.
            state = "blocked"
        if state == "running":
            row.started = event.time
            row.duration_s = None
            row.bar.setValue(0)
        if event.duration_s is not None:
            row.duration_s = event.duration_s
        elif state in ("done", "failed", "cancelled") and row.started is not None:
            row.duration_s = event.time - row.started
        if state in ("done", "skipped"):
            row.bar.setValue(100)
        row.message = event.message
        self._show(row, state)
        if event.message:
            row.item.setToolTip(0, event.message)

    def reset_unfinished(self) -> None:
        """Before a retry: failed/cancelled rows go back to pending; finished ones stay."""
        for row in self.rows.values():
            if row.state not in ("done", "skipped"):
                row.started = None
                row.duration_s = None
                row.bar.setValue(0)
                self._show(row, "pending")

    def states(self) -> dict[str, str]:
        return {name: row.state for name, row in self.rows.items()}

    def _show(self, row: StepRow, state: str) -> None:
        row.state = state
        row.item.setIcon(0, state_icon(state))
        row.item.setData(0, Qt.ItemDataRole.AccessibleDescriptionRole, self.state_word(state))
        row.item.setText(2, _format_duration(row))
        if any(r.state in ("running", "retrying") for r in self.rows.values()):
            self._ticker.start()
        else:
            self._ticker.stop()

    def state_word(self, state: str) -> str:
        """What a screen reader says for a row's state icon, in the user's language."""
        words = {"pending": self.tr("pending"), "running": self.tr("running"), "done": self.tr("done"),
                 "skipped": self.tr("skipped"), "blocked": self.tr("blocked"), "failed": self.tr("failed"),
                 "cancelled": self.tr("cancelled"), "retrying": self.tr("retrying")}
        return words.get(state, state)

    def _tick(self) -> None:
        for row in self.rows.values():
            if row.state in ("running", "retrying"):
                row.item.setText(2, _format_duration(row))


def _format_duration(row: StepRow) -> str:
    seconds = row.duration_s
    if seconds is None and row.started is not None and row.state in ("running", "retrying"):
        seconds = time.time() - row.started
    if seconds is None:
        return ""
    if seconds < 60:
        return f"{seconds:.1f} s"
    return f"{int(seconds // 60)} min {int(seconds % 60)} s"
