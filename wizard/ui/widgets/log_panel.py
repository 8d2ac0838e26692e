"""The Test page's Logs panel: follows the deployment's log stream (wizard.deployment.logs, as `mlfunc-wizard logs`)
in a worker, shown in the deploy page's bounded, per-frame LogView; Start and Stop."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from wizard.ui.widgets.log_view import LogView
from wizard.ui.workers import ErrorInfo, Operation, run_in_background

MAX_BLOCKS = 20000  # as the deploy log
PREFERRED_HEIGHT = 150


class LogPanel(QGroupBox):
    """`source()` answers (profile, credential) of the deployment to follow, asked again at each Start."""

    linesPending = Signal()  # emitted from the worker when the view's buffer was empty: wake the view once
    following_changed = Signal(bool)

    def __init__(self, source: Callable[[], tuple[Any, Any]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("Logs"))
        self._source = source
        self.view = LogView(self, max_blocks=MAX_BLOCKS)
        self.view.setAccessibleName(self.tr("Function app log"))
        # A splitter pane on the Test page: it takes the room it is given and never makes an 800x600 window taller.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        self.start_button = QPushButton(self.tr("Start"))
        self.start_button.setToolTip(self.tr("Follow the function app's log live (like `mlfunc-wizard logs`)"))
        self.stop_button = QPushButton(self.tr("Stop"))
        self.status = QLabel(self.tr("Not following the log."))
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.start_button)
        row.addWidget(self.stop_button)
        row.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.view, 1)
        self.start_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        self.linesPending.connect(self.view.wake)  # queued: emitted from the worker thread
        self._cancel: threading.Event | None = None
        self._operation: Operation | None = None
        self._failed_sentence = False
        self._update_buttons()

    @property
    def following(self) -> bool:
        return self._operation is not None and not self._operation.finished

    def start(self) -> None:
        if self.following:
            return
        profile, credential = self._source()
        cancel = threading.Event()
        buffer, wake = self.view.buffer, self.linesPending

        def follow() -> None:  # worker thread: no widget is touched here, only the thread-safe buffer
            from wizard import deployment

            for line in deployment.logs(profile, follow=True, cancel_event=cancel, credential=credential):
                if buffer.append(line.line):
                    try:
                        wake.emit()
                    except RuntimeError:  # the panel is gone (window closed): stop following
                        cancel.set()

        self._cancel = cancel
        self._failed_sentence = False
        self.status.setText(self.tr("Following the log of {name}…").format(name=profile.name))
        self._operation = run_in_background(follow, on_failure=self._failed, on_done=self._stopped, owner=self,
                                            doing="follow the function app's log")
        self._update_buttons()
        self.following_changed.emit(True)

    def stop(self) -> None:
        """Ask the worker to stop; it returns within a poll (a file) or once its socket is shut (Azure)."""
        if self._cancel is not None:
            self._cancel.set()
            self.status.setText(self.tr("Stopping…"))

    def _failed(self, error: ErrorInfo) -> None:
        self._failed_sentence = True
        self.status.setText(error.sentence)
        self.status.setToolTip(error.detail)

    def _stopped(self) -> None:
        stopped_by_user = self._cancel is not None and self._cancel.is_set()
        self._cancel, self._operation = None, None  # (Operation.finished is set only after this callback)
        if not self._failed_sentence:  # a failure's sentence stays until the next Start
            self.status.setText(self.tr("Stopped.") if stopped_by_user else self.tr("The log stream ended."))
        self._update_buttons()
        self.following_changed.emit(False)

    def _update_buttons(self) -> None:
        following = self.following
        self.start_button.setEnabled(not following)
        self.stop_button.setEnabled(following)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt name
        # A few lines tall at first: the request and response keep the room; drag the splitter for more.
        hint = super().sizeHint()
        return QSize(hint.width(), min(hint.height(), PREFERRED_HEIGHT))

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt name
        # Leaving the Test page (or closing the window) stops following: nothing reads a log nobody sees.
        self.stop()
        super().hideEvent(event)
