"""Which Python runs the wizard's helper processes and builds function-app environments, frozen bundle or not.

A PyInstaller bundle's executable is the wizard, not an interpreter: helpers run through it (`--run-helper`),
and virtual environments come from a system Python of the function app's version.
"""

from __future__ import annotations

import os
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

from wizard.core.errors import WizardError
from wizard.i18n import _

HELPER_FLAG = "--run-helper"


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def helper_command(module: str) -> list[str]:
    """argv prefix that runs `module` as __main__ in a new process (python -m, or the bundle's own entry)."""
    if is_frozen():
        return [sys.executable, HELPER_FLAG, module]
    return [sys.executable, "-m", module]


def run_helper(argv: list[str]) -> int:
    """The bundle's side of helper_command: `mlfunc-wizard --run-helper MODULE ARGS...`."""
    module, rest = argv[0], argv[1:]
    sys.argv = [module, *rest]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def venv_python(version: str = "") -> Path:
    """A Python that can create the function app's virtual environment: the wizard's own interpreter, or in a
    frozen bundle a system Python of `version` (e.g. "3.11") with the venv module."""
    if not is_frozen():
        return Path(sys.executable)
    names = ([f"python{version}"] if version else []) + ["python3"]
    for name in names:
        found = shutil.which(name)
        if found and _has_venv(found, version):
            return Path(found)
    wanted = f"Python {version}" if version else "Python 3"
    raise WizardError(
        _("This installed mlfunc-wizard builds the function app's environment with a system {wanted}, and none with "
          "the venv module was found on PATH. Install one (Debian/Ubuntu: sudo apt-get install python3 python3-venv) "
          "and deploy again.").format(wanted=wanted)
    )


def _has_venv(python: str, version: str) -> bool:
    check = "import sys, venv, ensurepip; print('%d.%d' % sys.version_info[:2])"
    try:
        done = subprocess.run([python, "-c", check], capture_output=True, text=True, timeout=20,
                              env={k: v for k, v in os.environ.items() if not k.startswith("PYTHON")})
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and (not version or done.stdout.strip() == version)
