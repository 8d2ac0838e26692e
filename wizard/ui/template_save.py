"""Review's **Save template…** button: the profile's Azure resources as an ARM template (or an `az` script), made
in a worker (the export builds the app to learn the model's version) and written where the user chooses."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QPushButton

from wizard.ui.translation import fill
from wizard.ui.workers import run_in_background


def add_button(page: Any, row: Any) -> QPushButton:
    """A Save template… button in `row` of the Review `page` (which has .model, .saved_label, .error_banner)."""
    button = QPushButton(page.tr("Save &template…"))
    button.setAccessibleName(page.tr("Save template for automation"))
    button.setToolTip(page.tr("Write an ARM template (azuredeploy.json) or an az script of the resources this "
                              "deployment creates, for automation."))
    row.addWidget(button)
    button.clicked.connect(lambda: _choose_and_save(page))
    page.save_template_button = button
    return button


def _choose_and_save(page: Any) -> None:
    start = (page.model.profile.base_dir or Path.home()) / "azuredeploy.json"
    arm_filter, az_filter = page.tr("ARM template (*.json)"), page.tr("az script (*.sh)")
    path, chosen = QFileDialog.getSaveFileName(page, page.tr("Save template"), str(start), f"{arm_filter};;{az_filter}")
    if path:
        save_template(page, Path(path), "az" if chosen == az_filter or path.endswith(".sh") else "arm")


def save_template(page: Any, path: Path, fmt: str) -> Any:
    """Export in a worker, then write the file; the outcome shows beside the button, errors in the banner."""
    profile = copy.deepcopy(page.model.profile)
    page.saved_label.setText(page.tr("Writing the template…"))

    def work() -> str:
        from wizard.template_export import export_text

        text = export_text(profile, fmt)
        path.write_text(text, encoding="utf-8")
        if fmt == "az":
            path.chmod(0o755)
        return path.name

    def done(name: str) -> None:
        page.error_banner.clear()
        page.saved_label.setText(fill(page.tr("Saved %1"), name))

    def failed(error: Any) -> None:
        page.saved_label.setText("")
        page.error_banner.show_error(error.sentence)

    return run_in_background(work, on_success=done, on_failure=failed, owner=page, doing="write the template")
