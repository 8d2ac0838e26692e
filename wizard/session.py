"""The account/session service beside deployment.py: sign-in, the credential it yields, and the Azure pickers.
The GUI calls only this module and wizard.deployment (in worker threads); it never imports a target."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wizard.core.errors import WizardError
from wizard.i18n import _
from wizard.profile import Profile

if TYPE_CHECKING:  # the Azure SDKs load on first use, so a local-only session never pays for them
    from wizard.targets.azure.pickers import Choice, NameCheck
    from wizard.targets.base import Endpoint

__all__ = ["NAME_KINDS", "NotSignedIn", "Session", "TaggedDeployment"]

# Resource kinds `Session.check_name` knows; each has a globally unique name in Azure.
NAME_KINDS = ("cache", "managed-redis", "storage", "function-app", "registry")


@dataclass(frozen=True)
class TaggedDeployment:
    """A deployment found in Azure by its created-by tag: resource `group` in `subscription_id`; `name` is its
    mlfunc-deployment tag (or the group name)."""

    name: str
    group: str
    subscription_id: str
    subscription_name: str = ""


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
            raise NotSignedIn(_("Sign in to Azure first (the Sign in button on the Start page)."))
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

    def tagged_deployments(self, profile: Profile) -> list[TaggedDeployment]:
        """Resource groups tagged created-by: mlfunc-wizard in every subscription the account lists (deployments
        made on another computer have no local record), sorted by deployment name."""
        import copy

        from wizard.targets.azure import pickers
        from wizard.targets.azure.clients import AzureClients
        from wizard.targets.azure.errors import azure_call
        from wizard.targets.azure.groups import CREATED_BY_TAG, CREATED_BY_VALUE, DEPLOYMENT_TAG

        credential = self._require()
        found: list[TaggedDeployment] = []
        for sub in pickers.list_subscriptions(credential, profile):
            in_sub = copy.deepcopy(profile)
            in_sub.azure.subscription_id = sub.id
            clients = AzureClients(in_sub, credential)
            groups = azure_call(_("listing the resource groups"),
                                lambda c=clients: list(c.resource.resource_groups.list()))
            found += [TaggedDeployment((g.tags or {}).get(DEPLOYMENT_TAG) or g.name, g.name, sub.id, sub.name)
                      for g in groups if (g.tags or {}).get(CREATED_BY_TAG) == CREATED_BY_VALUE]
        return sorted(found, key=lambda f: (f.name.lower(), f.subscription_id))

    def tagged_endpoint(self, profile: Profile) -> tuple[str, Endpoint] | None:
        """(app name, how to call it) of the function app in the profile's resource group (a deployment found by its
        tag has no journal to read them from): its default host name and the host's default function key (registered
        for masking); None when the group holds no function app. The route is the generated app's `score`."""
        from wizard.secrets import registry
        from wizard.targets.azure.clients import AzureClients
        from wizard.targets.azure.errors import azure_call
        from wizard.targets.base import Endpoint

        clients = AzureClients(profile, self._require())
        group = profile.resource_group.name
        listed = azure_call(_("listing the resource group"),
                            lambda: list(clients.resource.resources.list_by_resource_group(group)))
        for resource in listed:
            if (resource.type or "").lower() != "microsoft.web/sites":
                continue
            site = azure_call(_("reading the function app"), clients.web.web_apps.get, group, resource.name)
            if "functionapp" not in (site.kind or "").lower() or not site.default_host_name:
                continue
            keys = azure_call(_("reading the host key"), clients.web.web_apps.list_host_keys, group, site.name)
            key = (keys.function_keys or {}).get("default") or keys.master_key or ""
            registry.add(key)
            host = site.default_host_name
            return site.name or "", Endpoint(url=f"https://{host}/api/score", key=key, auth_header="x-functions-key",
                                             health_url=f"https://{host}/api/health")
        return None

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
