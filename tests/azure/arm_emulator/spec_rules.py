"""Request-body rules of the emulated providers, taken from the REST specifications of the pinned API versions
(excerpts vendored under tests/azure/specs, see its README for repository, path and commit) or from Microsoft's
docs where the specification says nothing. Each rule names its source; a refused body gets ARM's status and code.

Nothing here was checked against live Azure: the error codes marked "docs" or "reported" are the ones Microsoft's
pages or public issue threads show, the rest are the generic codes ARM uses for an invalid request."""

from __future__ import annotations

import re
from typing import Any, Callable

from tests.azure.arm_emulator.arm import RESOURCE_RE, Reply, error

# Specs: tests/azure/specs/redis-2024-11-01.md, redisenterprise-2025-07-01.md, web-2024-11-01.md.
TAG_LIMIT = 50  # docs: learn.microsoft.com/azure/azure-resource-manager/management/tag-resources ("limitations")

Check = Callable[[Any, str, dict[str, Any]], "Reply | None"]


def _bad(message: str, code: str = "InvalidRequestContent") -> Reply:
    return error(400, code, message)


def _enum(value: Any, allowed: tuple[str, ...], where: str) -> Reply | None:
    """The spec's enums are "extensible" (`| string`) in the types; the service accepts only the listed values."""
    if value is None or value in allowed:
        return None
    return _bad(f"The value '{value}' of '{where}' is not valid. Allowed values: {', '.join(allowed)}.")


def _read_only(obj: dict[str, Any], names: tuple[str, ...], where: str) -> Reply | None:
    sent = [n for n in names if n in obj]
    if sent:
        return _bad(f"The property '{where}.{sent[0]}' is read-only and cannot be set by the client.")
    return None


def _required(obj: Any, name: str, where: str) -> Reply | None:
    if not isinstance(obj, dict) or obj.get(name) in (None, ""):
        return _bad(f"The property '{where}.{name}' is required.", "MissingRequiredProperty" if where else "InvalidRequestContent")
    return None


def _first(*replies: Reply | None) -> Reply | None:
    return next((r for r in replies if r is not None), None)


# --- tags, common to every tracked resource and resource groups -----------------------------------

def tags_rule(body: Any) -> Reply | None:
    tags = body.get("tags") if isinstance(body, dict) else None
    if isinstance(tags, dict) and len(tags) > TAG_LIMIT:
        # docs (tag-resources): "Each resource, resource group, and subscription can have a maximum of 50 tag
        # name/value pairs." The exact error code is not documented; BadRequest is ARM's generic one.
        return error(400, "BadRequest", f"The resource has {len(tags)} tags; at most {TAG_LIMIT} tags are allowed per resource.")
    return None


# --- Microsoft.Cache/redis @ 2024-11-01 ----------------------------------------------------------

