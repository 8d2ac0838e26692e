"""A private endpoint for the cache (connectivity "private-endpoint"), Microsoft's recommended private access
for both Azure Cache for Redis and Azure Managed Redis."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Mapping

from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.network.models import PrivateEndpoint, PrivateLinkServiceConnection, Subnet

from wizard.i18n import _
from wizard.profile import Profile
from wizard.targets.azure.clients import AzureClients
from wizard.targets.azure.groups import our_tags
from wizard.targets.azure.polling import existing_and_ready, resume_or_create, wait_lro
from wizard.targets.base import Change, FirstInterface, Observed, Outputs, StepContext, StepFailed

# Private DNS zone each service's endpoint needs, for the hint we log (zone + VNet link are not automated).
_ZONES = {"cache-for-redis": "privatelink.redis.cache.windows.net", "managed-redis": "privatelink.redis.azure.net"}
_GROUP_IDS = {"cache-for-redis": "redisCache", "managed-redis": "redisEnterprise"}


def endpoint_name(profile: Profile) -> str:
    return f"{profile.cache.name}-pe"


def network_client(clients: AzureClients) -> NetworkManagementClient:
    return NetworkManagementClient(clients.credential, clients.subscription_id, **clients.options)


SUBNET = "cache.subnet_id"


@dataclass(frozen=True)
class PrivateEndpointOutputs(Outputs):
    private_endpoint: str
    id: str = ""
    subnet_id: str = ""
    dns_zone: str = ""


class PrivateEndpointAction(FirstInterface):
    """The cache's private endpoint, compared on its subnet: an endpoint cannot move to another subnet, so a
    changed cache.subnet_id replaces it (with consent)."""

    outputs_type: ClassVar[type[Outputs]] = PrivateEndpointOutputs
    replace_on: ClassVar[Mapping[str, str]] = {
        SUBNET: "the endpoint's private IP address (DNS records and firewall rules naming it must follow)"}

    def __init__(self, clients_for: Callable[[Profile], AzureClients]):
        self._clients_for = clients_for

    def desired(self, ctx: StepContext) -> dict[str, Any]:
        return {SUBNET: (ctx.profile.cache.subnet_id or "").lower()}

    def observe(self, ctx: StepContext) -> Observed | None:
        client = network_client(self._clients_for(ctx.profile))
        found = existing_and_ready(
            _("looking for the private endpoint"),
            lambda: client.private_endpoints.get(ctx.profile.resource_group.name, endpoint_name(ctx.profile)),
        )
        if found is None:
            return None
        subnet = (found.subnet.id if found.subnet is not None else "") or ""
        return Observed({SUBNET: subnet.lower()}, self._outputs(found, ctx.profile, subnet))

    def adopt(self, ctx: StepContext, observed: Observed) -> Outputs:
        assert observed.outputs is not None
        return observed.outputs

    def update(self, ctx: StepContext, observed: Observed, change: Change) -> Outputs:
        return self.adopt(ctx, observed)  # the only setting compared forces a replacement

    def delete(self, ctx: StepContext, observed: Observed) -> None:
        client = network_client(self._clients_for(ctx.profile))
        group, name = ctx.profile.resource_group.name, endpoint_name(ctx.profile)
        wait_lro(ctx, lambda: client.private_endpoints.begin_delete(group, name), _("deleting the cache's private endpoint"),
                 estimate_s=60)

    def create(self, ctx: StepContext) -> PrivateEndpointOutputs:
        return self._create(ctx)

    def _create(self, ctx: StepContext) -> PrivateEndpointOutputs:
        profile = ctx.profile
        if not profile.cache.subnet_id:
            raise StepFailed(
                _("A private endpoint needs a subnet: set cache.subnet_id to the resource id of a subnet in the "
                  "cache's region.")
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
            _("creating the cache's private endpoint"),
            estimate_s=90,
        )
        ctx.log(
            _("Private endpoint {name} created. For the function app to reach the cache privately, link the private "
              "DNS zone {zone} to the subnet's VNet and add VNet integration to the app (`az functionapp "
              "vnet-integration add`); the wizard does not automate those two yet.").format(
                name=name, zone=_ZONES[profile.cache.service])
        )
        return self._outputs(found, profile, profile.cache.subnet_id)

    @staticmethod
    def _outputs(found: Any, profile: Profile, subnet_id: str) -> PrivateEndpointOutputs:
        return PrivateEndpointOutputs(private_endpoint=found.name or "", id=found.id or "", subnet_id=subnet_id,
                                      dns_zone=_ZONES[profile.cache.service])
