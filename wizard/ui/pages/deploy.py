"""Page 8, Deploy: runs the plan in the background with live steps, progress and log; Cancel, Retry/Resume."""

from __future__ import annotations

import copy
import logging
import time
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from wizard.core.events import StepEvent
from wizard.ui.pages.base import PageId, credential_of
from wizard.ui.profile_model import ProfileModel
from wizard.ui.translation import fill
from wizard.ui.widgets.error_banner import ErrorBanner
from wizard.ui.widgets.log_view import LogView
from wizard.ui.widgets.step_list import StepList
from wizard.ui.workers import ErrorInfo, EventBridge, Operation, run_in_background

log = logging.getLogger(__name__)


def _prepare(profile: Any, credential: Any, sink: Any, allow_replace: bool = False) -> tuple[Any, list[tuple[str, str, float]]]:
    """The run and its steps (name, title, estimate), planned once: the run keeps the plan it shows."""
    from wizard import deployment

    run = deployment.DeploymentRun(profile, sink, credential=credential, allow_replace=allow_replace)
    return run, [(s.name, s.title, float(getattr(s, "estimate_s", 1.0) or 1.0)) for s in run.plan.steps]


class DeployPage(QWizardPage):
    """States: idle → planning → running → ok | failed | cancelled (→ running again on Retry)."""

    stateChanged = Signal(str)

    def __init__(self, model: ProfileModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.setTitle(self.tr("Deploy"))
        self.setSubTitle(self.tr("Creating the resources. Steps that do not depend on each other run at the same time."))
        self.steps = StepList()
        self.overall = QProgressBar()
        self.overall.setRange(0, 1000)
        self.overall.setFormat("%p%")
        self.overall.setAccessibleName(self.tr("Overall progress"))
        # The step that is running now: its own message and bar (busy when it reports no fraction).
        self.current_task = QLabel("")
        self.current_task.setObjectName("hint")
        self.current_task.setAccessibleName(self.tr("Current task"))
        self.step_bar = QProgressBar()
        self.step_bar.setRange(0, 1000)
        self.step_bar.setAccessibleName(self.tr("Progress of the current step"))
        self.step_bar.setMaximumHeight(12)
        self.step_bar.setTextVisible(False)
        self.step_bar.setVisible(False)
        self._task_messages: dict[str, str] = {}
        self._task_fraction: dict[str, float | None] = {}
        self.status = QLabel(self.tr("Waiting to start."))
        self.status.setObjectName("bigStatus")
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("Deployment status"))
        self.log_view = LogView()
        self.cancel_button = QPushButton(self.tr("Cancel &deployment"))
        self.cancel_button.setAccessibleName(self.tr("Cancel deployment"))
        self.retry_button = QPushButton(self.tr("&Retry / resume"))
        self.retry_button.setAccessibleName(self.tr("Retry or resume the deployment"))
        self.retry_button.setToolTip(self.tr("Runs the deployment again; steps that finished are skipped."))
        self.error_banner = ErrorBanner()

        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.cancel_button)
        top.addWidget(self.retry_button)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.steps)
        split.addWidget(self.log_view)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.overall)
        task_row = QHBoxLayout()
        task_row.addWidget(self.current_task, 1)
        task_row.addWidget(self.step_bar, 1)
        layout.addLayout(task_row)
        layout.addWidget(self.error_banner)
        layout.addWidget(split, 1)

        self.bridge = EventBridge(self.log_view.buffer, self)
        self.bridge.stepEvent.connect(self._on_step_event)
        self.bridge.logsPending.connect(self.log_view.wake)
        self.bridge.progressPending.connect(self._collect_progress)
        self.cancel_button.clicked.connect(self.cancel)
        self.retry_button.clicked.connect(self.retry)

        self.state = "idle"
        self.allow_replace = False
        self.run: Any = None
        self.operation: Operation | None = None
        self.outcome: Any = None
        self.estimates: dict[str, float] = {}
        self.fractions: dict[str, float] = {}
        self.started_at: float | None = None
        self._update_buttons()

    # --- QWizardPage ----------------------------------------------------------------------
    def initializePage(self) -> None:  # noqa: N802
        if self.state == "idle":
            self.start()
        elif self.state in ("failed", "cancelled"):
            self.retry()  # Create again after going Back: resume from the journal

    def cleanupPage(self) -> None:  # noqa: N802 - Qt's name: called when the user goes Back from here
        self._review_is_commit(True)

    def _review_is_commit(self, commit: bool) -> None:
        # Review is a commit page, which disables Back on this page; after a cancel or a failure the status
        # says "go Back", so Review stops being one until the user is on it again.
        w = self.wizard()
        review = w.page(int(PageId.REVIEW)) if w is not None else None
        if review is not None:
            review.setCommitPage(commit)

    def isComplete(self) -> bool:  # noqa: N802
        return self.state == "ok"

    def is_running(self) -> bool:
        return self.state in ("planning", "running", "cancelling")

    # --- running --------------------------------------------------------------------------
    def start(self) -> None:
        """Plan, then run in the background. A run after a failure resumes from the journal."""
        if self.is_running():
            return
        self.error_banner.clear()
        self.outcome = None
        self.started_at = time.time()
        self._set_state("planning")
        self.status.setText(self.tr("Planning…"))
        profile = copy.deepcopy(self.model.profile)  # later edits must not change a running deployment
        self.model.mark_saved()  # the deployment's record keeps a copy of this profile
        credential = credential_of(self)
        bridge = self.bridge
        allow_replace = self.allow_replace  # the user consented on Review (what-if named what is replaced)
        run_in_background(lambda: _prepare(profile, credential, bridge, allow_replace),
                          on_success=lambda prepared: self._planned(profile, *prepared),
                          on_failure=self._plan_failed, owner=self, doing="plan the deployment")

    def _planned(self, profile: Any, run: Any, steps: list[tuple[str, str, float]]) -> None:
        if self.state == "cancelling":
            self._set_state("cancelled")
            self.status.setText(self.tr("Cancelled before anything was created."))
            return
        self.steps.set_steps([(n, t) for n, t, _ in steps])
        self.estimates = {n: max(e, 0.1) for n, _, e in steps}
        self.fractions = {n: (1.0 if self.steps.rows[n].state in ("done", "skipped") else 0.0) for n, _, _ in steps}
        self._update_overall()
        self.run = run
        self._set_state("running")
        self.status.setText(fill(self.tr("Deploying '%1' (%2 steps)…"), profile.name, len(steps)))
        self.operation = run_in_background(self.run.run, on_success=self._finished, on_failure=self._crashed,
                                           owner=self, doing="deploy")

    def _plan_failed(self, error: ErrorInfo) -> None:
        self._set_state("failed")
        self.status.setText(self.tr("The deployment could not be planned."))
        self.error_banner.show_error(error)

    def cancel(self) -> None:
        if not self.is_running():
            return
        self._set_state("cancelling")
        self.status.setText(self.tr("Cancelling… (the step that is running stops at its next safe point)"))
        if self.run is not None:
            self.run.cancel()

    def retry(self) -> None:
        if self.is_running():
            return
        self.steps.reset_unfinished()
        self.log_view.append_lines(["", self.tr("— Retrying: steps that finished before are checked and skipped —")])
        self.start()

    def _finished(self, outcome: Any) -> None:
        self.outcome = outcome
        self.log_view.flush_all()
        elapsed = time.time() - (self.started_at or time.time())
        if outcome.ok:
            self._set_state("ok")
            url = outcome.endpoint.url if outcome.endpoint else ""
            self.status.setText(fill(self.tr("✓ Deployed in %1 s. "), f"{elapsed:.0f}")
                                + (fill(self.tr("The function answers at %1."), url) if url else ""))
            for name in self.fractions:
                self.fractions[name] = 1.0
            self._update_overall()
        elif outcome.cancelled:
            self._set_state("cancelled")
            self.status.setText(self.tr("Cancelled. What was created is recorded; Retry / resume continues from there, "
                                "or go Back to Start and reopen it later."))
        else:
            self._set_state("failed")
            first = next(iter(outcome.failed.items()), ("", self.tr("The deployment failed.")))
            self.status.setText(self.tr("✗ The deployment failed. Fix the cause, then Retry / resume."))
            detail = "\n\n".join(f"{k}:\n{v}" for k, v in getattr(outcome, "details", {}).items())
            self.error_banner.show_error(f"{first[0]}: {first[1]}" if first[0] else first[1], detail)

    def _crashed(self, error: ErrorInfo) -> None:
        self.log_view.flush_all()
        self._set_state("failed")
        self.status.setText(self.tr("✗ The deployment stopped with an error. Retry / resume continues from the last finished step."))
        self.error_banner.show_error(error)

    # --- events ---------------------------------------------------------------------------
    def _on_step_event(self, event: StepEvent) -> None:
        self.steps.apply(event)
        if event.kind != "progress":
            self._task_messages.pop(event.step, None)
            self._task_fraction.pop(event.step, None)
        if event.step and event.step in self.steps.rows:
            state = self.steps.rows[event.step].state
            if state in ("done", "skipped"):
                self.fractions[event.step] = 1.0
            elif state in ("running", "blocked"):
                self.fractions[event.step] = 0.0
        if event.kind == "failed" and event.message:
            self.log_view.append_lines([f"[{event.step}] FAILED: {event.message}"])
        elif event.kind == "retrying" and event.message:
            self.log_view.append_lines([f"[{event.step}] retrying: {event.message}"])
        self._update_overall()
        self._show_current_task()

    def _collect_progress(self) -> None:
        for event in self.bridge.take_progress():
            self.steps.apply(event)
            running = self.steps.rows.get(event.step) and self.steps.rows[event.step].state in ("running", "retrying")
            if event.fraction is not None and running:
                self.fractions[event.step] = max(0.0, min(1.0, event.fraction))
            if running:
                self._task_messages[event.step] = event.message
                self._task_fraction[event.step] = event.fraction
        self._update_overall()
        self._show_current_task()

    def _show_current_task(self) -> None:
        """The latest running step's sub-task; a busy bar unless the step says how far it is."""
        running = [n for n, row in self.steps.rows.items() if row.state in ("running", "retrying")]
        if not running:
            self.current_task.setText("")
            self.step_bar.setRange(0, 1000)
            self.step_bar.setValue(0)
            self.step_bar.setVisible(False)
            return
        name = next((n for n in reversed(running) if self._task_messages.get(n)), running[-1])
        title = self.steps.rows[name].title or name
        message = self._task_messages.get(name, "")
        self.current_task.setText(f"{title}: {message}" if message else f"{title}…")
        fraction = self._task_fraction.get(name)
        self.step_bar.setVisible(True)
        if fraction is None:
            self.step_bar.setRange(0, 0)  # honest: the step reports what it does, not how far it is
        else:
            self.step_bar.setRange(0, 1000)
            self.step_bar.setValue(int(1000 * max(0.0, min(1.0, fraction))))

    def _update_overall(self) -> None:
        total = sum(self.estimates.values()) or 1.0
        done = sum(self.estimates.get(n, 0.0) * f for n, f in self.fractions.items())
        self.overall.setValue(int(1000 * done / total))

    def _set_state(self, state: str) -> None:
        self.state = state
        self._review_is_commit(state not in ("failed", "cancelled"))
        self._update_buttons()
        self.completeChanged.emit()
        self.stateChanged.emit(state)

    def _update_buttons(self) -> None:
        self.cancel_button.setEnabled(self.state in ("planning", "running"))
        self.retry_button.setVisible(self.state in ("failed", "cancelled"))
        self.retry_button.setEnabled(self.state in ("failed", "cancelled"))
