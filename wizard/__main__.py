# PYTHON_ARGCOMPLETE_OK
"""Entry point: no arguments opens the wizard; sub-commands run headless (see wizard.cli)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--run-helper"]:  # a frozen bundle runs its helper processes through itself
        from wizard.interpreter import run_helper

        return run_helper(argv[1:])
    # A shell asking for completions runs us without arguments (_ARGCOMPLETE set): answer, never open the GUI.
    if (not argv or argv[0] in ("gui", "open")) and not os.environ.get("_ARGCOMPLETE"):
        from wizard.ui.app import run_gui  # Qt is imported only when the GUI is wanted

        return run_gui(argv[1:])
    from wizard.cli import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
