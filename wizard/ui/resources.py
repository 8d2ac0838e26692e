"""Icons and the style sheet shipped in resources/ (checkout or wheel), loaded once."""

from __future__ import annotations

import functools
import logging

from PySide6.QtGui import QIcon

from wizard.paths import resources_dir

log = logging.getLogger(__name__)


@functools.cache
def icon(name: str) -> QIcon:
    path = resources_dir() / "icons" / f"{name}.svg"
    if not path.is_file():
        log.warning("icon %s missing at %s", name, path)
        return QIcon()
    return QIcon(str(path))


def state_icon(state: str) -> QIcon:
    if state == "blocked":  # never started (a dependency failed or the run was cancelled)
        return icon("cancelled")
    return icon(state if state in {"pending", "running", "done", "skipped", "failed", "cancelled", "retrying"} else "pending")


def style_sheet() -> str:
    path = resources_dir() / "styles" / "wizard.qss"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""
