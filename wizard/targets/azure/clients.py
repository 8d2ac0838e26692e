"""The SDK client factory: the management clients of one profile's subscription and cloud, built on first use.

Configuration (endpoints, CA bundle, polling) is in config.py; the GUI's pickers and name checks in pickers.py."""

from __future__ import annotations

from functools import cached_property

from azure.core.credentials import TokenCredential
from azure.mgmt.authorization import AuthorizationManagementClient
from azure.mgmt.containerregistry import ContainerRegistryManagementClient
from azure.mgmt.redis import RedisManagementClient
from azure.mgmt.redisenterprise import RedisEnterpriseManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.storage import StorageManagementClient
from azure.mgmt.web import WebSiteManagementClient

from wizard.i18n import _
from wizard.profile import Profile
from wizard.targets.azure import api_versions
from wizard.targets.azure.config import ACR_TASKS_API_VERSION, client_options, cloud_for
from wizard.targets.base import StepFailed


class AzureClients:
    """The management clients for one profile; each is built on first use."""

    def __init__(self, profile: Profile, credential: TokenCredential):
        if not profile.azure.subscription_id:
            raise StepFailed(_("Choose a subscription (azure.subscription_id) before deploying to Azure."))
        self.profile = profile
        self.credential = credential
        self.cloud = cloud_for(profile)
        self.subscription_id = profile.azure.subscription_id
        self.options = client_options(self.cloud)

    @cached_property
    def resource(self) -> ResourceManagementClient:
        return ResourceManagementClient(self.credential, self.subscription_id, api_version=api_versions.RESOURCES, **self.options)

    @cached_property
    def redis(self) -> RedisManagementClient:
        return RedisManagementClient(self.credential, self.subscription_id, api_version=api_versions.REDIS, **self.options)

    @cached_property
    def redis_enterprise(self) -> RedisEnterpriseManagementClient:
        return RedisEnterpriseManagementClient(self.credential, self.subscription_id, api_version=api_versions.REDIS_ENTERPRISE, **self.options)

    @cached_property
    def storage(self) -> StorageManagementClient:
        return StorageManagementClient(self.credential, self.subscription_id, api_version=api_versions.STORAGE, **self.options)

    @cached_property
    def web(self) -> WebSiteManagementClient:
        return WebSiteManagementClient(self.credential, self.subscription_id, api_version=api_versions.WEB, **self.options)

    @cached_property
    def acr(self) -> ContainerRegistryManagementClient:
        return ContainerRegistryManagementClient(self.credential, self.subscription_id, api_version=api_versions.CONTAINER_REGISTRY, **self.options)

    @cached_property
    def acr_tasks(self) -> ContainerRegistryManagementClient:
        return ContainerRegistryManagementClient(
            self.credential, self.subscription_id, api_version=ACR_TASKS_API_VERSION, **self.options
        )

    @cached_property
    def authorization(self) -> AuthorizationManagementClient:
        return AuthorizationManagementClient(self.credential, self.subscription_id, api_version=api_versions.AUTHORIZATION, **self.options)
