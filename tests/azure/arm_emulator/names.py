"""Globally unique names: a registry, storage account, site or cache name belongs to one resource in all of
Azure, whatever its group or subscription. ARM refuses a second one with the provider's own code.

Sources (codes as the providers send them; status 409 for all four is what the SDKs surface in the issues cited):
- ACR: `AlreadyInUse` "The registry DNS name <n>.azurecr.io is already in use" (Azure/azure-cli#8838 and
  learn.microsoft.com/rest/api/containerregistry/registries/check-name-availability, which says names are global).
- Storage: `StorageAccountAlreadyTaken` (learn.microsoft.com/azure/storage/common/storage-account-create,
  "Storage account name ... must be unique across Azure").
- App Service: `WebsiteWithGivenNameAlreadyExists` ("Website with given name <n> already exists").
- Azure Cache for Redis: `NameNotAvailable` (the code check_name_availability answers too).
Not checked against live Azure."""

from __future__ import annotations

from typing import Any

from tests.azure.arm_emulator.arm import Reply, error
from tests.azure.arm_emulator.ext import ext

_CODES = {
    "microsoft.containerregistry/registries": ("AlreadyInUse", "The registry DNS name {name}.{acr} is already in use. You can check if the name is already claimed using the checkNameAvailability API."),
    "microsoft.storage/storageaccounts": ("StorageAccountAlreadyTaken", "The storage account named {name} is already taken."),
    "microsoft.web/sites": ("WebsiteWithGivenNameAlreadyExists", "Website with given name {name} already exists."),
    "microsoft.cache/redis": ("NameNotAvailable", "The name '{name}' is not available: a cache with this name already exists."),
    "microsoft.cache/redisenterprise": ("NameNotAvailable", "The name '{name}' is not available: a cluster with this name already exists."),
}


def is_global(provider: str) -> bool:
    return provider in _CODES


def holder(state: Any, provider: str, name: str, own_key: str) -> str | None:
    """Id of another resource of this type with this name (any group, any subscription), or None."""
    for key, resource in state.resources.items():
        if key != own_key and resource.get("type", "").lower() == provider and resource.get("name", "").lower() == name.lower():
            return resource["id"]
    return None


def refusal(state: Any, provider: str, name: str, own_key: str, location: str = "") -> Reply | None:
    """ARM's answer to creating `name` when it is taken elsewhere (by us or by 'someone else': taken_names)."""
    if provider not in _CODES:
        return None
    other = holder(state, provider, name, own_key)
    if provider == "microsoft.cache/redisenterprise" and other is not None:
        # Managed Redis host names carry the region (<name>.<region>.redis.azure.net): unique per region.
        if (state.resources[other.lower()].get("location") or "").lower() != location.lower():
            other = None
    if other is None and name.lower() not in state.taken_names:
        return None
    code, message = _CODES[provider]
    return error(409, code, message.format(name=name, acr=ext(state).acr_suffix))
