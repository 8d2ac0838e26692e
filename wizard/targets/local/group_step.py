"""The local resource group step: a folder with a manifest (created-by, tags, owned processes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

from wizard.i18n import _
from wizard.targets.base import Change, FirstInterface, Observed, Outputs, StepContext, StepFailed
from wizard.targets.local import resource_group as rg
from wizard.targets.local.common import group_path


@dataclass(frozen=True)
class GroupOutputs(Outputs):
    path: str
    name: str


class ResourceGroupAction(FirstInterface):
    outputs_type: ClassVar[type[Outputs]] = GroupOutputs
    replace_on: ClassVar[Mapping[str, str]] = {}

    def desired(self, ctx: StepContext) -> dict[str, Any]:
        return {"tags": dict(ctx.profile.tags)}

    def observe(self, ctx: StepContext) -> Observed | None:
        folder = group_path(ctx.profile)
        try:
            rg.refuse_if_foreign(folder)
        except rg.ResourceGroupError as exc:
            raise StepFailed(str(exc)) from None
        manifest = rg.read_manifest(folder) if rg.is_ours(folder) else None
        if manifest is None:
            return None
        listed = ctx.profile.name in (manifest.get("deployments") or [])
        return Observed({"tags": dict(manifest.get("tags") or {})}, self._outputs(ctx),
                        repair="" if listed else _("the group's manifest does not list this deployment yet"))

    def create(self, ctx: StepContext) -> GroupOutputs:
        profile = ctx.profile
        folder = group_path(profile)
        if not profile.resource_group.create and not rg.is_ours(folder):
            raise StepFailed(
                _("The resource group '{name}' does not exist locally ({folder}); set resource_group.create to true "
                  "to create it.").format(name=profile.resource_group.name, folder=folder)
            )
        return self._ensure(ctx)

    def update(self, ctx: StepContext, observed: Observed, change: Change) -> GroupOutputs:
        return self._ensure(ctx)  # rewrites the manifest's tags

    def adopt(self, ctx: StepContext, observed: Observed) -> GroupOutputs:
        return self._outputs(ctx)

    def delete(self, ctx: StepContext, observed: Observed) -> None:
        raise StepFailed(_("A resource group is never replaced; destroy the deployment to delete it."))

    def _ensure(self, ctx: StepContext) -> GroupOutputs:
        try:
            rg.ensure_group(ctx.profile.resource_group.name, ctx.profile.tags, ctx.profile.name)
        except rg.ResourceGroupError as exc:
            raise StepFailed(str(exc)) from None
        return self._outputs(ctx)

    @staticmethod
    def _outputs(ctx: StepContext) -> GroupOutputs:
        return GroupOutputs(path=str(group_path(ctx.profile)), name=ctx.profile.resource_group.name)