# docs: learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftcache
#   "1-63, alphanumerics and hyphens; start and end with alphanumeric; consecutive hyphens aren't allowed"
_CLASSIC_NAME = re.compile(r"^(?!.*--)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
# spec: RedisCreatePropertiesOrRedisProperties, (ReadOnly) members
_CLASSIC_READ_ONLY = ("accessKeys", "hostName", "instances", "linkedServers", "port", "privateEndpointConnections",
                      "provisioningState", "sslPort")
# spec: RedisCommonPropertiesRedisConfiguration, (ReadOnly) members
_CLASSIC_CONFIG_READ_ONLY = ("maxclients", "preferred-data-archive-auth-method", "zonal-configuration")
# spec: Sku.capacity description "for C (Basic/Standard) family (0..6), for P (Premium) family (1, 2, 3, 4)";
# the pricing docs also list P5 (120 GB), so 5 is accepted for P.
_CAPACITY = {"C": range(0, 7), "P": range(1, 6)}
_FAMILY = {"Basic": "C", "Standard": "C", "Premium": "P"}  # spec: Sku.family "(C = Basic/Standard, P = Premium)"
_RDB_FREQUENCIES = ("15", "30", "60", "360", "720", "1440")  # spec: rdb-backup-frequency "Valid values"


def classic_cache(state: Any, name: str, body: dict[str, Any]) -> Reply | None:
    if not _CLASSIC_NAME.match(name):
        return _bad(f"The cache name '{name}' is invalid: use 1-63 letters, digits and single hyphens, starting and ending with a letter or digit.", "InvalidResourceName")
    props = body.get("properties")
    reply = _first(_required(body, "properties", ""), _required(props, "sku", "properties"))
    if reply:
        return reply
    sku = props["sku"]
    reply = _first(
        *(_required(sku, n, "properties.sku") for n in ("name", "family", "capacity")),
        _read_only(props, _CLASSIC_READ_ONLY, "properties"),
        _enum(sku.get("name"), ("Basic", "Standard", "Premium"), "properties.sku.name"),
        _enum(sku.get("family"), ("C", "P"), "properties.sku.family"),
        _enum(props.get("minimumTlsVersion"), ("1.0", "1.1", "1.2"), "properties.minimumTlsVersion"),
        _enum(props.get("publicNetworkAccess"), ("Enabled", "Disabled"), "properties.publicNetworkAccess"),
        _enum(props.get("zonalAllocationPolicy"), ("Automatic", "NoZones", "UserDefined"), "properties.zonalAllocationPolicy"),
        _enum(props.get("updateChannel"), ("Preview", "Stable"), "properties.updateChannel"),
    )
    if reply:
        return reply
    if _FAMILY[sku["name"]] != sku["family"]:
        return _bad(f"The SKU family '{sku['family']}' does not go with '{sku['name']}': use {_FAMILY[sku['name']]}.", "InvalidSku")
    if sku["capacity"] not in _CAPACITY[sku["family"]]:
        values = _CAPACITY[sku["family"]]
        return _bad(f"The capacity {sku['capacity']} is not valid for family {sku['family']}: use {values.start}-{values.stop - 1}.", "InvalidSku")
    config = props.get("redisConfiguration") or {}
    reply = _first(
        _read_only(config, _CLASSIC_CONFIG_READ_ONLY, "properties.redisConfiguration"),
        _enum(config.get("rdb-backup-frequency"), _RDB_FREQUENCIES, "properties.redisConfiguration.rdb-backup-frequency"),
        _enum(config.get("aad-enabled"), ("true", "false", "True", "False"), "properties.redisConfiguration.aad-enabled"),
    )
    if reply:
        return reply
    if str(config.get("rdb-backup-enabled", "")).lower() == "true" and str(config.get("aof-backup-enabled", "")).lower() == "true":
        # docs: cache-how-to-premium-persistence ("RDB and AOF persistence can't be enabled at the same time")
        return _bad("RDB and AOF persistence cannot be enabled at the same time.", "BadRequest")
    zones = body.get("zones") or []
    if zones and sku["name"] == "Premium":
        # docs (cache-how-to-zone-redundancy) and AZURE_NOTES: each zone needs a node of every shard, and a shard has
        # replicasPerPrimary + 1 nodes (one replica when not given).
        nodes = int(props.get("replicasPerPrimary") or props.get("replicasPerMaster") or 1) + 1
        if len(zones) > nodes:
            return _bad(
                f"The cache has {nodes} nodes per shard but {len(zones)} availability zones were requested; "
                "the number of zones cannot exceed replicasPerPrimary + 1.",
                "BadRequest",
            )
    return None


# --- Microsoft.Cache/redisEnterprise @ 2025-07-01 -----------------------------------------------

_AMR_NAME = re.compile(r"^(?=.{1,60}$)[A-Za-z0-9]+(-[A-Za-z0-9]+)*$")  # spec: cluster and database name pattern
_AMR_SKUS = tuple(
    [f"Balanced_B{n}" for n in (0, 1, 3, 5, 10, 20, 50, 100, 150, 250, 350, 500, 700, 1000)]
    + [f"ComputeOptimized_X{n}" for n in (3, 5, 10, 20, 50, 100, 150, 250, 350, 500, 700)]
    + [f"MemoryOptimized_M{n}" for n in (10, 20, 50, 100, 150, 250, 350, 500, 700, 1000, 1500, 2000)]
    + [f"FlashOptimized_A{n}" for n in (250, 500, 700, 1000, 1500, 2000, 4500)]
    + [f"Enterprise_E{n}" for n in (1, 5, 10, 20, 50, 100, 200, 400)]
    + [f"EnterpriseFlash_F{n}" for n in (300, 700, 1500)]
)  # spec: Sku.name enum
_AMR_CLUSTER_READ_ONLY = ("hostName", "privateEndpointConnections", "provisioningState", "redisVersion", "redundancyMode", "resourceState")
_AMR_DB_READ_ONLY = ("provisioningState", "redisVersion", "resourceState")
_ASSIGNMENT_NAME = re.compile(r"^[A-Za-z0-9]{1,60}$")  # spec: accessPolicyAssignments name pattern
_POLICY_NAME = re.compile(r"^([a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]|[a-zA-Z0-9])$")  # spec: accessPolicyName pattern


def managed_cluster(state: Any, name: str, body: dict[str, Any]) -> Reply | None:
    if not _AMR_NAME.match(name):
        return _bad(f"The cluster name '{name}' does not match ^(?=.{{1,60}}$)[A-Za-z0-9]+(-[A-Za-z0-9]+)*$.", "InvalidResourceName")
    props = body.get("properties") or {}
    return _first(
        _required(body, "sku", ""),
        _required(body.get("sku"), "name", "sku"),
        _read_only(body, ("kind",), ""),
        _enum((body.get("sku") or {}).get("name"), _AMR_SKUS, "sku.name"),
        # spec 2025-07-01: ClusterCreateProperties.publicNetworkAccess is (Required)
        _required(props, "publicNetworkAccess", "properties"),
        _enum(props.get("publicNetworkAccess"), ("Enabled", "Disabled"), "properties.publicNetworkAccess"),
        _enum(props.get("highAvailability"), ("Enabled", "Disabled"), "properties.highAvailability"),
        _enum(props.get("minimumTlsVersion"), ("1.0", "1.1", "1.2"), "properties.minimumTlsVersion"),
        _read_only(props, _AMR_CLUSTER_READ_ONLY, "properties"),
    )


def managed_database(state: Any, name: str, body: dict[str, Any]) -> Reply | None:
    if not _AMR_NAME.match(name):
        return _bad(f"The database name '{name}' is invalid.", "InvalidResourceName")
    props = body.get("properties") or {}
    persistence = props.get("persistence") or {}
    reply = _first(
        _read_only(props, _AMR_DB_READ_ONLY, "properties"),
        _enum(props.get("clientProtocol"), ("Encrypted", "Plaintext"), "properties.clientProtocol"),
        _enum(props.get("clusteringPolicy"), ("EnterpriseCluster", "NoCluster", "OSSCluster"), "properties.clusteringPolicy"),
        _enum(props.get("evictionPolicy"), ("AllKeysLFU", "AllKeysLRU", "AllKeysRandom", "NoEviction", "VolatileLFU", "VolatileLRU", "VolatileRandom", "VolatileTTL"), "properties.evictionPolicy"),
        _enum(props.get("accessKeysAuthentication"), ("Enabled", "Disabled"), "properties.accessKeysAuthentication"),
        _enum(props.get("deferUpgrade"), ("Deferred", "NotDeferred"), "properties.deferUpgrade"),
        _enum(persistence.get("rdbFrequency"), ("1h", "6h", "12h"), "properties.persistence.rdbFrequency"),
        _enum(persistence.get("aofFrequency"), ("1s", "always"), "properties.persistence.aofFrequency"),
    )
    if reply:
        return reply
    if persistence.get("aofEnabled") and persistence.get("rdbEnabled"):
        # spec: Persistence.aofEnabled "Note that at most one of AOF or RDB persistence may be enabled."
        return _bad("At most one of AOF or RDB persistence may be enabled.", "BadRequest")
    return None


def managed_assignment(state: Any, name: str, body: dict[str, Any]) -> Reply | None:
    if not _ASSIGNMENT_NAME.match(name):
        return _bad(f"The access policy assignment name '{name}' must be 1-60 letters and digits.", "InvalidResourceName")
    props = body.get("properties") or {}
    reply = _first(_required(props, "accessPolicyName", "properties"), _required(props, "user", "properties"))
    if reply:
        return reply
    if not _POLICY_NAME.match(str(props["accessPolicyName"])):
        return _bad("properties.accessPolicyName does not match the allowed pattern.")
    return None


_CLASSIC_ASSIGNMENT_NAME = re.compile(r"^(?=.{3,63}$)([a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]|[a-zA-Z0-9])$")  # spec


def classic_assignment(state: Any, name: str, body: dict[str, Any]) -> Reply | None:
    if not _CLASSIC_ASSIGNMENT_NAME.match(name):
        return _bad(f"The access policy assignment name '{name}' must be 3-63 letters, digits and hyphens.", "InvalidResourceName")
    props = body.get("properties") or {}
    # spec: RedisCacheAccessPolicyAssignmentProperties: accessPolicyName, objectId, objectIdAlias are (Required)
    return _first(*(_required(props, n, "properties") for n in ("accessPolicyName", "objectId", "objectIdAlias")))


# --- Microsoft.Web @ 2024-11-01 ------------------------------------------------------------------

# docs: resource-name-rules#microsoftweb: sites 2-60, alphanumerics, hyphens and Unicode letters that map to
# Punycode; can't start or end with a hyphen.
_SITE_NAME = re.compile(r"^(?=.{2,60}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$")
_NO_ALWAYS_ON = ("ElasticPremium", "Dynamic")


def plan_tier(sku: dict[str, Any]) -> str:
    name = str(sku.get("name") or "").upper()
    if name.startswith("EP"):
        return "ElasticPremium"
    if name.startswith("Y"):
        return "Dynamic"
    return str(sku.get("tier") or "")


def plan(state: Any, name: str, body: dict[str, Any]) -> Reply | None:
    sku = body.get("sku") or {}
    sku_name = str(sku.get("name") or "").upper()
    kind = str(body.get("kind") or "").lower()
    # docs: learn.microsoft.com/azure/azure-functions/functions-premium-plan (az functionapp plan create --sku EP1
    # makes an "elastic" plan, tier ElasticPremium) and the ARM template reference of Functions Premium plans:
    # "kind": "elastic", "sku": {"tier": "ElasticPremium", "name": "EP1"}, "properties": {"reserved": true,
    # "maximumElasticWorkerCount": 20}. An elastic kind on a dedicated SKU, or the reverse, is refused.
    if sku_name.startswith("EP"):
        if kind != "elastic":
            return _bad(f"An ElasticPremium plan ({sku_name}) must have kind 'elastic', not '{kind or '(none)'}'.", "BadRequest")
        if sku.get("tier") not in (None, "ElasticPremium"):
            return _bad(f"The SKU {sku_name} belongs to the tier ElasticPremium, not {sku.get('tier')}.", "BadRequest")
    elif kind == "elastic":
        return _bad(f"Kind 'elastic' is only for ElasticPremium (EP1-EP3) plans, not {sku_name}.", "BadRequest")
    return None


def _plan_of(state: Any, server_farm_id: str | None) -> dict[str, Any] | None:
    if not server_farm_id:
        return None
    return state.resources.get(server_farm_id.lower().rstrip("/"))


def always_on_refusal(state: Any, server_farm_id: str | None, config: dict[str, Any]) -> Reply | None:
    """docs: functions-premium-plan / functions-scale: "Always on" is a Dedicated-plan setting; Premium and
    Consumption plans scale by events. App Service answers this 409 (message as reported for plans that do not
    allow Always On, e.g. Free; not checked against live Azure for ElasticPremium)."""
    if not config.get("alwaysOn"):
        return None
    found = _plan_of(state, server_farm_id)
    if found is None:
        return None
    tier = plan_tier(found.get("sku") or {})
    if tier in _NO_ALWAYS_ON:
        return error(409, "Conflict", f"There was a conflict. AlwaysOn cannot be set for this site as the plan ({tier}) does not allow it.")
    return None


def site(state: Any, name: str, body: dict[str, Any]) -> Reply | None:
    if not _SITE_NAME.match(name):
        return _bad(f"The site name '{name}' is invalid: 2-60 letters, digits and hyphens, not starting or ending with a hyphen.", "InvalidResourceName")
    props = body.get("properties") or {}
    reply = _read_only(props, ("defaultHostName", "state", "hostNames", "outboundIpAddresses", "usageState"), "properties")
    if reply:
        return reply
    return always_on_refusal(state, props.get("serverFarmId"), props.get("siteConfig") or {})


def site_config(state: Any, site_resource: dict[str, Any], body: dict[str, Any]) -> Reply | None:
    """PATCH/PUT sites/{name}/config/web: the same Always On rule against the site's plan."""
    props = (body or {}).get("properties") or {}
    return always_on_refusal(state, site_resource.get("properties", {}).get("serverFarmId"), props)


# --- names of the other tracked resources (docs: resource-name-rules) ----------------------------------

_STORAGE_NAME = re.compile(r"^[a-z0-9]{3,24}$")  # Microsoft.Storage/storageAccounts: 3-24 lowercase letters and numbers
_REGISTRY_NAME = re.compile(r"^[A-Za-z0-9]{5,50}$")  # Microsoft.ContainerRegistry/registries: 5-50 alphanumerics


def storage_account(state: Any, name: str, body: dict[str, Any]) -> Reply | None:
    if not _STORAGE_NAME.match(name):
        return _bad(f"{name} is not a valid storage account name. Storage account name must be between 3 and 24 characters in length and use numbers and lower-case letters only.", "AccountNameInvalid")
    return None


def registry(state: Any, name: str, body: dict[str, Any]) -> Reply | None:
    if not _REGISTRY_NAME.match(name):
        return _bad(f"The registry name '{name}' must be 5-50 letters and digits.", "InvalidResourceName")
    return None


# POST .../checkNameAvailability: the `type` each provider's check answers for (REST reference of each
# provider's Check Name Availability; `name` and `type` are required in all of them).
_NAME_CHECK_TYPES = {
    "microsoft.cache": ("Microsoft.Cache/redis",),
    "microsoft.storage": ("Microsoft.Storage/storageAccounts",),
    "microsoft.web": ("Site", "Slot", "HostingEnvironment", "PublishingUser", "Microsoft.Web/sites", "Microsoft.Web/sites/slots", "Microsoft.Web/hostingEnvironments", "Microsoft.Web/publishingUsers"),
    "microsoft.containerregistry": ("Microsoft.ContainerRegistry/registries",),
}


def name_check(path: str, body: Any) -> Reply | None:
    match = re.match(r"^/subscriptions/[^/]+/providers/([^/]+)/checknameavailability$", path.rstrip("/").lower())
    if not match or match.group(1) not in _NAME_CHECK_TYPES:
        return None
    reply = _first(_required(body, "name", "body"), _required(body, "type", "body"))
    if reply:
        return reply
    allowed = _NAME_CHECK_TYPES[match.group(1)]
    if str(body["type"]).lower() not in {t.lower() for t in allowed}:
        return _bad(f"The resource type '{body['type']}' is not valid here. Allowed: {', '.join(allowed)}.")
    return None


# --- dispatch --------------------------------------------------------------------------------------

_TOP: dict[str, Check] = {
    "microsoft.cache/redis": classic_cache,
    "microsoft.cache/redisenterprise": managed_cluster,
    "microsoft.web/serverfarms": plan,
    "microsoft.web/sites": site,
    "microsoft.storage/storageaccounts": storage_account,
    "microsoft.containerregistry/registries": registry,
}


def check(state: Any, method: str, path: str, body: Any) -> Reply | None:
    """ARM's refusal of a PUT/PATCH/POST body under the pinned spec, or None when the body passes."""
    if method == "POST":
        return name_check(path, body)
    if method not in ("PUT", "PATCH"):
        return None
    match = RESOURCE_RE.match(path.rstrip("/"))
    if not match:
        if method == "PUT" and re.match(r"^/subscriptions/[^/]+/resourcegroups/[^/]+$", path.rstrip("/"), re.IGNORECASE):
            return tags_rule(body)
        return None
    provider = f"{match.group('ns')}/{match.group('type')}".lower()
    name, rest = match.group("name"), (match.group("rest") or "").lower()
    body = body if isinstance(body, dict) else {}
    if not rest:
        if method == "PATCH":
            return tags_rule(body)
        rule = _TOP.get(provider)
        return _first(tags_rule(body), rule(state, name, body) if rule else None)
    if provider == "microsoft.cache/redisenterprise":
        db = re.match(r"^databases/([^/]+)$", rest)
        if db and method == "PUT":
            return managed_database(state, match.group("rest").split("/")[1], body)
        ap = re.match(r"^databases/[^/]+/accesspolicyassignments/([^/]+)$", rest)
        if ap and method == "PUT":
            return managed_assignment(state, match.group("rest").split("/")[-1], body)
    if provider == "microsoft.cache/redis":
        ap = re.match(r"^accesspolicyassignments/([^/]+)$", rest)
        if ap and method == "PUT":
            return classic_assignment(state, match.group("rest").split("/")[-1], body)
    if provider == "microsoft.web/sites" and rest == "config/web":
        key = path.rstrip("/").lower().rsplit("/config/web", 1)[0]
        found = state.resources.get(key)
        return site_config(state, found, body) if found else None
    return None
