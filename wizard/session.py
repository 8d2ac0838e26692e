"""The account/session service beside deployment.py: sign-in, the credential it yields, and the Azure pickers.
The GUI calls only this module and wizard.deployment (in worker threads); it never imports a target."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from wizard.core.errors import WizardError
from wizard.profile import Profile

if TYPE_CHECKING:  # the Azure SDKs load on first use, so a local-only session never pays for them
    from wizard.targets.azure.pickers import Choice, NameCheck

__all__ = ["NAME_KINDS", "NotSignedIn", "Session"]

# Resource kinds `Session.check_name` knows; each has a globally unique name in Azure.
NAME_KINDS = ("cache", "managed-redis", "storage", "function-app", "registry")


class NotSignedIn(WizardError):
    """A picker or a deployment needed the Azure account before `sign_in` succeeded."""


class Session:
    """One user's Azure account for the app's lifetime. Thread-safe: workers may call it concurrently.

    `credential` may be handed in (tests, or a credential made elsewhere); `sign_in` then only checks it."""

    def __init__(self, credential: Any = None) -> None:
        self._given = credential
        self._credential: Any = None
        self._lock = threading.Lock()

    # --- sign-in ---------------------------------------------------------------------------------

    def sign_in(self, profile: Profile, *, interactive: bool = True) -> None:
        """Sign in for the profile's cloud (browser or device code when `interactive`); raises a WizardError
        with one sentence when it fails. Blocks: call it in a worker."""
        from wizard.targets.azure import auth

        credential = auth.sign_in(profile, interactive=interactive, credential=self._given)
        with self._lock:
            self._credential = credential

    def sign_out(self) -> None:
        """Forget the credential (azure-identity keeps tokens in memory only, so nothing stays on disk)."""
        with self._lock:
            self._credential = None

    @property
    def signed_in(self) -> bool:
        with self._lock:
            return self._credential is not None

    @property
    def credential(self) -> Any:
        """The signed-in credential, for `wizard.deployment` (DeploymentRun(..., credential=...)); None before."""
        with self._lock:
            return self._credential

    def _require(self) -> Any:
        credential = self.credential
        if credential is None:
            raise NotSignedIn("Sign in to Azure first (the Sign in button on the Start page).")
        return credential

    # --- pickers (each blocks on Azure: call in a worker) ---------------------------------------------

    def subscriptions(self, profile: Profile) -> list[Choice]:
        """Subscriptions the account can see, sorted by display name (`.id` is the subscription id)."""
        from wizard.targets.azure import pickers

        return pickers.list_subscriptions(self._require(), profile)

    def regions(self, profile: Profile) -> list[Choice]:
        """Regions of `profile.azure.subscription_id` (`.id` is the region name, e.g. westeurope)."""
        from wizard.targets.azure import pickers

        return pickers.list_locations(self._require(), profile)

    def resource_groups(self, profile: Profile) -> list[Choice]:
        """Resource groups of the profile's subscription (`.id` is the group name)."""
        from wizard.targets.azure import pickers

        return pickers.list_resource_groups(self._require(), profile)

    def tagged_deployments(self, profile: Profile) -> list[Choice]:
        """Resource groups of the profile's subscription tagged created-by: mlfunc-wizard (deployments made on another
        computer have no local record): `.id` is the group name, `.name` the mlfunc-deployment tag (or the group name).
        (Added by H8 for the GUI's Reopen; H5 may move it into pickers.)"""
        from wizard.targets.azure.clients import AzureClients
        from wizard.targets.azure.errors import azure_call
        from wizard.targets.azure.groups import CREATED_BY_TAG, CREATED_BY_VALUE, DEPLOYMENT_TAG
        from wizard.targets.azure.pickers import Choice as Found

        clients = AzureClients(profile, self._require())
        groups = azure_call("listing the resource groups", lambda: list(clients.resource.resource_groups.list()))
        return sorted((Found(g.name, (g.tags or {}).get(DEPLOYMENT_TAG) or g.name) for g in groups
                       if (g.tags or {}).get(CREATED_BY_TAG) == CREATED_BY_VALUE), key=lambda c: c.name.lower())

    def aml_models(self, profile: Profile) -> list[Choice]:
        """Registered models of `profile.model.azureml`'s workspace (`.id` is "name:version")."""
        from wizard.targets.azure import pickers

        return pickers.list_aml_models(self._require(), profile)

    def check_name(self, profile: Profile, kind: str, name: str) -> NameCheck:
        """Whether `name` is free for a new resource of `kind` (one of NAME_KINDS): `.available`, and `.message`
        (the name-taken sentence, or a note such as "it will be reused")."""
        if kind not in NAME_KINDS:
            raise ValueError(f"unknown resource kind {kind!r}; known: {', '.join(NAME_KINDS)}")
        from wizard.targets.azure import pickers

        return pickers.check_name(kind, name, self._require(), profile)
