"""What every profile-editing page shares: field bindings, live rule problems, Next gating.

Pages write each edit straight into the wizard's one Profile (so Back keeps every field, as
the portal does) and `isComplete()` is False while the rules report an error for one of the
page's field prefixes; warnings are shown but never block.
"""

from __future__ import annotations

import enum
from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from wizard.ui.profile_model import ProfileModel
from wizard.ui.widgets.problem_list import ProblemList
from wizard.ui.wording import friendly_problem


class PageId(enum.IntEnum):
    START = 0
    BASICS = 1
    NETWORKING = 2
    ADVANCED = 3
    TAGS = 4
    MODEL = 5
    REVIEW = 6
    DEPLOY = 7
    TEST = 8
    CLEANUP = 9


def radio_group(parent: QWidget, *buttons: tuple[QRadioButton, str]) -> QButtonGroup:
    """One exclusive group of radio buttons, each with its accessible name (screen readers read it)."""
    group = QButtonGroup(parent)
    for button, accessible_name in buttons:
        button.setAccessibleName(accessible_name)
        group.addButton(button)
    return group


def session_of(page: QWidget) -> Any:
    """The wizard's wizard.session.Session (None outside a wizard): the one place pages reach Azure."""
    w = page.wizard() if isinstance(page, QWizardPage) else None
    return getattr(w, "session", None) if w is not None else None


def credential_of(page: QWidget) -> Any:
    """The signed-in credential to hand to wizard.deployment (None before sign-in or for local)."""
    session = session_of(page)
    return session.credential if session is not None else None


def scrolling(*widgets: QWidget) -> QScrollArea:
    """The widgets stacked in a frameless scroll area (a tall page scrolls; the window keeps its size)."""
    inner = QWidget()
    column = QVBoxLayout(inner)
    column.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        column.addWidget(w)
    column.addStretch(1)
    area = QScrollArea()
    area.setWidget(inner)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area


def hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("hint")
    label.setWordWrap(True)
    return label


