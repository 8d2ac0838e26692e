"""The local storage step: a folder standing in for the storage account (the blob root for blob triggers)."""

from __future__ import annotations

from typing import Any

from wizard.profile import Profile
from wizard.targets.base import StepContext
from wizard.targets.local.common import (
    require_group,
    storage_folder,
)


class StorageAction:
    def _containers(self, profile: Profile) -> list[str]:
        trigger = profile.function.trigger
        if trigger.type != "blob":
            return []
        from wizard.appgen.builder import DEFAULT_BLOB_INPUT, DEFAULT_BLOB_OUTPUT

        paths = [trigger.input_path or DEFAULT_BLOB_INPUT, trigger.output_path or DEFAULT_BLOB_OUTPUT]
        return sorted({p.strip("/").split("/", 1)[0] for p in paths if p.strip("/")})

    def existing(self, ctx: StepContext) -> dict[str, Any] | None:
        folder = storage_folder(ctx.profile)
        if not folder.is_dir():
            return None
        return self.run(ctx)

    def run(self, ctx: StepContext) -> dict[str, Any]:
        require_group(ctx.profile)
        folder = storage_folder(ctx.profile)
        folder.mkdir(parents=True, exist_ok=True)
        for container in self._containers(ctx.profile):
            (folder / container).mkdir(exist_ok=True)
        return {"path": str(folder), "blob_root": str(folder), "containers": self._containers(ctx.profile)}
