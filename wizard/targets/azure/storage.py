"""Storage accounts: the function app's own (AzureWebJobsStorage) and, when asked, the one receiving Redis persistence files."""

from __future__ import annotations

from typing import Any, Callable

from azure.mgmt.storage.models import Sku, StorageAccountCreateParameters

from wizard.profile import Profile
from wizard.secrets import registry
from wizard.targets.azure.clients import AzureClients
from wizard.targets.azure.errors import azure_call
from wizard.targets.azure.groups import our_tags
from wizard.targets.azure.polling import existing_and_ready, resume_or_create
from wizard.targets.base import StepContext

ESTIMATE_S = 30.0


def account_names(profile: Profile) -> list[str]:
    """The function app's account first, then the persistence account when it is a different one."""
    names = [profile.function.storage_account]
    extra = profile.cache.persistence.storage_account
    if profile.cache.persistence.mode != "none" and extra and extra != names[0]:
        names.append(extra)
    return names


def create_parameters(profile: Profile) -> StorageAccountCreateParameters:
    return StorageAccountCreateParameters(
        sku=Sku(name="Standard_LRS"),
        kind="StorageV2",
        location=profile.azure.location,
        tags=our_tags(profile),
        minimum_tls_version="TLS1_2",
        allow_blob_public_access=False,
        enable_https_traffic_only=True,
    )


def account_key(clients: AzureClients, group: str, account: str) -> str:
    """The first access key, registered as a secret. storage 24 has `.keys`; 25+ renamed the list to
    `.keys_property` (there `.keys` is the dict method)."""
    result = azure_call(
        f"reading the keys of the storage account {account}", clients.storage.storage_accounts.list_keys, group, account
    )
    keys: Any = getattr(result, "keys_property", None)
    if keys is None:
        keys = result.keys
        if callable(keys) or not keys:  # a 25+ model whose list we could not find: fail loudly, not silently
            raise RuntimeError("unexpected azure-mgmt-storage list_keys result shape")
    value = str(keys[0].value or "")
    registry.add(value)
    return value


def connection_string(clients: AzureClients, group: str, account: str) -> str:
    key = account_key(clients, group, account)
    value = (
        f"DefaultEndpointsProtocol=https;AccountName={account};AccountKey={key};"
        f"EndpointSuffix={clients.cloud.storage_suffix}"
    )
    registry.add(value)
    return value


def _getter(clients: AzureClients, group: str, name: str) -> Callable[[], Any]:
    return lambda: clients.storage.storage_accounts.get_properties(group, name)


def _creator(clients: AzureClients, group: str, name: str, profile: Profile) -> Callable[[], Any]:
    return lambda: clients.storage.storage_accounts.begin_create(group, name, create_parameters(profile))


class StorageAction:
    def __init__(self, clients_for: Callable[[Profile], AzureClients]):
        self._clients_for = clients_for

    def existing(self, ctx: StepContext) -> dict[str, Any] | None:
        clients = self._clients_for(ctx.profile)
        group = ctx.profile.resource_group.name
        found = {}
        for name in account_names(ctx.profile):
            account = existing_and_ready("looking for the storage account", _getter(clients, group, name))
            if account is None:
                return None
            found[name] = account
        return self._outputs(found)

    def run(self, ctx: StepContext) -> dict[str, Any]:
        profile = ctx.profile
        clients = self._clients_for(profile)
        group = profile.resource_group.name
        names = account_names(profile)
        found = {}
        for index, name in enumerate(names):
            span = (index / len(names), (index + 1) / len(names))
            field = "function.storage_account" if index == 0 else "cache.persistence.storage_account"
            found[name] = resume_or_create(
                ctx,
                _getter(clients, group, name),
                _creator(clients, group, name, profile),
                f"creating the storage account {name}",
                estimate_s=ESTIMATE_S,
                span=span,
                name=name,
                name_field=field,
            )
        return self._outputs(found)

    @staticmethod
    def _outputs(found: dict[str, Any]) -> dict[str, Any]:
        names = list(found)
        return {"storage_account": names[0], "accounts": names, "id": found[names[0]].id}
