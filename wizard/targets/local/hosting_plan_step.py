"""The local hosting-plan step: a record standing in for the App Service plan (the host runs on this machine)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Mapping

from wizard.i18n import _
from wizard.profile import Profile
from wizard.targets.base import Change, FirstInterface, Observed, Outputs, StepContext, StepFailed
from wizard.targets.local.common import group_path, plan_name, require_group


@dataclass(frozen=True)
class HostingPlanOutputs(Outputs):
    name: str
    sku: str
    path: str


class PlanAction(FirstInterface):
    """An App Service plan has no local counterpart beyond a record: the host runs on this machine."""

    outputs_type: ClassVar[type[Outputs]] = HostingPlanOutputs
    replace_on: ClassVar[Mapping[str, str]] = {}

    def _file(self, profile: Profile) -> Path:
        return group_path(profile) / "plans" / f"{plan_name(profile)}.json"

    def desired(self, ctx: StepContext) -> dict[str, Any]:
        return {"function.plan_sku": ctx.profile.function.plan_sku}

    def observe(self, ctx: StepContext) -> Observed | None:
        try:
            data = json.loads(self._file(ctx.profile).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        outputs = HostingPlanOutputs(name=str(data.get("name", "")), sku=str(data.get("sku", "")),
                                     path=str(self._file(ctx.profile)))
        return Observed({"function.plan_sku": data.get("sku")}, outputs)

    def create(self, ctx: StepContext) -> HostingPlanOutputs:
        require_group(ctx.profile)
        path = self._file(ctx.profile)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"name": plan_name(ctx.profile), "sku": ctx.profile.function.plan_sku, "os": "linux",
                "note": "Local stand-in for the App Service plan; the functions host runs on this machine."}
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        return HostingPlanOutputs(name=data["name"], sku=data["sku"], path=str(path))

    def update(self, ctx: StepContext, observed: Observed, change: Change) -> HostingPlanOutputs:
        return self.create(ctx)  # a new SKU is a rewrite of the record, as a plan scales in place

    def adopt(self, ctx: StepContext, observed: Observed) -> Outputs:
        assert observed.outputs is not None
        return observed.outputs

    def delete(self, ctx: StepContext, observed: Observed) -> None:
        raise StepFailed(_("The hosting plan is never replaced; destroy the deployment to delete it."))
