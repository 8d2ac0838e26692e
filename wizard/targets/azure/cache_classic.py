"""Azure Cache for Redis (classic, retiring 2028-09-30): create the cache from every profile option, fetch its key,
and give the function app's identity a data access policy when Entra authentication is on."""

from __future__ import annotations

from typing import Any, Callable, ClassVar, Mapping

from azure.mgmt.redis.models import (
    RedisCacheAccessPolicyAssignment,
    RedisCommonPropertiesRedisConfiguration,
    RedisCreateParameters,
    RedisUpdateParameters,
    Sku,
)

from wizard.i18n import _
from wizard.profile import Profile
from wizard.secrets import registry
from wizard.targets.azure import storage
from wizard.targets.azure.cache_access import CacheAccessAction
from wizard.targets.azure.cache_outputs import CacheOutputs
from wizard.targets.azure.clients import AzureClients
from wizard.targets.azure.errors import azure_call
from wizard.targets.azure.groups import our_tags
from wizard.targets.azure.polling import existing_and_ready, get_or_none, resume_or_create, wait_lro
from wizard.targets.base import Change, FirstInterface, Observed, StepContext, StepFailed, compare

ESTIMATE_S = 20 * 60.0  # a new cache takes 15-20 minutes; Premium clusters longer
ACCESS_POLICY = "Data Contributor"
ASSIGNMENT_NAME = "mlfunc-function-app"

# Managed Redis spells eviction policies as enum names; the classic cache takes redis.conf values.
_EVICTION = {
    "volatilelru": "volatile-lru",
    "allkeyslru": "allkeys-lru",
    "volatilelfu": "volatile-lfu",
    "allkeyslfu": "allkeys-lfu",
    "volatilerandom": "volatile-random",
    "allkeysrandom": "allkeys-random",
    "volatilettl": "volatile-ttl",
    "noeviction": "noeviction",
}


def sku_for(profile: Profile) -> Sku:
    name = profile.cache.sku.capitalize()
    family = "P" if name == "Premium" else "C"
    return Sku(name=name, family=family, capacity=profile.cache.capacity)


def create_parameters(profile: Profile, persistence_connection: str | None) -> RedisCreateParameters:
    """The create body, option by option as on the portal's tabs."""
    cache = profile.cache
    premium = cache.sku.lower() == "premium"
    config: dict[str, Any] = {}
    policy = _EVICTION.get(cache.eviction_policy.replace("-", "").lower())
    if policy:
        config["maxmemory_policy"] = policy
    if cache.authentication == "entra":
        config["aad_enabled"] = "true"
    mode = cache.persistence.mode
    if premium and mode == "rdb":
        config.update(
            rdb_backup_enabled="true",
            rdb_backup_frequency=str(cache.persistence.rdb_frequency_minutes),
            rdb_backup_max_snapshot_count="1",
            rdb_storage_connection_string=persistence_connection,
        )
    elif premium and mode == "aof":
        config.update(aof_backup_enabled="true", aof_storage_connection_string0=persistence_connection)
    params: dict[str, Any] = dict(
        location=profile.azure.location,
        sku=sku_for(profile),
        tags=our_tags(profile),
        redis_configuration=RedisCommonPropertiesRedisConfiguration(**config),
        redis_version=cache.redis_version or "6",
        enable_non_ssl_port=cache.non_tls_port,
        minimum_tls_version=cache.minimum_tls_version or "1.2",
        public_network_access="Enabled" if cache.connectivity == "public" else "Disabled",
        disable_access_key_authentication=cache.authentication == "entra",
    )
    if premium and cache.shard_count > 0:
        params["shard_count"] = cache.shard_count
    if premium and cache.replicas_per_primary > 0:
        params["replicas_per_primary"] = cache.replicas_per_primary
    if premium and cache.zones:
        params["zones"] = list(cache.zones)
        params["zonal_allocation_policy"] = "UserDefined"
    if premium and cache.connectivity == "vnet":
        params["subnet_id"] = cache.subnet_id
    return RedisCreateParameters(**params)


def outputs_of(resource: Any, profile: Profile) -> CacheOutputs:
    return CacheOutputs(
        service="cache-for-redis",
        id=resource.id,
        host_name=resource.host_name,
        port=resource.ssl_port or 6380,
        non_tls_port=resource.port if profile.cache.non_tls_port else None,
        tls=True,
        cluster=bool(resource.shard_count),
        authentication=profile.cache.authentication,
    )


# --- the key and Entra settings the profile controls (issue 11 item 13) --------------------------------
# Both can be changed on an existing cache (Redis - Update, PATCH), so none forces a re-creation.
KEYS_DISABLED = "disableAccessKeyAuthentication"
ENTRA = "redisConfiguration.aad-enabled"
REPLACE_ON: Mapping[str, str] = {}


def desired_auth(profile: Profile) -> dict[str, Any]:
    """Entra: keys off and Entra on. Keys: keys on (Entra may stay on; the app uses the key)."""
    if profile.cache.authentication == "entra":
        return {KEYS_DISABLED: True, ENTRA: "true"}
    return {KEYS_DISABLED: False}


def observed_auth(resource: Any) -> dict[str, Any]:
    config = resource.redis_configuration
    aad = str(getattr(config, "aad_enabled", None) or "false").lower() if config is not None else "false"
    return {KEYS_DISABLED: bool(resource.disable_access_key_authentication), ENTRA: aad}


