"""The import-linter contracts really bite: break a copy of the package and lint-imports must fail."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
QT_CONTRACT = "Qt (PySide6) is imported only under wizard.ui"
RUNTIME_CONTRACT = "wizard.runtime runs alone inside the function app"


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """wizard/ and pyproject.toml copied to a folder of their own."""
    root = tmp_path / "copy"
    root.mkdir()
    shutil.copytree(REPO / "wizard", root / "wizard", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy2(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    # lint-imports puts its working directory first on sys.path and grimp imports the root
    # package from there; PYTHONPATH says the same, so the copy wins over the editable install.
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(root), "COLUMNS": "400"},  # no wrapped contract names
    )


def test_the_untouched_copy_keeps_every_contract(package_copy):
    result = lint(package_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_qt_import_in_the_profile_breaks_the_qt_contract(package_copy):
    profile_py = package_copy / "wizard" / "profile.py"
    profile_py.write_text(profile_py.read_text() + "\nfrom PySide6.QtCore import QObject  # noqa\n")
    result = lint(package_copy)
    assert result.returncode != 0
    assert re.search(rf"^{re.escape(QT_CONTRACT)} BROKEN", result.stdout, re.M), result.stdout
    assert "wizard.profile -> PySide6" in result.stdout
    assert re.search(r"Contracts: \d+ kept, 1 broken\.", result.stdout), result.stdout


def test_a_wizard_import_in_the_runtime_breaks_the_runtime_contract(package_copy):
    probe = package_copy / "wizard" / "runtime" / "layering_probe.py"
    probe.write_text('"""Breaks the layering on purpose."""\n\nfrom wizard import profile  # noqa\n')
    result = lint(package_copy)
    assert result.returncode != 0
    assert re.search(rf"^{re.escape(RUNTIME_CONTRACT)}.* BROKEN", result.stdout, re.M), result.stdout
    assert re.search(r"Contracts: \d+ kept, 1 broken\.", result.stdout), result.stdout
    assert "wizard.runtime.layering_probe -> wizard.profile" in result.stdout
