"""Storage accounts: the function app's own (AzureWebJobsStorage) and, when asked, the one receiving Redis persistence files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Mapping

from azure.mgmt.storage.models import Sku, StorageAccountCreateParameters, StorageAccountUpdateParameters

from wizard.i18n import _
from wizard.profile import Profile
from wizard.secrets import registry
from wizard.targets.azure.clients import AzureClients
from wizard.targets.azure.errors import azure_call
from wizard.targets.azure.groups import our_tags
from wizard.targets.azure.polling import existing_and_ready, resume_or_create
from wizard.targets.base import Change, FirstInterface, Observed, Outputs, StepContext

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
        _("reading the keys of the storage account {name}").format(name=account), clients.storage.storage_accounts.list_keys, group, account
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


@dataclass(frozen=True)
class StorageOutputs(Outputs):
    storage_account: str
    accounts: tuple[str, ...] = ()
    id: str = ""


# The settings of each account the wizard controls (create_parameters), keyed `<profile field>.<ARM property>`
# (`function.storage_account.minimumTlsVersion`). A kind change cannot be made in place (an update accepts
# only StorageV2): the account is deleted and created again, with consent.
SETTINGS = ("sku", "kind", "minimumTlsVersion", "allowBlobPublicAccess")
FIELDS = ("function.storage_account", "cache.persistence.storage_account")
REPLACE_LOSS = "every blob, queue and table in the account (the functions host's state, the cache's persistence files)"
REPLACE_ON: Mapping[str, str] = {f"{field}.kind": REPLACE_LOSS for field in FIELDS}


def _accounts(profile: Profile) -> list[tuple[str, str]]:
    """(profile field, account name) of each account of the step: the function app's, and the persistence
    account only when there is a separate one (so there may be fewer names than FIELDS)."""
    return list(zip(FIELDS, account_names(profile), strict=False))


def desired_settings(profile: Profile) -> dict[str, Any]:
    """Each account's settings, from the create body (one place for both)."""
    body = create_parameters(profile)
    wanted = {"sku": body.sku.name, "kind": body.kind, "minimumTlsVersion": body.minimum_tls_version,
              "allowBlobPublicAccess": body.allow_blob_public_access}
    return {f"{field}.{key}": wanted[key] for field, _ in _accounts(profile) for key in SETTINGS}


def observed_settings(field: str, account: Any) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        return getattr(value, "value", value)  # SDK enums carry the wire value

    return {
        f"{field}.sku": plain(account.sku.name) if account.sku is not None else None,
        f"{field}.kind": plain(account.kind),
        f"{field}.minimumTlsVersion": plain(account.minimum_tls_version),
        f"{field}.allowBlobPublicAccess": account.allow_blob_public_access,
    }


class StorageAction(FirstInterface):
    """The function app's account and (when asked) the persistence account: created with create_parameters;
    an existing account is compared on SKU, kind, minimum TLS version and public blob access. SKU, TLS and
    public access change in place (Storage Accounts - Update, a PATCH); a kind change replaces the account."""

    outputs_type: ClassVar[type[Outputs]] = StorageOutputs
    replace_on: ClassVar[Mapping[str, str]] = REPLACE_ON

    def __init__(self, clients_for: Callable[[Profile], AzureClients]):
        self._clients_for = clients_for

    def desired(self, ctx: StepContext) -> dict[str, Any]:
        return desired_settings(ctx.profile)

    def observe(self, ctx: StepContext) -> Observed | None:
        clients = self._clients_for(ctx.profile)
        group = ctx.profile.resource_group.name
        found: dict[str, Any] = {}
        settings: dict[str, Any] = {}
        for field, name in _accounts(ctx.profile):
            account = existing_and_ready(_("looking for the storage account"), _getter(clients, group, name))
            if account is None:
                return None  # create() makes the missing one and reuses the others as they are
            found[name] = account
            settings.update(observed_settings(field, account))
        return Observed(settings, self._outputs(found), handle=found)

    def adopt(self, ctx: StepContext, observed: Observed) -> Outputs:
        assert observed.outputs is not None
        return observed.outputs

    def update(self, ctx: StepContext, observed: Observed, change: Change) -> StorageOutputs:
        profile = ctx.profile
        clients = self._clients_for(profile)
        group = profile.resource_group.name
        body = create_parameters(profile)
        found = dict(observed.handle or {})
        names = dict(_accounts(profile))
        by_account: dict[str, set[str]] = {}
        for c in change.settings:
            field, _dot, key = c.setting.rpartition(".")
            by_account.setdefault(names[field], set()).add(key)
        for name, keys in by_account.items():
            params: dict[str, Any] = {}
            if "sku" in keys:
                params["sku"] = Sku(name=body.sku.name)
            if "minimumTlsVersion" in keys:
                params["minimum_tls_version"] = body.minimum_tls_version
            if "allowBlobPublicAccess" in keys:
                params["allow_blob_public_access"] = body.allow_blob_public_access
            if not params:
                continue
            found[name] = azure_call(
                _("updating the storage account {name} ({settings})").format(name=name, settings=", ".join(sorted(keys))),
                clients.storage.storage_accounts.update, group, name, StorageAccountUpdateParameters(**params),
            )
            ctx.log(_("Updated the storage account {name} in place: {settings}.").format(
                name=name, settings=", ".join(sorted(keys))))
        return self._outputs(found)

    def delete(self, ctx: StepContext, observed: Observed) -> None:
        """Delete the accounts whose kind differs (the engine calls this only with consent)."""
        profile = ctx.profile
        clients = self._clients_for(profile)
        group = profile.resource_group.name
        wanted = desired_settings(profile)
        for field, name in _accounts(profile):
            key = f"{field}.kind"
            if observed.settings.get(key) != wanted[key]:
                ctx.log(_("Deleting the storage account {name} (kind {kind}) to create it as {wanted}.").format(
                    name=name, kind=observed.settings.get(key), wanted=wanted[key]))
                azure_call(_("deleting the storage account {name}").format(name=name), clients.storage.storage_accounts.delete, group, name)

    def create(self, ctx: StepContext) -> StorageOutputs:
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
                _("creating the storage account {name}").format(name=name),
                estimate_s=ESTIMATE_S,
                span=span,
                name=name,
                name_field=field,
            )
        return self._outputs(found)

    @staticmethod
    def _outputs(found: dict[str, Any]) -> StorageOutputs:
        names = list(found)
        return StorageOutputs(storage_account=names[0], accounts=tuple(names), id=found[names[0]].id or "")