def auth_differences(profile: Profile, resource: Any) -> Change:
    """Pure: how the cache's key/Entra settings differ from the profile's (kind no-change or update; each
    SettingChange names the Azure property)."""
    return compare(desired_auth(profile), Observed(observed_auth(resource)), REPLACE_ON)


def primary_key(clients: AzureClients, profile: Profile) -> str:
    keys = azure_call(
        _("reading the cache's access keys"), clients.redis.redis.list_keys, profile.resource_group.name, profile.cache.name
    )
    registry.add(keys.primary_key)
    registry.add(keys.secondary_key)
    if not keys.primary_key:  # ARM answered without keys (access keys switched off): nothing to connect with
        raise StepFailed(_("Azure returned no access key for the cache {name}; check that access keys are on "
                           "(cache.authentication) and deploy again.").format(name=profile.cache.name))
    return keys.primary_key


class ClassicCacheAction(FirstInterface):
    """observe -> compare -> act: a cache that exists is compared on the key/Entra settings the profile controls
    and updated in place when they differ (an adopted cache with keys off would refuse the app's key)."""

    outputs_type: ClassVar[type[CacheOutputs]] = CacheOutputs
    replace_on: ClassVar[Mapping[str, str]] = REPLACE_ON

    def __init__(self, clients_for: Callable[[Profile], AzureClients]):
        self._clients_for = clients_for

    def desired(self, ctx: StepContext) -> dict[str, Any]:
        return desired_auth(ctx.profile)

    def observe(self, ctx: StepContext) -> Observed | None:
        clients = self._clients_for(ctx.profile)
        found = existing_and_ready(
            _("looking for the cache"),
            lambda: clients.redis.redis.get(ctx.profile.resource_group.name, ctx.profile.cache.name),
        )
        if found is None:
            return None
        return Observed(observed_auth(found), outputs=outputs_of(found, ctx.profile), handle=found)

    def adopt(self, ctx: StepContext, observed: Observed) -> CacheOutputs:
        assert isinstance(observed.outputs, CacheOutputs)
        return observed.outputs

    def update(self, ctx: StepContext, observed: Observed, change: Change) -> CacheOutputs:
        profile = ctx.profile
        clients = self._clients_for(profile)
        wanted = desired_auth(profile)
        params: dict[str, Any] = {"disable_access_key_authentication": wanted[KEYS_DISABLED]}
        if ENTRA in wanted:
            params["redis_configuration"] = RedisCommonPropertiesRedisConfiguration(aad_enabled=wanted[ENTRA])
        resource = wait_lro(
            ctx,
            lambda: clients.redis.redis.begin_update(profile.resource_group.name, profile.cache.name, RedisUpdateParameters(**params)),
            _("changing the cache's authentication ({settings})").format(
                settings=", ".join(c.setting for c in change.settings)),
            estimate_s=120,
        )
        return outputs_of(resource, profile)

    def delete(self, ctx: StepContext, observed: Observed) -> None:
        raise StepFailed(_("The cache is never replaced by the wizard; delete it yourself if you mean to."))

    def create(self, ctx: StepContext) -> CacheOutputs:
        profile = ctx.profile
        clients = self._clients_for(profile)
        group, name = profile.resource_group.name, profile.cache.name
        connection = None
        if profile.cache.persistence.mode in ("rdb", "aof"):
            account = profile.cache.persistence.storage_account or profile.function.storage_account
            connection = storage.connection_string(clients, group, account)
        resource = resume_or_create(
            ctx,
            lambda: clients.redis.redis.get(group, name),
            lambda: clients.redis.redis.begin_create(group, name, create_parameters(profile, connection)),
            _("creating the Azure Cache for Redis"),
            estimate_s=ESTIMATE_S,
            name=name,
            name_field="cache.name",
        )
        return outputs_of(resource, profile)


def access_assignment_body(profile: Profile, principal: str) -> RedisCacheAccessPolicyAssignment:
    """The access-policy assignment's PUT body (also what the template export writes)."""
    return RedisCacheAccessPolicyAssignment(object_id=principal, object_id_alias=profile.function.app_name, access_policy_name=ACCESS_POLICY)


class ClassicCacheAccessAction(CacheAccessAction):
    """Azure Cache for Redis: an access-policy assignment (Data Owner/Contributor) for the app's identity."""

    def policy_name(self, profile: Profile) -> str:
        return ACCESS_POLICY

    def assigned_object_id(self, clients: AzureClients, profile: Profile) -> str | None:
        found = get_or_none(
            _("looking for the cache access policy"),
            lambda: clients.redis.access_policy_assignment.get(profile.resource_group.name, profile.cache.name, ASSIGNMENT_NAME),
        )
        return found.object_id if found is not None else None

    def assign(self, ctx: StepContext, clients: AzureClients, principal: str) -> str:
        profile = ctx.profile
        body = access_assignment_body(profile, principal)
        wait_lro(
            ctx,
            lambda: clients.redis.access_policy_assignment.begin_create_update(
                profile.resource_group.name, profile.cache.name, ASSIGNMENT_NAME, body
            ),
            _("giving the function app access to the cache"),
            estimate_s=60,
        )
        return ACCESS_POLICY
