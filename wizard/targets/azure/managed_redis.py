"""Azure Managed Redis (Microsoft.Cache/redisEnterprise): the cluster, its `default` database on port 10000,
its key, and an Entra access-policy assignment for the function app's identity."""

from __future__ import annotations

from typing import Any, Callable, ClassVar, Mapping

from azure.mgmt.redisenterprise.models import (
    AccessPolicyAssignment,
    AccessPolicyAssignmentPropertiesUser,
    Cluster,
    Database,
    DatabaseUpdate,
    Persistence,
    Sku,
)

from wizard.i18n import _
from wizard.profile import Profile
from wizard.secrets import registry
from wizard.targets.azure.cache_access import CacheAccessAction
from wizard.targets.azure.cache_outputs import CacheOutputs
from wizard.targets.azure.clients import AzureClients
from wizard.targets.azure.errors import azure_call
from wizard.targets.azure.groups import our_tags
from wizard.targets.azure.polling import existing_and_ready, get_or_none, resume_or_create, wait_lro
from wizard.targets.base import Change, FirstInterface, Observed, StepContext, StepFailed, compare

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


def _text(value: Any) -> str | None:
    return None if value is None else str(getattr(value, "value", value))


def outputs_of(cluster: Any, database: Any, profile: Profile) -> CacheOutputs:
    return CacheOutputs(
        service="managed-redis",
        id=cluster.id,
        database_id=database.id,
        host_name=cluster.host_name,
        port=database.port or PORT,
        tls=_text(database.client_protocol) != "Plaintext",
        cluster=_text(database.clustering_policy) == "OSSCluster",
        authentication=profile.cache.authentication,
    )


# --- the settings of the database the profile controls and compares (issue 11 item 13) -----------------
# accessKeysAuthentication "can be updated even after database is created"; the clustering policy "cannot be
# updated without deleting the database" unless it is NoCluster (spec 2025-07-01, DatabaseCreateProperties).
ACCESS_KEYS = "accessKeysAuthentication"
CLUSTERING = "cache.clustering_policy"
REPLACE_ON: Mapping[str, str] = {CLUSTERING: "every cached answer (the new database starts empty)"}


def desired_auth(profile: Profile) -> dict[str, Any]:
    return {
        ACCESS_KEYS: "Disabled" if profile.cache.authentication == "entra" else "Enabled",
        CLUSTERING: profile.cache.clustering_policy or "EnterpriseCluster",
    }


def observed_auth(database: Any) -> dict[str, Any]:
    # A database created without the property has keys off: the API default is Disabled (AZURE_NOTES 2026-12).
    return {
        ACCESS_KEYS: _text(database.access_keys_authentication) or "Disabled",
        CLUSTERING: _text(database.clustering_policy) or "OSSCluster",  # spec: "default is OSSCluster"
    }


def auth_differences(profile: Profile, database: Any) -> Change:
    """Pure: how the database differs from the profile (update in place for keys; replace for clustering)."""
    return compare(desired_auth(profile), Observed(observed_auth(database)), REPLACE_ON)


def primary_key(clients: AzureClients, profile: Profile) -> str:
    keys = azure_call(
        _("reading the Managed Redis access keys"),
        clients.redis_enterprise.databases.list_keys,
        profile.resource_group.name,
        profile.cache.name,
        DATABASE,
    )
    registry.add(keys.primary_key)
    registry.add(keys.secondary_key)
    if not keys.primary_key:  # ARM answered without keys (access keys switched off): nothing to connect with
        raise StepFailed(_("Azure returned no access key for the Managed Redis database {name}; check that "
                           "access keys are on (cache.authentication) and deploy again.").format(name=profile.cache.name))
    return keys.primary_key


