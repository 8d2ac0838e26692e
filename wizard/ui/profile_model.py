"""The one Profile the wizard edits, with its rule problems; pages edit it and listen to it."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from wizard import profile as profile_mod
from wizard import rules
from wizard.profile import Profile
from wizard.ui.translation import fill

log = logging.getLogger(__name__)


def matches(path: str, prefixes: tuple[str, ...]) -> bool:
    """True when a problem's dotted path belongs to one of a page's field prefixes."""
    for prefix in prefixes:
        if path == prefix or path.startswith(prefix + ".") or (prefix.endswith(".") and path.startswith(prefix)):
            return True
    return False


class ProfileModel(QObject):
    """Holds `profile` and its problems; `changed` after every edit, `reloaded` after a swap."""

    changed = Signal(str)  # the dotted path that changed ("" for several)
    reloaded = Signal()

    def __init__(self, profile: Profile | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.profile: Profile = profile if profile is not None else profile_mod.default_local()
        self._problems: list[rules.Problem] = []
        self.extra_problems: dict[str, rules.Problem] = {}  # e.g. names Azure says are taken
        self._saved = profile_mod.dumps(self.profile)  # what a file (or the sample) holds: no unsaved edits yet
        self._recheck()

    # --- editing ---------------------------------------------------------------------------
    def get(self, path: str) -> Any:
        return profile_mod.get_field(self.profile, path)

    def set(self, path: str, value: Any) -> None:
        if self.get(path) == value:
            return
        profile_mod.set_field(self.profile, path, value)
        # A collision found for the old value (a recorded deployment's name) no longer applies.
        self.extra_problems.pop(f"collision:{path}", None)
        self._recheck()
        self.changed.emit(path)

    def set_many(self, values: dict[str, Any]) -> None:
        for path, value in values.items():
            profile_mod.set_field(self.profile, path, value)
        self._recheck()
        self.changed.emit("")

    def replace(self, profile: Profile) -> None:
        self.profile = profile
        self._saved = profile_mod.dumps(profile)
        self.extra_problems.clear()
        self._recheck()
        self.reloaded.emit()
        self.changed.emit("")

    def set_extra_problem(self, key: str, problem: rules.Problem | None) -> None:
        """Problems found outside the rules (a name Azure reports as taken); None clears."""
        if problem is None:
            if self.extra_problems.pop(key, None) is None:
                return
        else:
            self.extra_problems[key] = problem
        self.changed.emit("")

    # --- unsaved edits ----------------------------------------------------------------------
    def mark_saved(self) -> None:
        self._saved = profile_mod.dumps(self.profile)

    def is_dirty(self) -> bool:
        """True when the profile differs from what was opened, reopened or last saved."""
        return profile_mod.dumps(self.profile) != self._saved

    # --- problems --------------------------------------------------------------------------
    def _recheck(self) -> None:
        try:
            self._problems = list(rules.check(self.profile))
        except Exception as exc:  # a rule that crashes on a half-edited profile must not kill the GUI
            log.exception("rules.check failed")
            self._problems = [rules.Problem("", "error", fill(self.tr("The profile could not be checked: %1."), exc))]

    def problems(self, prefixes: tuple[str, ...] | None = None) -> list[rules.Problem]:
        every = self._problems + list(self.extra_problems.values())
        if prefixes is None:
            return every
        return [p for p in every if matches(p.path, prefixes)]

    def errors(self, prefixes: tuple[str, ...] | None = None) -> list[rules.Problem]:
        return rules.errors(self.problems(prefixes))
