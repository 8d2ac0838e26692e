"""Issue 14 item 6 / issue 13: the pages reach Azure only through wizard.session and wizard.deployment."""

from __future__ import annotations

import ast
from pathlib import Path

import wizard.ui

UI = Path(wizard.ui.__file__).parent


def _imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names]
    return found


def test_no_ui_module_imports_a_target_even_inside_a_function():
    offenders = {str(p.relative_to(UI)): [m for m in _imports(p) if m.startswith("wizard.targets")]
                 for p in UI.rglob("*.py")}
    assert not {k: v for k, v in offenders.items() if v}


def test_the_wizard_keeps_a_session_not_a_credential(wizard_window):
    assert not hasattr(wizard_window, "credential")
    assert wizard_window.session.credential is None


def test_the_deploy_page_plans_once(wizard_window, qtbot, monkeypatch):
    from tests.gui.conftest import go_to
    from wizard import deployment
    from wizard.ui.pages.base import PageId
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWizard

    plans = []
    real_plan = deployment.DeploymentRun.plan

    def counting(self):
        if self._plan is None:
            plans.append(self)
        return real_plan.fget(self)

    def no_make_plan(*_a, **_k):
        raise AssertionError("the deploy page made a second plan with make_plan")

    monkeypatch.setattr(deployment.DeploymentRun, "plan", property(counting))
    monkeypatch.setattr(deployment, "make_plan", no_make_plan)
    # The narrowest seam: the run itself is not started (this test is about planning only).
    monkeypatch.setattr(deployment.DeploymentRun, "run", lambda self: (_ for _ in ()).throw(
        deployment.WizardError("not running in a planning test")))
    go_to(wizard_window, qtbot, PageId.REVIEW)
    qtbot.mouseClick(wizard_window.button(QWizard.WizardButton.CommitButton), Qt.MouseButton.LeftButton)
    page = wizard_window.currentPage()
    qtbot.waitUntil(lambda: page.state == "failed", timeout=30_000)
    assert len(plans) == 1
    assert page.run is plans[0]
