"""The local storage step: a folder standing in for the storage account (the blob root for blob triggers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

from wizard.i18n import _
from wizard.profile import Profile
from wizard.targets.base import Change, FirstInterface, Observed, Outputs, StepContext, StepFailed
from wizard.targets.local.common import require_group, storage_folder


@dataclass(frozen=True)
class StorageOutputs(Outputs):
    path: str
    blob_root: str
    containers: tuple[str, ...] = ()


class StorageAction(FirstInterface):
    outputs_type: ClassVar[type[Outputs]] = StorageOutputs
    replace_on: ClassVar[Mapping[str, str]] = {}

    def _containers(self, profile: Profile) -> list[str]:
        trigger = profile.function.trigger
        if trigger.type != "blob":
            return []
        from wizard.appgen.builder import DEFAULT_BLOB_INPUT, DEFAULT_BLOB_OUTPUT

        paths = [trigger.input_path or DEFAULT_BLOB_INPUT, trigger.output_path or DEFAULT_BLOB_OUTPUT]
        return sorted({p.strip("/").split("/", 1)[0] for p in paths if p.strip("/")})

    def desired(self, ctx: StepContext) -> dict[str, Any]:
        return {"blob containers": self._containers(ctx.profile)}

    def observe(self, ctx: StepContext) -> Observed | None:
        folder = storage_folder(ctx.profile)
        if not folder.is_dir():
            return None
        # Containers the trigger does not use are left alone, so only the wanted ones are compared.
        have = [c for c in self._containers(ctx.profile) if (folder / c).is_dir()]
        return Observed({"blob containers": have}, self._outputs(ctx))

    def create(self, ctx: StepContext) -> StorageOutputs:
        require_group(ctx.profile)
        folder = storage_folder(ctx.profile)
        folder.mkdir(parents=True, exist_ok=True)
        for container in self._containers(ctx.profile):
            (folder / container).mkdir(exist_ok=True)
        return self._outputs(ctx)

    def update(self, ctx: StepContext, observed: Observed, change: Change) -> StorageOutputs:
        return self.create(ctx)  # adds the missing containers

    def adopt(self, ctx: StepContext, observed: Observed) -> StorageOutputs:
        return self._outputs(ctx)

    def delete(self, ctx: StepContext, observed: Observed) -> None:
        raise StepFailed(_("The storage folder is never replaced; destroy the deployment to delete it."))

    def _outputs(self, ctx: StepContext) -> StorageOutputs:
        folder = str(storage_folder(ctx.profile))
        return StorageOutputs(path=folder, blob_root=folder, containers=tuple(self._containers(ctx.profile)))