class ManagedRedisAction(FirstInterface):
    """observe -> compare -> act on the cluster's `default` database: access keys are switched in place; a
    different clustering policy needs the database re-created, which the engine does only with consent."""

    outputs_type: ClassVar[type[CacheOutputs]] = CacheOutputs
    replace_on: ClassVar[Mapping[str, str]] = REPLACE_ON

    def __init__(self, clients_for: Callable[[Profile], AzureClients]):
        self._clients_for = clients_for

    def desired(self, ctx: StepContext) -> dict[str, Any]:
        return desired_auth(ctx.profile)

    def observe(self, ctx: StepContext) -> Observed | None:
        clients = self._clients_for(ctx.profile)
        group, name = ctx.profile.resource_group.name, ctx.profile.cache.name
        cluster = existing_and_ready(_("looking for the Managed Redis cluster"), lambda: clients.redis_enterprise.redis_enterprise.get(group, name))
        if cluster is None:
            return None
        database = existing_and_ready(
            _("looking for the Managed Redis database"), lambda: clients.redis_enterprise.databases.get(group, name, DATABASE)
        )
        if database is None:
            return None
        return Observed(observed_auth(database), outputs=outputs_of(cluster, database, ctx.profile), handle=(cluster, database))

    def adopt(self, ctx: StepContext, observed: Observed) -> CacheOutputs:
        assert isinstance(observed.outputs, CacheOutputs)
        return observed.outputs

    def update(self, ctx: StepContext, observed: Observed, change: Change) -> CacheOutputs:
        profile = ctx.profile
        clients = self._clients_for(profile)
        group, name = profile.resource_group.name, profile.cache.name
        body = DatabaseUpdate(access_keys_authentication=desired_auth(profile)[ACCESS_KEYS])
        database = wait_lro(
            ctx,
            lambda: clients.redis_enterprise.databases.begin_update(group, name, DATABASE, body),
            _("switching the Managed Redis access keys off") if profile.cache.authentication == "entra"
            else _("switching the Managed Redis access keys on"),
            estimate_s=60,
        )
        cluster = observed.handle[0]
        return outputs_of(cluster, database, profile)

    def delete(self, ctx: StepContext, observed: Observed) -> None:
        """Only the database (the engine asks consent first): the cluster and its host name stay."""
        profile = ctx.profile
        clients = self._clients_for(profile)
        wait_lro(
            ctx,
            lambda: clients.redis_enterprise.databases.begin_delete(profile.resource_group.name, profile.cache.name, DATABASE),
            _("deleting the Managed Redis database"),
            estimate_s=60,
        )

    def create(self, ctx: StepContext) -> CacheOutputs:
        profile = ctx.profile
        clients = self._clients_for(profile)
        group, name = profile.resource_group.name, profile.cache.name
        cluster = resume_or_create(
            ctx,
            lambda: clients.redis_enterprise.redis_enterprise.get(group, name),
            lambda: clients.redis_enterprise.redis_enterprise.begin_create(group, name, cluster_parameters(profile)),
            _("creating the Azure Managed Redis cluster"),
            estimate_s=ESTIMATE_S * 0.8,
            span=(0.0, 0.8),
            name=name,
            name_field="cache.name",
        )
        database = resume_or_create(
            ctx,
            lambda: clients.redis_enterprise.databases.get(group, name, DATABASE),
            lambda: clients.redis_enterprise.databases.begin_create(group, name, DATABASE, database_parameters(profile)),
            _("creating the Managed Redis database"),
            estimate_s=ESTIMATE_S * 0.2,
            span=(0.8, 1.0),
        )
        return outputs_of(cluster, database, profile)


def access_assignment_body(principal: str) -> AccessPolicyAssignment:
    """The database access-policy assignment's PUT body (also what the template export writes)."""
    return AccessPolicyAssignment(access_policy_name="default", user=AccessPolicyAssignmentPropertiesUser(object_id=principal))


class ManagedRedisAccessAction(CacheAccessAction):
    """Azure Managed Redis: assign the `default` access policy of the database to the app's identity."""

    def policy_name(self, profile: Profile) -> str:
        return "default"

    def assigned_object_id(self, clients: AzureClients, profile: Profile) -> str | None:
        found = get_or_none(
            _("looking for the Managed Redis access policy"),
            lambda: clients.redis_enterprise.access_policy_assignment.get(
                profile.resource_group.name, profile.cache.name, DATABASE, ASSIGNMENT_NAME
            ),
        )
        return found.user.object_id if found is not None and found.user is not None else None

    def assign(self, ctx: StepContext, clients: AzureClients, principal: str) -> str:
        profile = ctx.profile
        body = access_assignment_body(principal)
        wait_lro(
            ctx,
            lambda: clients.redis_enterprise.access_policy_assignment.begin_create_update(
                profile.resource_group.name, profile.cache.name, DATABASE, ASSIGNMENT_NAME, body
            ),
            _("giving the function app access to Managed Redis"),
            estimate_s=60,
        )
        return "default"
