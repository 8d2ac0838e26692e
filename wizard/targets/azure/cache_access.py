"""The cache-access step shared by both Redis services: Entra access for the function app's identity, or keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Mapping

from wizard.i18n import _
from wizard.profile import Profile
from wizard.targets.azure.clients import AzureClients
from wizard.targets.base import Change, FirstInterface, Observed, Outputs, StepContext, StepFailed

ASSIGNEE = "accessPolicyAssignment.objectId"


@dataclass(frozen=True)
class CacheAccessOutputs(Outputs):
    authentication: str
    access_policy: str = ""
    object_id: str = ""


class CacheAccessAction(FirstInterface):
    """Entra: one access-policy assignment for the function app's managed identity. Keys: nothing to create.
    Compared on the object id the assignment grants (it must be the app's identity); a wrong one is
    re-assigned in place (the same PUT). Subclasses say how their service reads and writes the assignment."""

    outputs_type: ClassVar[type[Outputs]] = CacheAccessOutputs
    replace_on: ClassVar[Mapping[str, str]] = {}

    def __init__(self, clients_for: Callable[[Profile], AzureClients]):
        self._clients_for = clients_for

    def assigned_object_id(self, clients: AzureClients, profile: Profile) -> str | None:
        """The object id the assignment grants today, or None when there is none."""
        raise NotImplementedError

    def assign(self, ctx: StepContext, clients: AzureClients, principal: str) -> str:
        """Create or update the assignment; return the access policy's name."""
        raise NotImplementedError

    def policy_name(self, profile: Profile) -> str:
        raise NotImplementedError

    @staticmethod
    def _principal(ctx: StepContext) -> Any:
        return ctx.outputs.get("function-app", {}).get("principal_id")

    def desired(self, ctx: StepContext) -> dict[str, Any]:
        if ctx.profile.cache.authentication != "entra":
            return {}
        return {ASSIGNEE: self._principal(ctx)}

    def observe(self, ctx: StepContext) -> Observed | None:
        profile = ctx.profile
        if profile.cache.authentication != "entra":
            return Observed({}, CacheAccessOutputs(authentication="access-keys"))  # keys: nothing to create
        assigned = self.assigned_object_id(self._clients_for(profile), profile)
        if assigned is None:
            return None
        return Observed({ASSIGNEE: assigned}, CacheAccessOutputs(authentication="entra", access_policy=self.policy_name(profile),
                                                                 object_id=assigned))

    def adopt(self, ctx: StepContext, observed: Observed) -> Outputs:
        assert observed.outputs is not None
        return observed.outputs

    def update(self, ctx: StepContext, observed: Observed, change: Change) -> CacheAccessOutputs:
        return self.create(ctx)  # the same PUT, now naming the app's identity

    def delete(self, ctx: StepContext, observed: Observed) -> None:
        raise StepFailed(_("The cache's access-policy assignment is never replaced, only updated."))

    def create(self, ctx: StepContext) -> CacheAccessOutputs:
        profile = ctx.profile
        if profile.cache.authentication != "entra":
            return CacheAccessOutputs(authentication="access-keys")
        principal = self._principal(ctx)
        if not principal:
            raise StepFailed(_("The function app has no managed identity yet, so the cache cannot grant it access. "
                               "Deploy again."))
        policy = self.assign(ctx, self._clients_for(profile), principal)
        return CacheAccessOutputs(authentication="entra", access_policy=policy, object_id=principal)
