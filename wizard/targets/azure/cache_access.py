"""The cache-access step shared by both Redis services: Entra access for the function app's identity, or keys."""

from __future__ import annotations

from typing import Any, Callable

from wizard.profile import Profile
from wizard.targets.azure.clients import AzureClients
from wizard.targets.base import StepContext, StepFailed


class CacheAccessAction:
    """Entra: one access-policy assignment for the function app's managed identity. Keys: nothing to create.

    Subclasses say how their service reads and writes the assignment."""

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

    def existing(self, ctx: StepContext) -> dict[str, Any] | None:
        profile = ctx.profile
        if profile.cache.authentication != "entra":
            return None  # nothing to create; run() says so
        principal = ctx.outputs.get("function-app", {}).get("principal_id")
        if principal and self.assigned_object_id(self._clients_for(profile), profile) == principal:
            return {"authentication": "entra", "access_policy": self.policy_name(profile), "object_id": principal}
        return None

    def run(self, ctx: StepContext) -> dict[str, Any]:
        profile = ctx.profile
        if profile.cache.authentication != "entra":
            return {"authentication": "access-keys"}
        principal = ctx.outputs.get("function-app", {}).get("principal_id")
        if not principal:
            raise StepFailed("The function app has no managed identity yet, so the cache cannot grant it access. Deploy again.")
        policy = self.assign(ctx, self._clients_for(profile), principal)
        return {"authentication": "entra", "access_policy": policy, "object_id": principal}