class ProfilePage(QWizardPage):
    """A page bound to fields of the profile; subclasses call `bind_*` and `finish_layout`."""

    prefixes: tuple[str, ...] = ()

    def __init__(self, model: ProfileModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.problem_list = ProblemList()
        self._loaders: list[Callable[[], None]] = []
        self._bound: list[tuple[QWidget, str]] = []  # (control, field path): marked when the field has a problem
        self._loading = False
        self._under: dict[int, QLabel] = {}  # field widget -> the problem line under it
        self._under_form: dict[int, Any] = {}  # field widget -> the QFormLayout holding that line (None: a box)
        self.model.changed.connect(self._on_model_changed)
        self.model.reloaded.connect(self.load)

    # --- bindings (edits go straight into the profile) -------------------------------------
    def bind_text(self, edit: QLineEdit, path: str, *, strip: bool = True) -> QLineEdit:
        self._bound.append((edit, path))
        def edited(text: str) -> None:
            self.model.set(path, text.strip() if strip else text)

        edit.textEdited.connect(edited)
        self._loaders.append(lambda: edit.setText("" if self.model.get(path) is None else str(self.model.get(path))))
        return edit

    def bind_combo(self, combo: QComboBox, path: str, choices: list[tuple[str, Any]] | None = None) -> QComboBox:
        self._bound.append((combo, path))
        if choices is not None:
            for label, value in choices:
                combo.addItem(label, value)

        def changed(index: int) -> None:
            if not self._loading and index >= 0:
                self.model.set(path, combo.itemData(index))

        combo.currentIndexChanged.connect(changed)
        self._loaders.append(lambda: select_data(combo, self.model.get(path)))
        return combo

    def bind_check(self, box: QCheckBox, path: str) -> QCheckBox:
        self._bound.append((box, path))
        box.toggled.connect(lambda on: None if self._loading else self.model.set(path, bool(on)))
        self._loaders.append(lambda: box.setChecked(bool(self.model.get(path))))
        return box

    def bind_spin(self, spin: QSpinBox, path: str) -> QSpinBox:
        self._bound.append((spin, path))
        spin.valueChanged.connect(lambda v: None if self._loading else self.model.set(path, int(v)))
        self._loaders.append(lambda: spin.setValue(int(self.model.get(path) or 0)))
        return spin

    def bind_radios(self, group: QButtonGroup, path: str, values: dict[QRadioButton, Any]) -> QButtonGroup:
        def toggled(button: QRadioButton, on: bool) -> None:
            if on and not self._loading:
                self.model.set(path, values[button])

        group.buttonToggled.connect(toggled)

        def load() -> None:
            current = self.model.get(path)
            for button, value in values.items():
                if value == current:
                    button.setChecked(True)

        self._loaders.append(load)
        return group

    # --- life cycle -----------------------------------------------------------------------
    def finish_layout(self, layout: QVBoxLayout) -> None:
        layout.addStretch(1)
        layout.addWidget(self.problem_list)

    def load(self) -> None:
        """Show the profile's values in the controls (without writing them back)."""
        self._loading = True
        try:
            for loader in self._loaders:
                loader()
            self.after_load()
        finally:
            self._loading = False
        self.update_controls()
        self._show_problems()

    def after_load(self) -> None:
        """Extra loading a page needs (inside the no-write guard)."""

    def update_controls(self) -> None:
        """Enable/disable controls for the current profile (tiers, targets)."""

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        self.load()

    def cleanupPage(self) -> None:  # noqa: N802 - Qt's name
        # Going Back keeps what the user typed: the fields live in the profile (the portal keeps them too).
        pass

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        return not self.model.errors(self.prefixes) and not self.blocking_reason()

    def blocking_reason(self) -> str:
        """A sentence when something besides the rules blocks Next (a name Azure says is taken)."""
        return ""

    def _on_model_changed(self, _path: str) -> None:
        if self._loading:
            return
        self.update_controls()
        self._show_problems()

    def _show_problems(self) -> None:
        target = self.model.profile.target
        problems = [friendly_problem(p, target) for p in self.model.problems(self.prefixes) if not self.shown_elsewhere(p)]
        self.problem_list.set_problems(problems)
        self.mark_fields(problems)
        self.completeChanged.emit()

    def shown_elsewhere(self, problem: Any) -> bool:
        """True for a problem the page already states in its own words (a notice next to the control)."""
        return False

    def mark_fields(self, problems: list[Any]) -> None:
        """Outline a control whose field has a problem and put the sentence in its tooltip."""
        for widget, path in self._bound:
            mine = [p for p in problems if p.path == path]
            severity = "error" if any(p.severity == "error" for p in mine) else ("warning" if mine else "")
            if widget.property("problem") != severity:
                widget.setProperty("problem", severity)
                widget.style().unpolish(widget)
                widget.style().polish(widget)
            if mine:
                widget.setToolTip("\n".join(p.message for p in mine))
            elif widget.property("problemTip"):
                widget.setToolTip("")
            widget.setProperty("problemTip", bool(mine))
            self._show_under(widget, mine)

    def _show_under(self, widget: QWidget, problems: list[Any]) -> None:
        """The field's own problems in a line right under it, as the portal shows them."""
        label = self._under.get(id(widget))
        if label is None:
            if not problems:
                return
            label = QLabel()
            label.setWordWrap(True)
            label.setAccessibleName(self.tr("Problem with this field"))
            form = _insert_below(widget, label)
            if form is False:
                label.deleteLater()
                self._under[id(widget)] = None  # type: ignore[assignment]
                return
            self._under[id(widget)] = label
            self._under_form[id(widget)] = form
        elif label is None:
            return
        error = any(p.severity == "error" for p in problems)
        label.setObjectName("problemError" if error else "problemWarning")
        label.style().unpolish(label)
        label.style().polish(label)
        label.setText("\n".join(p.message for p in problems))
        label.setVisible(bool(problems))
        form = self._under_form.get(id(widget))
        if form is not None:
            form.setRowVisible(label, bool(problems))  # a hidden widget alone would keep the row's spacing


def _insert_below(widget: QWidget, label: QLabel) -> Any:
    """Put `label` in the layout row after `widget` (form rows and vertical boxes). Returns the QFormLayout it went
    into, None for a vertical box, False when there is no place for it."""
    from PySide6.QtWidgets import QBoxLayout, QFormLayout, QLayout

    def search(layout: QLayout) -> bool:
        if isinstance(layout, QFormLayout):
            position: Any = layout.getWidgetPosition(widget)  # (row, role); PySide's stub says object
            row = int(position[0])
            if row < 0:
                for r in range(layout.rowCount()):
                    item = layout.itemAt(r, QFormLayout.ItemRole.FieldRole)
                    inner = item.layout() if item is not None else None
                    if inner is not None and inner.indexOf(widget) >= 0:
                        row = r
                        break
            if row >= 0:
                layout.insertRow(row + 1, "", label)
                found.append(layout)
                return True
        elif isinstance(layout, QBoxLayout) and layout.direction() in (QBoxLayout.Direction.TopToBottom,
                                                                       QBoxLayout.Direction.BottomToTop):
            index = layout.indexOf(widget)
            if index >= 0:
                layout.insertWidget(index + 1, label)
                found.append(None)
                return True
        for i in range(layout.count()):
            entry = layout.itemAt(i)
            child = entry.layout() if entry is not None else None
            if child is not None and search(child):
                return True
        return False

    found: list[Any] = []
    parent = widget.parentWidget()
    while parent is not None:
        own = parent.layout()
        if own is not None and search(own):
            return found[0]
        parent = parent.parentWidget() if not isinstance(parent, QWizardPage) else None
    return False


def select_data(combo: QComboBox, value: Any) -> None:
    index = combo.findData(value)
    if index < 0 and value not in (None, ""):
        combo.addItem(str(value), value)
        index = combo.count() - 1
    if index >= 0:
        combo.setCurrentIndex(index)


def set_enabled_why(widget: QWidget, enabled: bool, why: str, tooltip_when_enabled: str = "") -> None:
    """Enable or disable a control, and say in its tooltip why it is disabled."""
    widget.setEnabled(enabled)
    widget.setToolTip(tooltip_when_enabled if enabled else why)
    widget.setAccessibleDescription("" if enabled else why)
