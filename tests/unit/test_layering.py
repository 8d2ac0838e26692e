"""The import-linter contracts really bite: break a copy of the package and lint-imports must fail."""

from __future__ import annotations

import json
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


# --- the layers contract and import cycles (issue 14) ----------------------------------------------

LAYERS_CONTRACT = "Layers: ui -> deployment/session -> core engine -> targets"

# Prints the import cycles of the `wizard` package found on sys.path, as JSON (one list of modules each).
CYCLES_SCRIPT = r'''
import json, sys
import grimp

graph = grimp.build_graph("wizard")
sys.setrecursionlimit(20000)
index, low, stack, on_stack, cycles = {}, {}, [], set(), []

def visit(v):
    index[v] = low[v] = len(index)
    stack.append(v)
    on_stack.add(v)
    for w in graph.find_modules_directly_imported_by(v):
        if w not in graph.modules:
            continue
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on_stack:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        component = []
        while True:
            w = stack.pop()
            on_stack.discard(w)
            component.append(w)
            if w == v:
                break
        if len(component) > 1:
            cycles.append(sorted(component))

for module in sorted(graph.modules):
    if module not in index:
        visit(module)
print(json.dumps(cycles))
'''


def import_cycles(root: Path) -> list[list[str]]:
    """Every strongly connected group of modules under wizard/ (imports inside functions included)."""
    done = subprocess.run([sys.executable, "-c", CYCLES_SCRIPT], cwd=root, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(root)})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_no_import_cycles_under_wizard():
    cycles = import_cycles(REPO)
    assert cycles == [], "import cycles under wizard/: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_the_cycle_check_finds_a_cycle(package_copy):
    plan = package_copy / "wizard" / "core" / "plan.py"
    plan.write_text(plan.read_text() + "\n\ndef _late():\n    from wizard.core import engine  # noqa\n")
    cycles = import_cycles(package_copy)
    assert any({"wizard.core.plan", "wizard.core.engine"} <= set(c) for c in cycles), cycles


def test_an_upward_import_breaks_the_layers_contract(package_copy):
    base = package_copy / "wizard" / "targets" / "base.py"
    base.write_text(base.read_text() + "\n\ndef _late():\n    from wizard import deployment  # noqa\n")
    result = lint(package_copy)
    assert result.returncode != 0
    assert re.search(rf"^{re.escape(LAYERS_CONTRACT)}.*BROKEN", result.stdout, re.M), result.stdout
    assert "wizard.targets.base -> wizard.deployment" in result.stdout
