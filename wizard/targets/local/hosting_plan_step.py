"""The local hosting-plan step: a record standing in for the App Service plan (the host runs on this machine)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from wizard.profile import Profile
from wizard.targets.base import StepContext
from wizard.targets.local.common import (
    group_path,
    plan_name,
    require_group,
)


class PlanAction:
    """An App Service plan has no local counterpart beyond a record: the host runs on this machine."""

    def _file(self, profile: Profile) -> Path:
        return group_path(profile) / "plans" / f"{plan_name(profile)}.json"

    def existing(self, ctx: StepContext) -> dict[str, Any] | None:
        try:
            data = json.loads(self._file(ctx.profile).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if data.get("sku") != ctx.profile.function.plan_sku:
            return None
        return {"name": data["name"], "sku": data["sku"], "path": str(self._file(ctx.profile))}

    def run(self, ctx: StepContext) -> dict[str, Any]:
        require_group(ctx.profile)
        path = self._file(ctx.profile)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"name": plan_name(ctx.profile), "sku": ctx.profile.function.plan_sku, "os": "linux",
                "note": "Local stand-in for the App Service plan; the functions host runs on this machine."}
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        return {"name": data["name"], "sku": data["sku"], "path": str(path)}
