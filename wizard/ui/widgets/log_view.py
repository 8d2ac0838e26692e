"""A live log view that stays smooth under floods: bounded lines, appended in chunks per frame."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer, Slot
from PySide6.QtGui import QFontDatabase, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from wizard.ui.translation import fill
from wizard.ui.workers import LogBuffer

FRAME_MS = 16
# Work per frame; the chunk size adapts so that one append stays around this budget.
BUDGET_MS = 8.0
MAX_CHUNK = 2000  # a bigger single append (and the matching trim at the top) can take tens of ms


class LogView(QPlainTextEdit):
    """Read-only log. Producers put lines in `buffer` (any thread) and call `wake()` (UI thread)."""

    def __init__(self, parent: QWidget | None = None, max_blocks: int = 20000):
        super().__init__(parent)
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setMaximumBlockCount(max_blocks)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setAccessibleName(self.tr("Deployment log"))
        self.buffer = LogBuffer(max_lines=max_blocks)
        self.blocks_max = 0  # the most blocks the document ever held (bench reports it)
        self.flush_ms_max = 0.0  # longest single append (bench reports it)
        self.skipped_total = 0  # lines overtaken in the buffer before they could be shown
        self._chunk = 500
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self.flush_once)

    @Slot()
    def wake(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def append_lines(self, lines: list[str]) -> None:
        """Queue lines from the UI thread (the same path as the worker threads)."""
        if lines:
            self.buffer.extend(lines)
            self.wake()

    @Slot()
    def flush_once(self) -> None:
        lines, dropped = self.buffer.take(self._chunk)
        if not lines and not dropped:
            self._timer.stop()
            return
        if dropped:
            self.skipped_total += dropped
            self.setToolTip(fill(self.tr("%1 lines were not shown: the view keeps the latest %2."),
                                 self.skipped_total, self.maximumBlockCount()))
            lines.insert(0, fill(self.tr("… %1 earlier lines not shown (the log view keeps the latest %2)."),
                                 dropped, self.maximumBlockCount()))
        bar = self.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum() - 2
        started = time.perf_counter()
        if at_bottom:
            self.appendPlainText("\n".join(lines))
        else:  # the user scrolled up to read: append without jumping
            position = bar.value()
            cursor = QTextCursor(self.document())
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertText(("\n" if not self.document().isEmpty() else "") + "\n".join(lines))
            bar.setValue(position)
        elapsed_ms = (time.perf_counter() - started) * 1000
        self.flush_ms_max = max(self.flush_ms_max, elapsed_ms)
        # Grow or shrink the chunk toward the frame budget.
        if elapsed_ms < BUDGET_MS / 2:
            self._chunk = min(self._chunk * 2, MAX_CHUNK)
        elif elapsed_ms > BUDGET_MS:
            self._chunk = max(self._chunk // 2, 50)
        self.blocks_max = max(self.blocks_max, self.document().blockCount())

    def flush_all(self) -> None:
        """Show everything queued now (tests, and before saving the log)."""
        while len(self.buffer):
            self.flush_once()
        self.flush_once()

    def clear_log(self) -> None:
        self.buffer.take(len(self.buffer) + 1)
        self.clear()
