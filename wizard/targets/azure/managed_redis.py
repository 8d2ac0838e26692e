"""Azure Managed Redis (Microsoft.Cache/redisEnterprise): the cluster, its `default` database on port 10000,
its key, and an Entra access-policy assignment for the function app's identity."""

from __future__ import annotations

from typing import Any, Callable

from azure.mgmt.redisenterprise.models import (
    AccessPolicyAssignment,
    AccessPolicyAssignmentPropertiesUser,
    Cluster,
    Database,
    Persistence,
    Sku,
)

from wizard.profile import Profile
from wizard.secrets import registry
from wizard.targets.azure.cache_access import CacheAccessAction
from wizard.targets.azure.clients import AzureClients
from wizard.targets.azure.errors import azure_call
from wizard.targets.azure.groups import our_tags
from wizard.targets.azure.polling import existing_and_ready, get_or_none, resume_or_create, wait_lro
from wizard.targets.base import StepContext

ESTIMATE_S = 10 * 60.0
DATABASE = "default"
PORT = 10000
ASSIGNMENT_NAME = "mlfuncfunctionapp"  # Managed Redis assignment names: letters and digits only


def _rdb_frequency(minutes: int) -> str:
    # Managed Redis offers 1 h, 6 h or 12 h: take the nearest not more frequent than asked.
    if minutes <= 60:
        return "1h"
    if minutes <= 360:
        return "6h"
    return "12h"


def cluster_parameters(profile: Profile) -> Cluster:
    cache = profile.cache
    params: dict[str, Any] = dict(
        location=profile.azure.location,
        sku=Sku(name=cache.sku),
        tags=our_tags(profile),
        high_availability="Enabled" if cache.high_availability else "Disabled",
        minimum_tls_version=cache.minimum_tls_version or "1.2",
        public_network_access="Enabled" if cache.connectivity == "public" else "Disabled",
    )
    if cache.zones:
        params["zones"] = list(cache.zones)
    return Cluster(**params)


def database_parameters(profile: Profile) -> Database:
    cache = profile.cache
    mode = cache.persistence.mode
    persistence = None
    if mode == "rdb":
        persistence = Persistence(rdb_enabled=True, rdb_frequency=_rdb_frequency(cache.persistence.rdb_frequency_minutes))
    elif mode == "aof":
        persistence = Persistence(aof_enabled=True, aof_frequency="1s")
    return Database(
        client_protocol="Plaintext" if cache.non_tls_port else "Encrypted",
        port=PORT,
        clustering_policy=cache.clustering_policy or "EnterpriseCluster",
        eviction_policy=cache.eviction_policy or "VolatileLRU",
        persistence=persistence,
        access_keys_authentication="Disabled" if cache.authentication == "entra" else "Enabled",
    )


def outputs_of(cluster: Any, database: Any, profile: Profile) -> dict[str, Any]:
    return {
        "service": "managed-redis",
        "id": cluster.id,
        "database_id": database.id,
        "host_name": cluster.host_name,
        "port": database.port or PORT,
        "tls": str(getattr(database.client_protocol, "value", database.client_protocol)) != "Plaintext",
        "cluster": str(getattr(database.clustering_policy, "value", database.clustering_policy)) == "OSSCluster",
        "authentication": profile.cache.authentication,
    }


def primary_key(clients: AzureClients, profile: Profile) -> str:
    keys = azure_call(
        "reading the Managed Redis access keys",
        clients.redis_enterprise.databases.list_keys,
        profile.resource_group.name,
        profile.cache.name,
        DATABASE,
    )
    registry.add(keys.primary_key)
    registry.add(keys.secondary_key)
    return keys.primary_key


class ManagedRedisAction:
    def __init__(self, clients_for: Callable[[Profile], AzureClients]):
        self._clients_for = clients_for

    def existing(self, ctx: StepContext) -> dict[str, Any] | None:
        clients = self._clients_for(ctx.profile)
        group, name = ctx.profile.resource_group.name, ctx.profile.cache.name
        cluster = existing_and_ready("looking for the Managed Redis cluster", lambda: clients.redis_enterprise.redis_enterprise.get(group, name))
        if cluster is None:
            return None
        database = existing_and_ready(
            "looking for the Managed Redis database", lambda: clients.redis_enterprise.databases.get(group, name, DATABASE)
        )
        return outputs_of(cluster, database, ctx.profile) if database is not None else None

    def run(self, ctx: StepContext) -> dict[str, Any]:
        profile = ctx.profile
        clients = self._clients_for(profile)
        group, name = profile.resource_group.name, profile.cache.name
        cluster = resume_or_create(
            ctx,
            lambda: clients.redis_enterprise.redis_enterprise.get(group, name),
            lambda: clients.redis_enterprise.redis_enterprise.begin_create(group, name, cluster_parameters(profile)),
            "creating the Azure Managed Redis cluster",
            estimate_s=ESTIMATE_S * 0.8,
            span=(0.0, 0.8),
            name=name,
            name_field="cache.name",
        )
        database = resume_or_create(
            ctx,
            lambda: clients.redis_enterprise.databases.get(group, name, DATABASE),
            lambda: clients.redis_enterprise.databases.begin_create(group, name, DATABASE, database_parameters(profile)),
            "creating the Managed Redis database",
            estimate_s=ESTIMATE_S * 0.2,
            span=(0.8, 1.0),
        )
        return outputs_of(cluster, database, profile)


class ManagedRedisAccessAction(CacheAccessAction):
    """Azure Managed Redis: assign the `default` access policy of the database to the app's identity."""

    def policy_name(self, profile: Profile) -> str:
        return "default"

    def assigned_object_id(self, clients: AzureClients, profile: Profile) -> str | None:
        found = get_or_none(
            "looking for the Managed Redis access policy",
            lambda: clients.redis_enterprise.access_policy_assignment.get(
                profile.resource_group.name, profile.cache.name, DATABASE, ASSIGNMENT_NAME
            ),
        )
        return found.user.object_id if found is not None and found.user is not None else None

    def assign(self, ctx: StepContext, clients: AzureClients, principal: str) -> str:
        profile = ctx.profile
        body = AccessPolicyAssignment(access_policy_name="default", user=AccessPolicyAssignmentPropertiesUser(object_id=principal))
        wait_lro(
            ctx,
            lambda: clients.redis_enterprise.access_policy_assignment.begin_create_update(
                profile.resource_group.name, profile.cache.name, DATABASE, ASSIGNMENT_NAME, body
            ),
            "giving the function app access to Managed Redis",
            estimate_s=60,
        )
        return "default"
