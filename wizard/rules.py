"""The portal's rules for a profile: one `check()` shared by the GUI pages and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from wizard.profile import Profile

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    path: str  # dotted field path, e.g. "cache.name", "tags.<name>"
    severity: Severity
    message: str  # a sentence that says how to fix it

    def __str__(self) -> str:
        return f"{self.severity}: {self.path}: {self.message}"


def check(profile: Profile) -> list[Problem]:
    """Every problem of the profile, errors and warnings, in field order."""
    return []  # filled in by the rules work (issue 2)


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]
