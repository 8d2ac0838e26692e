"""A private endpoint for the cache (connectivity "private-endpoint"), Microsoft's recommended private access
for both Azure Cache for Redis and Azure Managed Redis."""

from __future__ import annotations

from typing import Any, Callable

from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.network.models import PrivateEndpoint, PrivateLinkServiceConnection, Subnet

from wizard.profile import Profile
from wizard.targets.azure.clients import AzureClients
from wizard.targets.azure.groups import our_tags
from wizard.targets.azure.polling import existing_and_ready, resume_or_create
from wizard.targets.base import StepContext, StepFailed

# Private DNS zone each service's endpoint needs, for the hint we log (zone + VNet link are not automated).
_ZONES = {"cache-for-redis": "privatelink.redis.cache.windows.net", "managed-redis": "privatelink.redis.azure.net"}
_GROUP_IDS = {"cache-for-redis": "redisCache", "managed-redis": "redisEnterprise"}


def endpoint_name(profile: Profile) -> str:
    return f"{profile.cache.name}-pe"


def network_client(clients: AzureClients) -> NetworkManagementClient:
    return NetworkManagementClient(clients.credential, clients.subscription_id, **clients.options)


class PrivateEndpointAction:
    def __init__(self, clients_for: Callable[[Profile], AzureClients]):
        self._clients_for = clients_for

    def existing(self, ctx: StepContext) -> dict[str, Any] | None:
        client = network_client(self._clients_for(ctx.profile))
        found = existing_and_ready(
            "looking for the private endpoint",
            lambda: client.private_endpoints.get(ctx.profile.resource_group.name, endpoint_name(ctx.profile)),
        )
        return self._outputs(found, ctx.profile) if found is not None else None

    def run(self, ctx: StepContext) -> dict[str, Any]:
        profile = ctx.profile
        if not profile.cache.subnet_id:
            raise StepFailed(
                "A private endpoint needs a subnet: set cache.subnet_id to the resource id of a subnet in the cache's region."
            )
        client = network_client(self._clients_for(profile))
        group, name = profile.resource_group.name, endpoint_name(profile)
        body = PrivateEndpoint(
            location=profile.azure.location,
            tags=our_tags(profile),
            subnet=Subnet(id=profile.cache.subnet_id),
            private_link_service_connections=[
                PrivateLinkServiceConnection(
                    name=f"{profile.cache.name}-link",
                    private_link_service_id=ctx.outputs["cache"]["id"],
                    group_ids=[_GROUP_IDS[profile.cache.service]],
                )
            ],
        )
        found = resume_or_create(
            ctx,
            lambda: client.private_endpoints.get(group, name),
            lambda: client.private_endpoints.begin_create_or_update(group, name, body),
            "creating the cache's private endpoint",
            estimate_s=90,
        )
        ctx.log(
            f"Private endpoint {name} created. For the function app to reach the cache privately, link the private DNS "
            f"zone {_ZONES[profile.cache.service]} to the subnet's VNet and add VNet integration to the app "
            "(`az functionapp vnet-integration add`); the wizard does not automate those two yet."
        )
        return self._outputs(found, profile)

    @staticmethod
    def _outputs(found: Any, profile: Profile) -> dict[str, Any]:
        return {"private_endpoint": found.name, "id": found.id, "subnet_id": profile.cache.subnet_id, "dns_zone": _ZONES[profile.cache.service]}
