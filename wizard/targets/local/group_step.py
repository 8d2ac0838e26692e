"""The local resource group step: a folder with a manifest (created-by, tags, owned processes)."""

from __future__ import annotations

from typing import Any

from wizard.targets.base import StepContext, StepFailed
from wizard.targets.local import resource_group as rg
from wizard.targets.local.common import (
    group_path,
)


class ResourceGroupAction:
    def existing(self, ctx: StepContext) -> dict[str, Any] | None:
        folder = group_path(ctx.profile)
        try:
            rg.refuse_if_foreign(folder)
        except rg.ResourceGroupError as exc:
            raise StepFailed(str(exc)) from None
        if not rg.is_ours(folder):
            return None
        return self.run(ctx)  # adopt: refreshes the tags (cheap, idempotent)

    def run(self, ctx: StepContext) -> dict[str, Any]:
        profile = ctx.profile
        folder = group_path(profile)
        if not profile.resource_group.create and not rg.is_ours(folder):
            raise StepFailed(
                f"The resource group '{profile.resource_group.name}' does not exist locally ({folder}); "
                "set resource_group.create to true to create it."
            )
        try:
            rg.ensure_group(profile.resource_group.name, profile.tags, profile.name)
        except rg.ResourceGroupError as exc:
            raise StepFailed(str(exc)) from None
        return {"path": str(folder), "name": profile.resource_group.name}
