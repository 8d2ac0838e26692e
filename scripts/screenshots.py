"""Renders every page of the wizard to PNG (offscreen) into docs/screenshots/ (English) and docs/screenshots/pl/
(Polish), with a real local deployment.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--no-deploy]
     [--lang en|pl|both]
Uses a temporary MLFUNC_WIZARD_HOME, so nothing of the user's is touched, and cleans up what it deploys.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZE = (1000, 780)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--no-deploy", action="store_true", help="only the pages before Create")
    parser.add_argument("--lang", choices=("en", "pl", "both"), default="both")
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="mlfunc-screens-")
    os.environ["MLFUNC_WIZARD_HOME"] = home
    args.out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QSettings

    from wizard.ui.app import make_app

    from wizard.ui.translation import apply_language

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, home)
    app = make_app()
    languages = ["en", "pl"] if args.lang == "both" else [args.lang]
    status: dict = {"screenshots": []}
    for lang in languages:
        apply_language(lang)
        out = args.out if lang == "en" else args.out / lang
        out.mkdir(parents=True, exist_ok=True)
        # The full path (deploy, test, clean up) runs in every language: those pages exist only after Create.
        result = render(app, out, deploy=not args.no_deploy, ROOT=ROOT)
        status["screenshots"] += result.pop("screenshots")
        status[lang] = result
    print(json.dumps(status))
    return 0


def render(app, out: Path, *, deploy: bool, ROOT: Path) -> dict:
    from PySide6.QtWidgets import QWizard

    from wizard.ui.pages.base import PageId
    from wizard.ui.wizard import DeploymentWizard
    from wizard.ui.workers import wait_for_workers

    window = DeploymentWizard()
    window.ask_unsaved = lambda: "discard"
    window.resize(*SIZE)
    window.show()
    written: list[str] = []

    def pump(seconds: float = 0.2) -> None:
        end = time.time() + seconds
        while time.time() < end:
            app.processEvents()
            time.sleep(0.01)

    def wait(predicate: Callable[[], bool], timeout: float) -> bool:
        end = time.time() + timeout
        while time.time() < end:
            app.processEvents()
            if predicate():
                return True
            time.sleep(0.02)
        return False

    def shot(name: str) -> None:
        pump(0.3)
        path = out / f"{name}.png"
        window.grab().save(str(path))
        written.append(str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path))
        print(f"wrote {path}")

    names = {PageId.START: "01-start", PageId.BASICS: "02-basics", PageId.NETWORKING: "03-networking",
             PageId.ADVANCED: "04-advanced", PageId.TAGS: "05-tags", PageId.MODEL: "06-model-function",
             PageId.REVIEW: "07-review-create"}
    wait(lambda: window.page_of(PageId.START).deployments.count() > 0, 10)
    shot(names[PageId.START])
    for page_id in list(names)[1:]:
        window.next()
        if page_id == PageId.TAGS:
            window.page_of(PageId.TAGS).table.add_row("team", "ml-platform")
            window.page_of(PageId.TAGS).table.add_row("environment", "demo")
        if page_id == PageId.MODEL:
            wait(lambda: window.page_of(PageId.MODEL).sample_editor.text().strip() != "", 120)
        shot(names[page_id])

    # The same Basics page with a rule error, to show how problems block Next.
    window.back()
    window.back()
    window.back()
    window.back()
    window.back()
    basics = window.page_of(PageId.BASICS)
    good_name = window.profile.cache.name
    basics.name_edit.setText("my--cache!")
    window.model.set("cache.name", "my--cache!")
    shot("02b-basics-rule-error")
    basics.name_edit.setText(good_name)
    window.model.set("cache.name", good_name)
    for _ in range(5):
        window.next()

    status = {"screenshots": written, "deployed": False}
    if deploy:
        window.button(QWizard.WizardButton.CommitButton).click()
        deploy = window.page_of(PageId.DEPLOY)
        wait(lambda: any(s == "running" for s in deploy.steps.states().values()), 120)
        pump(1.0)
        shot("08a-deploy-running")
        wait(lambda: deploy.state in ("ok", "failed", "cancelled"), 600)
        shot("08-deploy")
        status["deployed"] = deploy.state == "ok"
        if deploy.state == "ok":
            window.next()
            test = window.page_of(PageId.TEST)
            wait(lambda: test.endpoint is not None and test.editor.text().strip() != "", 120)
            body = test.editor.value()
            for i, row in enumerate(body["data"]):
                row[0] = 9.0 + i
            test.editor.set_value(body)
            results: list = []
            test.sent.connect(results.append)
            test.send()
            wait(lambda: len(results) >= 1 and not test.busy, 60)
            test.send()
            wait(lambda: len(results) >= 2 and not test.busy, 60)
            test.repeat_spin.setValue(20)
            test.send_repeated()
            wait(lambda: len(results) >= 22 and not test.busy, 120)
            shot("09-test")
            test.cleanup_button.click()
            cleanup = window.page_of(PageId.CLEANUP)
            wait(lambda: cleanup.resources.count() > 1 and "Listing" not in cleanup.resources.item(0).text(), 60)
            cleanup.confirm_edit.setText(window.profile.resource_group.name)
            shot("10-clean-up")
            cleanup.delete()
            wait(lambda: cleanup.state in ("deleted", "failed"), 180)
            shot("10b-clean-up-done")
            status["cleaned_up"] = cleanup.state == "deleted"
    window.confirm = lambda _t, _m: True
    window.close()
    wait_for_workers(60_000)
    return status


if __name__ == "__main__":
    sys.exit(main())
