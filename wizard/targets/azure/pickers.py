"""What the GUI offers to pick and checks while you type: subscriptions, regions, resource groups, Azure ML
models, and whether a name is free (cache, Managed Redis, storage, function app, container registry).
wizard.session calls these in worker threads; nothing here creates a resource."""

from __future__ import annotations

from dataclasses import dataclass

from azure.core.credentials import TokenCredential
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.resource.subscriptions import SubscriptionClient

from wizard.i18n import _
from wizard.profile import Profile
from wizard.targets.azure import api_versions
from wizard.targets.azure.clients import AzureClients
from wizard.targets.azure.config import client_options, cloud_for
from wizard.targets.azure.errors import azure_call, translate


@dataclass(frozen=True)
class Choice:
    id: str
    name: str  # what the picker shows


@dataclass(frozen=True)
class NameCheck:
    available: bool
    message: str  # a sentence when not available ("" when it is)


def list_subscriptions(credential: TokenCredential, profile: Profile) -> list[Choice]:
    cloud = cloud_for(profile)
    client = SubscriptionClient(credential, api_version=api_versions.SUBSCRIPTIONS, **client_options(cloud))
    subs = azure_call(_("listing your subscriptions"), lambda: list(client.subscriptions.list()))
    return sorted((Choice(s.subscription_id, s.display_name or s.subscription_id) for s in subs), key=lambda c: c.name.lower())


def list_locations(credential: TokenCredential, profile: Profile) -> list[Choice]:
    cloud = cloud_for(profile)
    client = SubscriptionClient(credential, api_version=api_versions.SUBSCRIPTIONS, **client_options(cloud))
    locations = azure_call(
        _("listing the regions"), lambda: list(client.subscriptions.list_locations(profile.azure.subscription_id))
    )
    return sorted((Choice(loc.name, loc.display_name or loc.name) for loc in locations), key=lambda c: c.name)


def list_resource_groups(credential: TokenCredential, profile: Profile) -> list[Choice]:
    clients = AzureClients(profile, credential)
    groups = azure_call(_("listing the resource groups"), lambda: list(clients.resource.resource_groups.list()))
    return sorted((Choice(g.name, f"{g.name} ({g.location})") for g in groups), key=lambda c: c.name.lower())


def list_aml_models(credential: TokenCredential, profile: Profile) -> list[Choice]:
    """Registered models of the profile's Azure ML workspace (SDK v1: see aml.py)."""
    from wizard.targets.azure import aml  # azureml is slow to import and only needed for this route

    return [Choice(f"{name}:{version}", f"{name} (version {version})") for name, version in aml.list_models(profile, credential)]


KIND_TYPES = {
    "cache": "Microsoft.Cache/redis",
    "storage": "Microsoft.Storage/storageAccounts",
    "function-app": "Microsoft.Web/sites",
    "managed-redis": "Microsoft.Cache/redisEnterprise",
    "registry": "Microsoft.ContainerRegistry/registries",
}


def taken(kind: str, name: str, reason: str = "") -> NameCheck:
    """The one name-taken sentence every check and every create uses (see errors.translate)."""
    why = f" ({reason})" if reason and reason.lower() not in ("alreadyexists", "already exists") else ""
    # one whole sentence per kind: the kind's name is declined differently in Polish
    sentences = {
        "cache": _("The cache name '{name}' is not available: it is already taken in Azure{why} (names are global); "
                   "choose a different name."),
        "storage": _("The storage account name '{name}' is not available: it is already taken in Azure{why} (names are "
                     "global); choose a different name."),
        "function-app": _("The function app name '{name}' is not available: it is already taken in Azure{why} (names "
                          "are global); choose a different name."),
        "managed-redis": _("The Managed Redis name '{name}' is not available: it is already taken in Azure{why} (names "
                           "are global); choose a different name."),
        "registry": _("The container registry name '{name}' is not available: it is already taken in Azure{why} (names "
                      "are global); choose a different name."),
    }
    sentence = sentences.get(kind) or _("The {kind} name '{name}' is not available: it is already taken in Azure{why} "
                                        "(names are global); choose a different name.")
    return NameCheck(False, sentence.format(kind=kind, name=name, why=why))


def check_name(kind: str, name: str, credential: TokenCredential, profile: Profile) -> NameCheck:
    """Whether `name` is free for a new resource of `kind` ("cache", "managed-redis", "storage", "function-app",
    "registry")."""
    clients = AzureClients(profile, credential)
    if kind == "cache":
        from azure.mgmt.redis.models import CheckNameAvailabilityParameters

        try:
            clients.redis.redis.check_name_availability(CheckNameAvailabilityParameters(name=name, type=KIND_TYPES[kind]))
            return NameCheck(True, "")
        except HttpResponseError as exc:
            if exc.status_code in (400, 409):
                return taken(kind, name)
            raise translate(exc, _("checking the cache name")) from exc
    if kind == "storage":
        from azure.mgmt.storage.models import StorageAccountCheckNameAvailabilityParameters

        result = azure_call(
            _("checking the storage account name"),
            clients.storage.storage_accounts.check_name_availability,
            StorageAccountCheckNameAvailabilityParameters(name=name, type=KIND_TYPES[kind]),
        )
        return _answer(kind, name, result.name_available, result.message)
    if kind == "function-app":
        from azure.mgmt.web.models import ResourceNameAvailabilityRequest

        site_result = azure_call(
            _("checking the function app name"),
            clients.web.check_name_availability,
            ResourceNameAvailabilityRequest(name=name, type=KIND_TYPES[kind]),
        )
        return _answer(kind, name, site_result.name_available, site_result.message)
    if kind == "registry":
        from azure.mgmt.containerregistry.models import RegistryNameCheckRequest

        acr_result = azure_call(
            _("checking the container registry name"),
            clients.acr.registries.check_name_availability,
            RegistryNameCheckRequest(name=name, type=KIND_TYPES[kind]),
        )
        if not acr_result.name_available:
            # A registry of this subscription is reused, not created (registry.find_registry), so it is fine.
            from wizard.targets.azure.registry import find_registry

            found = find_registry(clients, name)
            if found is not None:
                return NameCheck(True, _("'{name}' is your registry in {group}; it will be reused.").format(
                    name=name, group=_group(found.id)))
        return _answer(kind, name, acr_result.name_available, acr_result.message)
    if kind == "managed-redis":
        # The redisenterprise SDK has no name-availability API: a name is free for us when our own
        # group does not hold another cluster by it; global clashes surface as a 409 at create time.
        try:
            clients.redis_enterprise.redis_enterprise.get(profile.resource_group.name, name)
        except ResourceNotFoundError:
            return NameCheck(True, "")
        except HttpResponseError as exc:
            raise translate(exc, _("checking the Managed Redis name")) from exc
        return NameCheck(True, _("'{name}' already exists in {group}; it will be reused.").format(
            name=name, group=profile.resource_group.name))
    raise ValueError(f"unknown resource kind {kind!r}")


def _answer(kind: str, name: str, available: bool | None, message: str | None) -> NameCheck:
    return NameCheck(True, "") if available else taken(kind, name)


def _group(resource_id: str) -> str:
    parts = resource_id.split("/")
    lowered = [p.lower() for p in parts]
    return parts[lowered.index("resourcegroups") + 1] if "resourcegroups" in lowered else "another resource group"
