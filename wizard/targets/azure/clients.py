"""SDK clients built for the profile's cloud, plus the background pickers of the GUI (subscriptions, regions,
groups, name checks)."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from azure.core.credentials import TokenCredential
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.authorization import AuthorizationManagementClient
from azure.mgmt.containerregistry import ContainerRegistryManagementClient
from azure.mgmt.redis import RedisManagementClient
from azure.mgmt.redisenterprise import RedisEnterpriseManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.resource.subscriptions import SubscriptionClient
from azure.mgmt.storage import StorageManagementClient
from azure.mgmt.web import WebSiteManagementClient

from wizard.profile import Profile
from wizard.targets.azure.auth import Cloud, cloud_for
from wizard.targets.azure.errors import azure_call, error_code_and_message, translate
from wizard.targets.base import StepFailed

log = logging.getLogger(__name__)

# ACR Tasks (schedule_run, runs, source upload) only exist in the 2019-06-01-preview API of this SDK.
ACR_TASKS_API_VERSION = "2019-06-01-preview"


def client_options(cloud: Cloud) -> dict[str, Any]:
    """Keyword arguments every SDK client gets: the cloud's endpoint and scope, the CA bundle, polling speed.

    The SDK's own retry policy handles short blips (3 tries); longer trouble surfaces as TransientError
    and the engine retries the whole step."""
    options: dict[str, Any] = {
        "base_url": cloud.arm_endpoint,
        "credential_scopes": [cloud.scope],
        "retry_total": 3,
        "retry_backoff_factor": float(os.environ.get("MLFUNC_WIZARD_RETRY_BACKOFF", "0.8")),
    }
    ca_bundle = os.environ.get("MLFUNC_WIZARD_CA_BUNDLE")
    if ca_bundle:
        options["connection_verify"] = ca_bundle
    interval = os.environ.get("MLFUNC_WIZARD_POLLING_INTERVAL")
    if interval is not None and interval != "":
        options["polling_interval"] = float(interval)
    return options


def polling_interval() -> float:
    """Seconds between our own status polls (build runs, host keys); 0 in tests."""
    value = os.environ.get("MLFUNC_WIZARD_POLLING_INTERVAL")
    return float(value) if value not in (None, "") else 5.0


def verify_setting() -> str | bool:
    """What plain HTTP calls (source upload, build logs, warm-up) pass as `verify`."""
    return os.environ.get("MLFUNC_WIZARD_CA_BUNDLE") or True


class AzureClients:
    """The management clients for one profile; each is built on first use."""

    def __init__(self, profile: Profile, credential: TokenCredential):
        if not profile.azure.subscription_id:
            raise StepFailed("Choose a subscription (azure.subscription_id) before deploying to Azure.")
        self.profile = profile
        self.credential = credential
        self.cloud = cloud_for(profile)
        self.subscription_id = profile.azure.subscription_id
        self.options = client_options(self.cloud)

    @cached_property
    def resource(self) -> ResourceManagementClient:
        return ResourceManagementClient(self.credential, self.subscription_id, **self.options)

    @cached_property
    def redis(self) -> RedisManagementClient:
        return RedisManagementClient(self.credential, self.subscription_id, **self.options)

    @cached_property
    def redis_enterprise(self) -> RedisEnterpriseManagementClient:
        return RedisEnterpriseManagementClient(self.credential, self.subscription_id, **self.options)

    @cached_property
    def storage(self) -> StorageManagementClient:
        return StorageManagementClient(self.credential, self.subscription_id, **self.options)

    @cached_property
    def web(self) -> WebSiteManagementClient:
        return WebSiteManagementClient(self.credential, self.subscription_id, **self.options)

    @cached_property
    def acr(self) -> ContainerRegistryManagementClient:
        return ContainerRegistryManagementClient(self.credential, self.subscription_id, **self.options)

    @cached_property
    def acr_tasks(self) -> ContainerRegistryManagementClient:
        return ContainerRegistryManagementClient(
            self.credential, self.subscription_id, api_version=ACR_TASKS_API_VERSION, **self.options
        )

    @cached_property
    def authorization(self) -> AuthorizationManagementClient:
        return AuthorizationManagementClient(self.credential, self.subscription_id, **self.options)


# --- pickers (the GUI calls these in worker threads) -------------------------------------------


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
    client = SubscriptionClient(credential, **client_options(cloud))
    subs = azure_call("listing your subscriptions", lambda: list(client.subscriptions.list()))
    return sorted((Choice(s.subscription_id, s.display_name or s.subscription_id) for s in subs), key=lambda c: c.name.lower())


def list_locations(credential: TokenCredential, profile: Profile) -> list[Choice]:
    cloud = cloud_for(profile)
    client = SubscriptionClient(credential, **client_options(cloud))
    locations = azure_call(
        "listing the regions", lambda: list(client.subscriptions.list_locations(profile.azure.subscription_id))
    )
    return sorted((Choice(l.name, l.display_name or l.name) for l in locations), key=lambda c: c.name)


def list_resource_groups(credential: TokenCredential, profile: Profile) -> list[Choice]:
    clients = AzureClients(profile, credential)
    groups = azure_call("listing the resource groups", lambda: list(clients.resource.resource_groups.list()))
    return sorted((Choice(g.name, f"{g.name} ({g.location})") for g in groups), key=lambda c: c.name.lower())


def list_aml_models(credential: TokenCredential, profile: Profile) -> list[Choice]:
    """Registered models of the profile's Azure ML workspace (SDK v1: see aml.py)."""
    from wizard.targets.azure import aml  # azureml is slow to import and only needed for this route

    return aml.list_models(profile, credential)


