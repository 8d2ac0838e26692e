"""Page 5, Tags: name/value pairs applied to every resource, with rule problems inline."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from wizard.rules import Problem
from wizard.ui.pages.base import ProfilePage, hint
from wizard.ui.profile_model import ProfileModel
from wizard.ui.translation import fill
from wizard.ui.widgets.tag_table import TagTable


class TagsPage(ProfilePage):
    prefixes = ("tags",)

    def __init__(self, model: ProfileModel, parent: QWidget | None = None):
        super().__init__(model, parent)
        self.setTitle(self.tr("Tags"))
        self.setSubTitle(self.tr("Tags are name/value pairs that let you group resources and costs. They apply to every "
                         "resource in the resource group."))
        self.table = TagTable()
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint(self.tr("At most 50 tags. Names cannot contain < > % & \\ ? /")))
        self.finish_layout(layout)
        self.table.edited.connect(self._edited)

    def after_load(self) -> None:
        self.table.set_tags(dict(self.model.profile.tags))

    def _edited(self) -> None:
        self.model.set("tags", self.table.tags())
        self._show_problems()

    def _show_problems(self) -> None:
        problems = self.model.problems(self.prefixes)
        dups = self.table.duplicates()
        if dups:
            problems = problems + [Problem(f"tags.{d}", "error",
                                           fill(self.tr("The tag name '%1' is used twice; each name can appear once."), d))
                                   for d in dups]
        self.table.show_problems(problems)
        self.problem_list.set_problems(problems)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return super().isComplete() and not self.table.duplicates()