_KIND_TYPES = {
    "cache": "Microsoft.Cache/redis",
    "storage": "Microsoft.Storage/storageAccounts",
    "function-app": "Microsoft.Web/sites",
    "managed-redis": "Microsoft.Cache/redisEnterprise",
}


def check_name(kind: str, name: str, credential: TokenCredential, profile: Profile) -> NameCheck:
    """Whether `name` is free for a new resource of `kind` ("cache", "managed-redis", "storage", "function-app")."""
    clients = AzureClients(profile, credential)
    if kind == "cache":
        from azure.mgmt.redis.models import CheckNameAvailabilityParameters

        try:
            clients.redis.redis.check_name_availability(
                CheckNameAvailabilityParameters(name=name, type=_KIND_TYPES[kind])
            )
            return NameCheck(True, "")
        except HttpResponseError as exc:
            if exc.status_code == 409 or exc.status_code == 400:
                _, message = error_code_and_message(exc)
                return NameCheck(False, f"The cache name '{name}' is not available: {message}")
            raise translate(exc, "checking the cache name") from exc
    if kind == "storage":
        from azure.mgmt.storage.models import StorageAccountCheckNameAvailabilityParameters

        result = azure_call(
            "checking the storage account name",
            clients.storage.storage_accounts.check_name_availability,
            StorageAccountCheckNameAvailabilityParameters(name=name, type=_KIND_TYPES[kind]),
        )
        return NameCheck(bool(result.name_available), "" if result.name_available else (result.message or f"'{name}' is taken."))
    if kind == "function-app":
        from azure.mgmt.web.models import ResourceNameAvailabilityRequest

        result = azure_call(
            "checking the function app name",
            clients.web.check_name_availability,
            ResourceNameAvailabilityRequest(name=name, type=_KIND_TYPES[kind]),
        )
        return NameCheck(bool(result.name_available), "" if result.name_available else (result.message or f"'{name}' is taken."))
    if kind == "managed-redis":
        # The redisenterprise SDK has no name-availability API: a name is free for us when our own
        # group does not hold another cluster by it; global clashes surface as a 409 at create time.
        try:
            clients.redis_enterprise.redis_enterprise.get(profile.resource_group.name, name)
        except ResourceNotFoundError:
            return NameCheck(True, "")
        except HttpResponseError as exc:
            raise translate(exc, "checking the Managed Redis name") from exc
        return NameCheck(True, f"'{name}' already exists in {profile.resource_group.name}; it will be reused.")
    raise ValueError(f"unknown resource kind {kind!r}")


