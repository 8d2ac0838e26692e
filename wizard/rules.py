"""The portal's rules for a profile: one `check()` shared by the GUI pages and the CLI.

Each rule is a small function over the profile that yields `Problem`s naming the dotted field
path (``tags.<name>`` for a tag) and a sentence that says how to fix it. Facts come from
AZURE_NOTES.md; the tables below are exported so the GUI offers exactly what the rules accept.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from wizard import profile as profiles
from wizard.containers.reference import looks_like_reference, reference_problem
from wizard.i18n import _
from wizard.profile import CacheSettings, Profile

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    path: str  # dotted field path, e.g. "cache.name", "tags.<name>"
    severity: Severity
    message: str  # a sentence that says how to fix it

    def __str__(self) -> str:
        return f"{self.severity}: {self.path}: {self.message}"


def _error(path: str, message: str) -> Problem:
    return Problem(path, "error", message)


def _warning(path: str, message: str) -> Problem:
    return Problem(path, "warning", message)


# --- facts the GUI shows and the rules enforce ------------------------------------------------

RETIREMENT_DATE = "2028-09-30"

# Azure Cache for Redis (classic): the size is the SKU family letter plus the capacity.
CLASSIC_SKUS = ("Basic", "Standard", "Premium")
CLASSIC_CAPACITIES: dict[str, tuple[int, ...]] = {
    "Basic": tuple(range(0, 7)),  # C0-C6
    "Standard": tuple(range(0, 7)),  # C0-C6
    "Premium": tuple(range(1, 6)),  # P1-P5
}
CLASSIC_SIZES: dict[str, str] = {
    "C0": "250 MB", "C1": "1 GB", "C2": "2.5 GB", "C3": "6 GB", "C4": "13 GB", "C5": "26 GB", "C6": "53 GB",
    "P1": "6 GB", "P2": "13 GB", "P3": "26 GB", "P4": "53 GB", "P5": "120 GB",
}  # fmt: skip

# Azure Managed Redis: the SKU names the tier and the size (azure-mgmt-redisenterprise 3.x SkuName).
# Memory per size from Microsoft's tier tables; A4500 is not in the published table, so its
# figure is the size in its name.
MANAGED_REDIS_SIZES: dict[str, str] = {
    "Balanced_B0": "0.5 GB", "Balanced_B1": "1 GB", "Balanced_B3": "3 GB", "Balanced_B5": "6 GB",
    "Balanced_B10": "12 GB", "Balanced_B20": "24 GB", "Balanced_B50": "60 GB", "Balanced_B100": "120 GB",
    "Balanced_B150": "180 GB", "Balanced_B250": "240 GB", "Balanced_B350": "360 GB",
    "Balanced_B500": "480 GB", "Balanced_B700": "720 GB", "Balanced_B1000": "960 GB",
    "MemoryOptimized_M10": "12 GB", "MemoryOptimized_M20": "24 GB", "MemoryOptimized_M50": "60 GB",
    "MemoryOptimized_M100": "120 GB", "MemoryOptimized_M150": "180 GB", "MemoryOptimized_M250": "240 GB",
    "MemoryOptimized_M350": "360 GB", "MemoryOptimized_M500": "480 GB", "MemoryOptimized_M700": "720 GB",
    "MemoryOptimized_M1000": "960 GB", "MemoryOptimized_M1500": "1440 GB", "MemoryOptimized_M2000": "1920 GB",
    "ComputeOptimized_X3": "3 GB", "ComputeOptimized_X5": "6 GB", "ComputeOptimized_X10": "12 GB",
    "ComputeOptimized_X20": "24 GB", "ComputeOptimized_X50": "60 GB", "ComputeOptimized_X100": "120 GB",
    "ComputeOptimized_X150": "180 GB", "ComputeOptimized_X250": "240 GB", "ComputeOptimized_X350": "360 GB",
    "ComputeOptimized_X500": "480 GB", "ComputeOptimized_X700": "720 GB",
    "FlashOptimized_A250": "235 GB", "FlashOptimized_A500": "480 GB", "FlashOptimized_A700": "720 GB",
    "FlashOptimized_A1000": "960 GB", "FlashOptimized_A1500": "1440 GB", "FlashOptimized_A2000": "1920 GB",
    "FlashOptimized_A4500": "4500 GB",
}  # fmt: skip
MANAGED_REDIS_SKUS = tuple(MANAGED_REDIS_SIZES)
MANAGED_REDIS_FAMILIES = ("Balanced_B", "MemoryOptimized_M", "ComputeOptimized_X", "FlashOptimized_A")

# Memory per size for display: "C1", "P3" (classic) and the Managed Redis SKU names.
SKU_SIZES: dict[str, str] = {**CLASSIC_SIZES, **MANAGED_REDIS_SIZES}

CLASSIC_RDB_FREQUENCIES = (15, 30, 60, 360, 720, 1440)
MANAGED_REDIS_RDB_FREQUENCIES = (60, 360, 720)
MAX_SHARDS = 30
MAX_REPLICAS = 3
ZONES = ("1", "2", "3")

# Function app plans that run containers (Dedicated / Elastic Premium); Consumption and Flex do not.
PLAN_SKUS = (
    "B1", "B2", "B3", "S1", "S2", "S3",
    "P0v3", "P1v3", "P2v3", "P3v3", "P1v2", "P2v2", "P3v2",
    "EP1", "EP2", "EP3",
)  # fmt: skip
NO_CONTAINER_PLANS = {"Y1": "Consumption", "FC1": "Flex Consumption"}

# Fields with a fixed set of values, by dotted path (the GUI fills its combo boxes from this).
CHOICES: dict[str, tuple[str, ...]] = {
    "target": ("local", "azure"),
    "azure.cloud": ("public", "china", "usgov", "custom"),
    "cache.service": ("managed-redis", "cache-for-redis"),
    "cache.connectivity": ("public", "private-endpoint", "vnet"),
    "cache.authentication": ("entra", "access-keys"),
    "cache.persistence.mode": ("none", "rdb", "aof"),
    "cache.clustering_policy": ("OSSCluster", "EnterpriseCluster"),
    "cache.eviction_policy": (
        "VolatileLRU", "AllKeysLRU", "VolatileLFU", "AllKeysLFU",
        "VolatileTTL", "VolatileRandom", "AllKeysRandom", "NoEviction",
    ),  # fmt: skip
    "model.source": ("sample", "file", "azureml"),
    "model.sample": ("digits", "digits-heavy"),
    "function.trigger.type": ("http", "blob", "service-bus-queue"),
    "function.trigger.auth_level": ("anonymous", "function", "admin"),
    "function.packaging": ("local", "acr-build", "azureml", "docker"),
    "function.python_version": ("3.10", "3.11", "3.12", "3.13"),
}
CLASSIC_REDIS_VERSIONS = ("6", "latest")

TAG_LIMIT = 50
TAG_NAME_MAX = 512
TAG_NAME_MAX_STORAGE = 128
TAG_VALUE_MAX = 256
TAG_FORBIDDEN = "<>%&\\?/"

TIMEOUT_MS_MAX = 10_000
# Limits against values that deploy and then fail at run time (a 10^20 s TTL fails every SET; a 1 MB name ends
# in "Argument list too long"). The README lists them.
TTL_SECONDS_MAX = 2**31 - 1
WHOLE_NUMBER_MAX = 2**31 - 1
KEY_NAME_MAX = 128  # strings that end up in cache keys, app settings and image labels
FREE_STRING_MAX = 1024  # every other string of a profile
KEY_NAME_FIELDS = (
    "model.name", "model.version", "model.sample", "model.azureml.name", "model.azureml.version",
    "cache_policy.key_prefix",
)  # fmt: skip
TIMEOUT_MS_SLOW = 1_000
MANAGED_REDIS_NAME_WITH_REGION_MAX = 63
MANAGED_REDIS_NAME_SAFE = 45


def size_code(cache: CacheSettings) -> str:
    """The size the portal shows: "C1"/"P2" for Azure Cache for Redis, the SKU for Managed Redis."""
    if cache.service == "cache-for-redis" and cache.sku in CLASSIC_SKUS:
        return f"{'P' if cache.sku == 'Premium' else 'C'}{cache.capacity}"
    return cache.sku


def memory_label(cache: CacheSettings) -> str:
    """Memory of the chosen size, e.g. "1 GB", or "" for an unknown size."""
    return SKU_SIZES.get(size_code(cache), "")


def problems_for(problems: Iterable[Problem], prefix: str) -> list[Problem]:
    """The problems of one field or group: `prefix` itself and every path under it."""
    prefix = prefix.rstrip(".")
    return [p for p in problems if not prefix or p.path == prefix or p.path.startswith((prefix + ".", prefix + "["))]


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def warnings(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "warning"]


# --- name rules -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameRule:
    """The naming rule of one kind of resource, as the portal states it. The texts are gettext msgids
    (English), translated when a problem is made."""

    what: str  # "The cache name"
    min_len: int
    max_len: int
    chars: str  # regex character class body of the allowed characters
    chars_text: str  # the same in words
    edges: str = ""  # class body the first and last character must match ("" = any allowed)
    edges_text: str = ""
    no_double_hyphen: bool = False
    no_trailing_dot: bool = False
    lowercase_hint: bool = False  # suggest the lowercase spelling when only the case is wrong

    def problem(self, path: str, value: str) -> Problem | None:
        what, chars_text = _(self.what), _(self.chars_text)
        if not value:
            return _error(path, _("{what} is empty; enter {min} to {max} {chars}.").format(
                what=what, min=self.min_len, max=self.max_len, chars=chars_text))
        if not self.min_len <= len(value) <= self.max_len:
            sentence = (_("{what} has {n} characters; shorten it to {min}–{max} characters.")
                        if len(value) > self.max_len else
                        _("{what} has {n} characters; lengthen it to {min}–{max} characters."))
            return _error(path, sentence.format(what=what, n=len(value), min=self.min_len, max=self.max_len))
        bad = sorted({c for c in value if not re.fullmatch(f"[{self.chars}]", c)})
        if bad:
            hint = ""
            if self.lowercase_hint and re.fullmatch(f"[{self.chars}]+", value.lower()):
                hint = _(' such as "{value}"').format(value=value.lower())
            return _error(
                path,
                _("{what} contains {chars}; use only {allowed}{hint}.").format(
                    what=what, chars=_quote_chars(bad), allowed=chars_text, hint=hint),
            )
        if self.edges and not (
            re.fullmatch(f"[{self.edges}]", value[0]) and re.fullmatch(f"[{self.edges}]", value[-1])
        ):
            return _error(
                path, _("{what} must start and end with {edges}; change the first or last character.").format(
                    what=what, edges=_(self.edges_text))
            )
        if self.no_double_hyphen and "--" in value:
            return _error(path, _('{what} has two hyphens in a row ("--"); use a single hyphen.').format(what=what))
        if self.no_trailing_dot and value.endswith("."):
            return _error(path, _("{what} ends with a dot; remove the final dot.").format(what=what))
        return None


def _quote_chars(chars: list[str]) -> str:
    shown = ", ".join(_("a space") if c == " " else f'"{c}"' for c in chars[:6])
    return (_("the characters {shown}") if len(chars) > 1 else _("the character {shown}")).format(shown=shown)


_ALNUM = "A-Za-z0-9"
DEPLOYMENT_NAME = NameRule(
    "The deployment name", 1, 63, _ALNUM + "-", "letters, digits and hyphens",
    _ALNUM, "a letter or digit", no_double_hyphen=True,
)  # fmt: skip
CACHE_NAME = NameRule(
    "The cache name", 1, 63, _ALNUM + "-", "letters, digits and hyphens",
    _ALNUM, "a letter or digit", no_double_hyphen=True,
)  # fmt: skip
STORAGE_NAME = NameRule(
    "The storage account name", 3, 24, "a-z0-9", "lowercase letters and digits", lowercase_hint=True
)
FUNCTION_APP_NAME = NameRule(
    "The function app name", 2, 60, _ALNUM + "-", "letters, digits and hyphens", _ALNUM, "a letter or digit"
)
# One definition for both targets: the local target makes a folder of it and refuses anything else, so Azure's
# wider set (Unicode letters) is not offered; ASCII names work in both. targets/local/resource_group.py uses it.
RESOURCE_GROUP_CHARS = r"A-Za-z0-9_\-.()"
RESOURCE_GROUP_NAME_RE = re.compile(rf"(?!.*\.\Z)[{RESOURCE_GROUP_CHARS}]{{1,90}}\Z")
RESOURCE_GROUP_NAME = NameRule(
    "The resource group name", 1, 90, RESOURCE_GROUP_CHARS,
    "ASCII letters, digits, underscores, hyphens, dots and parentheses", no_trailing_dot=True,
)  # fmt: skip
REGISTRY_NAME = NameRule("The container registry name", 5, 50, _ALNUM, "letters and digits")
CONTAINER_NAME = NameRule(
    "The blob container name", 3, 63, "a-z0-9-", "lowercase letters, digits and hyphens",
    "a-z0-9", "a lowercase letter or digit", no_double_hyphen=True, lowercase_hint=True,
)  # fmt: skip
QUEUE_NAME = NameRule(
    "The queue name", 1, 260, _ALNUM + "._/-", "letters, digits, periods, hyphens, underscores and slashes",
    _ALNUM, "a letter or digit",
)  # fmt: skip
WORKSPACE_NAME = NameRule(
    "The Azure ML workspace name", 3, 33, _ALNUM + "_-", "letters, digits, hyphens and underscores",
)  # fmt: skip

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_LOCATION = re.compile(r"^[a-z0-9]+$")
_SUBNET_ID = re.compile(
    r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/virtualNetworks/[^/]+/subnets/[^/]+$",
    re.IGNORECASE,
)


def _name(rule: NameRule, path: str, value: str) -> Iterator[Problem]:
    problem = rule.problem(path, value)
    if problem:
        yield problem


# --- the rules, in field order ----------------------------------------------------------------

Rule = Callable[[Profile], Iterable[Problem]]


def rule_choices(p: Profile) -> Iterator[Problem]:
    """Every field with a fixed set of values holds one of them."""
    for path, allowed in CHOICES.items():
        if path == "function.trigger.auth_level":
            continue  # only meaningful for HTTP triggers; checked by rule_trigger
        value = profiles.get_field(p, path)
        if value not in allowed:
            yield _error(path, _("The value {value} is not one of the choices; use one of: {allowed}.").format(
                value=repr(value), allowed=", ".join(allowed)))


def rule_deployment_name(p: Profile) -> Iterator[Problem]:
    # The name is a folder under the data home and appears in default resource names.
    yield from _name(DEPLOYMENT_NAME, "name", p.name)


def rule_azure_account(p: Profile) -> Iterator[Problem]:
    az = p.azure
    if p.target == "azure":
        if not az.subscription_id:
            yield _error(
                "azure.subscription_id",
                _("Choose the subscription to deploy into (sign in and pick one, or paste its ID)."),
            )
        if not az.location:
            yield _error("azure.location", _("Choose the region to deploy into, for example westeurope."))
    if az.subscription_id and not _GUID.match(az.subscription_id):
        yield _error(
            "azure.subscription_id",
            _("The subscription ID is not a GUID; copy it from the portal (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)."),
        )
    if az.tenant_id and not _GUID.match(az.tenant_id):
        yield _error(
            "azure.tenant_id",
            _("The tenant ID is not a GUID; copy the directory (tenant) ID from the portal or leave it empty."),
        )
    if az.location and not _LOCATION.match(az.location):
        yield _error(
            "azure.location",
            _("The region {region} is not a region name; use the short form in lowercase without spaces, such as westeurope.").format(
                region=repr(az.location)),
        )
    if az.cloud == "custom" and not az.arm_endpoint.startswith("https://"):
        yield _error("azure.arm_endpoint", _("A custom cloud needs its Resource Manager endpoint as an https:// URL."))


def rule_resource_group(p: Profile) -> Iterator[Problem]:
    yield from _name(RESOURCE_GROUP_NAME, "resource_group.name", p.resource_group.name)


# The Azure target adds these two tags to every resource (wizard.targets.azure.groups.our_tags); they count
# towards Azure's 50 (issue 11 item 10).
OWN_TAG_NAMES = ("created-by", "mlfunc-deployment")


def rule_tags(p: Profile) -> Iterator[Problem]:
    own = [n for n in OWN_TAG_NAMES if n not in p.tags] if p.target == "azure" else []
    if len(p.tags) + len(own) > TAG_LIMIT:
        ours = _(" plus the wizard's own {n} ({names})").format(n=len(own), names=", ".join(own)) if own else ""
        yield _error(
            "tags",
            _("There are {n} tags{ours}; Azure allows at most {limit}, so remove {remove}.").format(
                n=len(p.tags), ours=ours, limit=TAG_LIMIT, remove=len(p.tags) + len(own) - TAG_LIMIT),
        )
    for name, value in p.tags.items():
        path = f"tags.{name}"
        if not name.strip():
            yield _error(path, _("A tag has an empty name; give it a name or remove it."))
            continue
        bad = sorted({c for c in name if c in TAG_FORBIDDEN})
        if bad:
            yield _error(
                path,
                _("The tag name contains {chars}; tag names cannot contain < > % & \\ ? /, so remove them.").format(
                    chars=_quote_chars(bad)),
            )
        if len(name) > TAG_NAME_MAX:
            yield _error(path, _("The tag name has {n} characters; shorten it to at most {limit}.").format(
                n=len(name), limit=TAG_NAME_MAX))
        elif len(name) > TAG_NAME_MAX_STORAGE:
            yield _error(
                path,
                _("The tag name has {n} characters; the storage account takes tag names of at most {limit}, "
                  "so shorten it.").format(n=len(name), limit=TAG_NAME_MAX_STORAGE),
            )
        if len(value) > TAG_VALUE_MAX:
            yield _error(path, _("The tag value has {n} characters; shorten it to at most {limit}.").format(
                n=len(value), limit=TAG_VALUE_MAX))


def rule_cache_service(p: Profile) -> Iterator[Problem]:
    if p.cache.service == "cache-for-redis":
        yield _warning(
            "cache.service",
            _("Azure Cache for Redis retires on {date} and new caches may be refused; "
              "choose Azure Managed Redis (managed-redis) unless you must use the classic service.").format(
                date=RETIREMENT_DATE),
        )


def rule_cache_name(p: Profile) -> Iterator[Problem]:
    c = p.cache
    problem = CACHE_NAME.problem("cache.name", c.name)
    if problem:
        yield problem
        return
    if c.service == "managed-redis":
        region = p.azure.location
        if len(c.name) + len(region) > MANAGED_REDIS_NAME_WITH_REGION_MAX:
            yield _error(
                "cache.name",
                _("A Managed Redis name and its region ({region}) together may have at most {limit} characters; "
                  "shorten the name to {fit} characters or fewer.").format(
                    region=region, limit=MANAGED_REDIS_NAME_WITH_REGION_MAX,
                    fit=MANAGED_REDIS_NAME_WITH_REGION_MAX - len(region)),
            )
        elif len(c.name) > MANAGED_REDIS_NAME_SAFE:
            yield _warning(
                "cache.name",
                _("Managed Redis names over {limit} characters do not fit every region; "
                  "shorten it to {limit} or fewer to keep the profile portable.").format(limit=MANAGED_REDIS_NAME_SAFE),
            )


def rule_cache_sku(p: Profile) -> Iterator[Problem]:
    c = p.cache
    if c.service == "managed-redis":
        if c.sku not in MANAGED_REDIS_SIZES:
            hint = _(" (Basic, Standard and Premium belong to Azure Cache for Redis)") if c.sku in CLASSIC_SKUS else ""
            yield _error(
                "cache.sku",
                _("The SKU {sku} is not an Azure Managed Redis SKU{hint}; choose one of the families {families}, "
                  "for example Balanced_B0 or Balanced_B1.").format(
                    sku=repr(c.sku), hint=hint, families=", ".join(f + "*" for f in MANAGED_REDIS_FAMILIES)),
            )
        return
    if c.service != "cache-for-redis":
        return  # reported by rule_choices
    if c.sku not in CLASSIC_SKUS:
        hint = (
            _(" (that is an Azure Managed Redis SKU; set cache.service to managed-redis)")
            if c.sku in MANAGED_REDIS_SIZES
            else ""
        )
        yield _error(
            "cache.sku",
            _("The tier {sku} is not an Azure Cache for Redis tier{hint}; use one of: Basic, Standard, Premium.").format(
                sku=repr(c.sku), hint=hint),
        )
        return
    allowed = CLASSIC_CAPACITIES[c.sku]
    if c.capacity not in allowed:
        letter = "P" if c.sku == "Premium" else "C"
        yield _error(
            "cache.capacity",
            _("{sku} has sizes {first_size}–{last_size}; set cache.capacity to {first}–{last}.").format(
                sku=c.sku, first_size=f"{letter}{allowed[0]}", last_size=f"{letter}{allowed[-1]}",
                first=allowed[0], last=allowed[-1]),
        )
    if c.sku == "Basic":
        yield _warning(
            "cache.sku",
            _("The Basic tier has no replica and no SLA; use Standard or Premium for anything beyond development."),
        )


def _premium_only(p: Profile) -> bool:
    """True when the profile asks for a classic Basic/Standard cache (Premium-only features are off)."""
    return p.cache.service == "cache-for-redis" and p.cache.sku in ("Basic", "Standard")


def rule_connectivity(p: Profile) -> Iterator[Problem]:
    c = p.cache
    if c.connectivity == "vnet":
        if c.service == "managed-redis":
            yield _error(
                "cache.connectivity",
                _("Azure Managed Redis has no VNet injection; choose private-endpoint (or public) instead."),
            )
        elif _premium_only(p):
            yield _error(
                "cache.connectivity",
                _("VNet injection needs the Premium tier; choose private-endpoint, or change cache.sku to Premium."),
            )
        elif c.service == "cache-for-redis":
            yield _warning(
                "cache.connectivity",
                _("Microsoft recommends a private endpoint over VNet injection; consider private-endpoint."),
            )
    if c.connectivity in ("private-endpoint", "vnet"):
        if p.target == "azure" and not c.subnet_id:
            yield _error(
                "cache.subnet_id",
                _("Connectivity {connectivity} needs a subnet; choose the virtual network subnet for the cache.").format(
                    connectivity=c.connectivity),
            )
        if p.target == "local":
            yield _warning(
                "cache.connectivity",
                _("The local cache listens on 127.0.0.1 only, so private networking has no effect here; it applies on Azure."),
            )
    if c.subnet_id and not _SUBNET_ID.match(c.subnet_id):
        yield _error(
            "cache.subnet_id",
            _("The subnet is not a subnet resource ID; use /subscriptions/<id>/resourceGroups/<rg>/providers/"
            "Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>."),
        )


def rule_tls(p: Profile) -> Iterator[Problem]:
    c = p.cache
    if c.minimum_tls_version != "1.2":
        yield _error(
            "cache.minimum_tls_version",
            _("Minimum TLS {version} is not offered; set it to 1.2 (Azure no longer accepts TLS 1.0 or 1.1).").format(
                version=repr(c.minimum_tls_version)),
        )
    if not c.non_tls_port:
        return
    if c.service == "managed-redis" and p.target != "local":
        # Managed Redis has no second port: non-TLS switches the database to plain text only.
        # (The local cache always keeps its TLS port and adds a plain one, like the classic service.)
        if c.authentication == "entra":
            yield _error(
                "cache.non_tls_port",
                _("Microsoft Entra authentication needs TLS, and a non-TLS Managed Redis database speaks plain text "
                "only; turn the non-TLS option off or use access keys."),
            )
        else:
            yield _warning(
                "cache.non_tls_port",
                _("A non-TLS Managed Redis database accepts only unencrypted connections, so the access key and your "
                "data travel in clear text; turn it off unless a client cannot use TLS."),
            )
    elif c.authentication == "entra":
        yield _warning(
            "cache.non_tls_port",
            _("Microsoft Entra authentication works over TLS only, so the non-TLS port only serves access-key "
            "clients in clear text; turn the non-TLS port off."),
        )
    else:
        yield _warning(
            "cache.non_tls_port",
            _("The non-TLS port sends the access key and your data unencrypted; turn it off unless a client cannot "
            "use TLS."),
        )


def rule_authentication(p: Profile) -> Iterator[Problem]:
    if p.cache.authentication == "entra" and p.target == "local":
        yield _warning(
            "cache.authentication",
            _("The local cache has no Microsoft Entra ID, so it uses access keys; Entra authentication applies on Azure."),
        )


def rule_redis_version(p: Profile) -> Iterator[Problem]:
    c = p.cache
    if c.service == "cache-for-redis" and c.redis_version not in CLASSIC_REDIS_VERSIONS:
        yield _error(
            "cache.redis_version",
            _("Azure Cache for Redis offers Redis {versions} only; set cache.redis_version to 6.").format(
                versions=_(" or ").join(CLASSIC_REDIS_VERSIONS)),
        )


def rule_clustering_and_replicas(p: Profile) -> Iterator[Problem]:
    c = p.cache
    if c.service == "managed-redis":
        # Managed Redis sizes its shards from the SKU and replicates through high availability.
        if c.shard_count:
            yield _error(
                "cache.shard_count",
                _("Azure Managed Redis sets its shards from the SKU; set cache.shard_count to 0 and choose "
                "cache.clustering_policy (OSSCluster for a cluster-aware client)."),
            )
        if c.replicas_per_primary:
            yield _error(
                "cache.replicas_per_primary",
                _("Azure Managed Redis replicates through high availability; set cache.replicas_per_primary to 0 "
                "and use cache.high_availability."),
            )
        if not c.high_availability:
            yield _warning(
                "cache.high_availability",
                _("Without high availability the data is not replicated and there is no SLA; turn it on for production."),
            )
        return
    if c.service != "cache-for-redis":
        return
    basic_standard = _premium_only(p)
    if c.shard_count:
        if basic_standard:
            yield _error(
                "cache.shard_count",
                _("Clustering needs the Premium tier; set cache.shard_count to 0 or change cache.sku to Premium."),
            )
        elif not 1 <= c.shard_count <= MAX_SHARDS:
            yield _error(
                "cache.shard_count",
                _("A Premium cache has 1–{max} shards; set cache.shard_count in that range (0 = not clustered).").format(
                    max=MAX_SHARDS),
            )
    if c.replicas_per_primary:
        if basic_standard:
            yield _error(
                "cache.replicas_per_primary",
                _("Choosing the replica count needs the Premium tier; set cache.replicas_per_primary to 0 "
                "(Standard always has one replica) or change cache.sku to Premium."),
            )
        elif not 1 <= c.replicas_per_primary <= MAX_REPLICAS:
            yield _error(
                "cache.replicas_per_primary",
                _("A Premium cache has 1–{max} replicas per primary; set cache.replicas_per_primary in that range.").format(
                    max=MAX_REPLICAS),
            )


def rule_zones(p: Profile) -> Iterator[Problem]:
    zones = p.cache.zones
    if not zones:
        return
    if _premium_only(p):
        yield _error(
            "cache.zones", _("Availability zones need the Premium tier; clear cache.zones or change cache.sku to Premium.")
        )
        return
    bad = [z for z in zones if z not in ZONES]
    if bad:
        yield _error("cache.zones", _("Zones are named {zones}; remove {bad}.").format(
            zones=", ".join(ZONES), bad=", ".join(repr(z) for z in bad)))
    if len(set(zones)) != len(zones):
        yield _error("cache.zones", _("A zone is listed twice; list each zone once."))
    # Each zone needs a node of every shard: a classic Premium shard has replicas_per_primary + 1 nodes (issue 11
    # item 9; docs: cache-how-to-zone-redundancy).
    nodes = (p.cache.replicas_per_primary or 1) + 1
    if p.cache.service == "cache-for-redis" and len(set(zones)) > nodes:
        yield _error(
            "cache.zones",
            _("With {replicas} replica(s) per primary each shard has {nodes} nodes, so it can span at most {nodes} "
              "zones; remove {remove} zone(s) or raise cache.replicas_per_primary.").format(
                replicas=nodes - 1, nodes=nodes, remove=len(set(zones)) - nodes),
        )


def rule_persistence(p: Profile) -> Iterator[Problem]:
    c = p.cache
    per = c.persistence
    if per.mode == "none":
        return
    if _premium_only(p):
        yield _error(
            "cache.persistence.mode",
            _("Data persistence needs the Premium tier; set cache.persistence.mode to none or change cache.sku to Premium."),
        )
        return
    # RDB and AOF are exclusive by construction: mode holds one of them.
    if per.mode == "rdb":
        allowed = MANAGED_REDIS_RDB_FREQUENCIES if c.service == "managed-redis" else CLASSIC_RDB_FREQUENCIES
        if per.rdb_frequency_minutes not in allowed:
            yield _error(
                "cache.persistence.rdb_frequency_minutes",
                _("An RDB backup every {minutes} minutes is not offered here; use one of {allowed} minutes.").format(
                    minutes=per.rdb_frequency_minutes, allowed=", ".join(map(str, allowed))),
            )
    if per.mode == "aof" and c.service == "cache-for-redis" and c.replicas_per_primary > 1:
        yield _error(
            "cache.persistence.mode",
            _("AOF persistence does not work with more than one replica; use RDB, or set cache.replicas_per_primary to 1."),
        )
    if per.storage_account:
        yield from _name(STORAGE_NAME, "cache.persistence.storage_account", per.storage_account)


def rule_model(p: Profile) -> Iterator[Problem]:
    m = p.model
    if m.source == "file":
        if not m.path:
            yield _error("model.path", _("Choose the model file (for example a .pkl or .joblib file)."))
        else:
            path = p.resolve(m.path)
            if not _is_file(path):
                yield _error(
                    "model.path",
                    _("There is no model file at {path}; check the path (relative paths start at the profile's folder).").format(
                        path=path),
                )
    elif m.source == "azureml":
        if not m.azureml.workspace:
            yield _error("model.azureml.workspace", _("Choose the Azure ML workspace that holds the registered model."))
        else:
            yield from _name(WORKSPACE_NAME, "model.azureml.workspace", m.azureml.workspace)
        if not m.azureml.name:
            yield _error("model.azureml.name", _("Enter the name of the registered model in the workspace."))
        if m.azureml.subscription_id and not _GUID.match(m.azureml.subscription_id):
            yield _error(
                "model.azureml.subscription_id",
                _("The workspace's subscription ID is not a GUID; copy it from the portal or leave it empty to use azure.subscription_id."),
            )
    if m.entry_script:
        script = p.resolve(m.entry_script)
        if not _is_file(script):
            yield _error(
                "model.entry_script",
                _("There is no entry script at {path}; check the path or leave it empty to use the generated one.").format(
                    path=script),
            )
        elif script.suffix != ".py":
            yield _error("model.entry_script", _("The entry script must be a Python file (.py) with init() and run()."))
    try:
        json.dumps(m.sample_input, allow_nan=False)
    except (TypeError, ValueError):
        yield _error(
            "model.sample_input",
            _("The sample input cannot be written as JSON; use plain lists, numbers, strings and objects."),
        )
    if m.source != "sample" and m.sample_input is None:
        yield _warning(
            "model.sample_input",
            _('There is no sample input, so the smoke test and the test panel have nothing to send; add one such as {"data": [[...]]}.'),
        )


def _is_file(path: Any) -> bool:
    try:
        return bool(path.is_file())
    except (OSError, ValueError):  # a name too long for the file system, a NUL byte: not a file we can use
        return False


def rule_function_names(p: Profile) -> Iterator[Problem]:
    f = p.function
    yield from _name(FUNCTION_APP_NAME, "function.app_name", f.app_name)
    yield from _name(STORAGE_NAME, "function.storage_account", f.storage_account)
    if f.registry and looks_like_reference(f.registry):  # an image already pushed: only the azure docker route pulls one
        problem = reference_problem(f.registry, accepted=p.target == "azure" and f.packaging == "docker",
                                    packaging=f.packaging, target=p.target)
        if problem:
            yield _error("function.registry", problem)
    elif f.registry:
        yield from _name(REGISTRY_NAME, "function.registry", f.registry)


def rule_plan(p: Profile) -> Iterator[Problem]:
    sku = p.function.plan_sku
    if sku in NO_CONTAINER_PLANS:
        yield _error(
            "function.plan_sku",
            _("The {plan} plan cannot run a container; choose a Dedicated plan such as B1 or an Elastic Premium plan (EP1).").format(
                plan=NO_CONTAINER_PLANS[sku]),
        )
    elif sku not in PLAN_SKUS:
        yield _error(
            "function.plan_sku", _("The plan {sku} does not run containers; use one of: {allowed}.").format(
                sku=repr(sku), allowed=", ".join(PLAN_SKUS))
        )


def _blob_path(path: str, value: str | None, role: str) -> Iterator[Problem]:
    if not value:
        yield _error(
            path,
            (_("A blob trigger needs its input path as <container>/<pattern>, for example {example}.").format(
                example="inputs/{name}") if role == "input" else
             _("A blob trigger needs its output path as <container>/<pattern>, for example {example}.").format(
                example="outputs/{name}.json")),
        )
        return
    container, _slash, rest = value.partition("/")
    problem = CONTAINER_NAME.problem(path, container)
    if problem:
        yield problem
    elif not rest:
        yield _error(path, _("Add a blob name pattern after the container, for example {example}.").format(
            example=f"{container}/{{name}}"))


def rule_trigger(p: Profile) -> Iterator[Problem]:
    t = p.function.trigger
    base = "function.trigger"
    own = {
        "http": ("auth_level",),
        "blob": ("input_path", "output_path"),
        "service-bus-queue": ("input_queue", "output_queue"),
    }
    if t.type not in own:
        return  # reported by rule_choices
    if t.type == "http":
        allowed = CHOICES["function.trigger.auth_level"]
        if t.auth_level not in allowed:
            yield _error(
                f"{base}.auth_level", _("An HTTP trigger needs an auth level; use one of: {allowed}.").format(
                    allowed=", ".join(allowed))
            )
        elif t.auth_level == "anonymous":
            yield _warning(
                f"{base}.auth_level",
                _("Anyone who finds the URL can call an anonymous function; use function unless it is public on purpose."),
            )
    elif t.type == "blob":
        yield from _blob_path(f"{base}.input_path", t.input_path, "input")
        yield from _blob_path(f"{base}.output_path", t.output_path, "output")
        if t.input_path and t.output_path and t.input_path.partition("/")[0] == t.output_path.partition("/")[0]:
            yield _warning(
                f"{base}.output_path",
                _("The output goes to the container the trigger watches, so each result can trigger the function again; use another container."),
            )
    else:
        for name in ("input_queue", "output_queue"):
            value = getattr(t, name)
            if not value:
                yield _error(
                    f"{base}.{name}",
                    _("A Service Bus queue trigger needs its input queue; enter the queue name.") if name == "input_queue"
                    else _("A Service Bus queue trigger needs its output queue; enter the queue name."),
                )
            else:
                yield from _name(QUEUE_NAME, f"{base}.{name}", value)
        if t.input_queue and t.input_queue == t.output_queue:
            yield _error(
                f"{base}.output_queue",
                _("The output queue is the input queue, so the function would read its own results; use another queue."),
            )
        if p.target != "azure":
            yield _error(
                f"{base}.type",
                _("The local target has no Service Bus; choose an http or blob trigger, or deploy to the azure target."),
            )
        elif not (t.service_bus_namespace or "").strip():
            # The binding connects identity-based to this namespace (ServiceBusConnection__fullyQualifiedNamespace).
            yield _error(
                f"{base}.service_bus_namespace",
                _("A Service Bus queue trigger needs the namespace that holds its queues; enter its name (e.g. my-namespace)."),
            )
    # Options of another trigger type are ignored; say so, so nobody expects them to work.
    for name in ("auth_level", "input_path", "output_path", "input_queue", "output_queue"):
        if (
            name not in own[t.type]
            and getattr(t, name) not in (None, "")
            and not (name == "auth_level" and t.auth_level == "function")
        ):
            yield _warning(
                f"{base}.{name}", _("The option {name} does not apply to a {trigger} trigger and is ignored; remove it.").format(
                    name=name, trigger=t.type)
            )


def rule_packaging(p: Profile) -> Iterator[Problem]:
    pk = p.function.packaging
    path = "function.packaging"
    if p.target == "local" and pk not in ("local", "docker"):  # docker: an image built and run on this machine
        if pk in CHOICES[path]:
            yield _error(
                path,
                _("The {packaging} packaging builds an image in Azure; set function.packaging to local or docker for the local target.").format(
                    packaging=pk),
            )
    if p.target == "azure" and pk == "local":
        yield _error(
            path,
            _("The local packaging runs only on this computer; for Azure choose acr-build (recommended), docker or azureml."),
        )
    if pk == "azureml" and p.model.source != "azureml" and not p.model.azureml.workspace:
        yield _error(
            path,
            _("The azureml packaging builds the image in an Azure ML workspace; set model.source to azureml or fill in model.azureml.workspace."),
        )
    if pk == "azureml" and p.target == "azure":
        yield _warning(
            path,
            _("The Azure ML SDK v1 behind azureml packaging is out of support since 2026-06-30; prefer acr-build."),
        )


def rule_cache_policy(p: Profile) -> Iterator[Problem]:
    cp = p.cache_policy
    if cp.ttl_seconds <= 0:
        yield _error(
            "cache_policy.ttl_seconds",
            _("Set a time to live above 0 seconds: keys without one are never evicted under volatile-lru and serve stale answers."),
        )
    elif cp.ttl_seconds > TTL_SECONDS_MAX:
        yield _error(
            "cache_policy.ttl_seconds",
            _("Set a time to live of at most {max} seconds (about 68 years); with a larger one every "
              "cache write fails and every call is a miss.").format(max=TTL_SECONDS_MAX),
        )
    if not cp.key_prefix:
        yield _error(
            "cache_policy.key_prefix",
            _("Enter a key prefix such as mlfunc, so the cache keys of this app are easy to find and delete."),
        )
    elif len(cp.key_prefix) > 64 or re.search(r"\s", cp.key_prefix):
        yield _error("cache_policy.key_prefix", _("Use a key prefix of at most 64 characters without spaces."))
    if not 1 <= cp.timeout_ms <= TIMEOUT_MS_MAX:
        yield _error(
            "cache_policy.timeout_ms",
            _("Set the cache timeout between 1 and {max} ms; the cache sits in the request path and must fail fast.").format(
                max=TIMEOUT_MS_MAX),
        )
    elif cp.timeout_ms > TIMEOUT_MS_SLOW:
        yield _warning(
            "cache_policy.timeout_ms",
            _("A cache timeout over {slow} ms can make a slow cache slower than the model; consider 50–250 ms.").format(
                slow=TIMEOUT_MS_SLOW),
        )


RULES: tuple[Rule, ...] = (
    rule_choices,
    rule_deployment_name,
    rule_azure_account,
    rule_resource_group,
    rule_tags,
    rule_cache_service,
    rule_cache_name,
    rule_cache_sku,
    rule_connectivity,
    rule_tls,
    rule_authentication,
    rule_redis_version,
    rule_clustering_and_replicas,
    rule_zones,
    rule_persistence,
    rule_model,
    rule_function_names,
    rule_plan,
    rule_trigger,
    rule_packaging,
    rule_cache_policy,
)


def rule_limits(p: Profile) -> Iterator[Problem]:
    """Length and size limits of every string and whole number; `check` reports one only for a field that has
    no other problem (a name rule already says how long a name may be)."""
    stack: list[tuple[Any, str]] = [(p, "")]
    while stack:
        obj, prefix = stack.pop()
        for f in dataclasses.fields(obj):
            if f.metadata.get("transient"):
                continue
            path, value = f"{prefix}{f.name}", getattr(obj, f.name)
            if dataclasses.is_dataclass(value):
                stack.append((value, path + "."))
            elif isinstance(value, str):
                limit = KEY_NAME_MAX if path in KEY_NAME_FIELDS else FREE_STRING_MAX
                if len(value) > limit:
                    yield _error(path, _("This has {n} characters; shorten it to at most {limit}.").format(
                        n=len(value), limit=limit))
            elif isinstance(value, int) and not isinstance(value, bool) and not 0 <= value <= WHOLE_NUMBER_MAX:
                yield _error(path, _("Use a whole number from 0 to {max} here, not {value}.").format(
                    max=WHOLE_NUMBER_MAX, value=_describe_int(value)))


def _describe_int(value: int) -> str:
    if abs(value) < 10**12:
        return str(value)
    # str() of a huge int is slow (and refused over 4,300 digits): give its size instead.
    return _("a number with about {digits} digits").format(digits=int(abs(value).bit_length() * 0.30103) + 1)


def _field_order() -> dict[str, int]:
    order: dict[str, int] = {}

    def walk(obj: Any, prefix: str) -> None:
        for f in dataclasses.fields(obj):
            if f.metadata.get("transient"):
                continue
            path = f"{prefix}{f.name}"
            order.setdefault(path, len(order))
            value = getattr(obj, f.name)
            if dataclasses.is_dataclass(value):
                walk(value, path + ".")

    walk(Profile(), "")
    return order


_FIELD_ORDER = _field_order()


def _rank(path: str) -> int:
    while path:
        if path in _FIELD_ORDER:
            return _FIELD_ORDER[path]
        path = path.rpartition(".")[0]
    return -1


def _type_problem(profile: Profile) -> Problem | None:
    """A field of the wrong type (a half-edited profile): the rules below would misread it."""
    try:
        profiles.from_dict(profiles.to_dict(profile))
    except profiles.ProfileFieldError as exc:
        sentence = str(exc).removeprefix(f"{exc.field}: ") if exc.field else str(exc)
        return _error(exc.field, sentence[:1].upper() + sentence[1:])
    return None


def check(profile: Profile) -> list[Problem]:
    """Every problem of the profile, errors and warnings, in field order."""
    wrong_type = _type_problem(profile)
    if wrong_type:
        return [wrong_type]
    found: list[Problem] = []
    for rule in RULES:
        for problem in rule(profile):
            if problem not in found:
                found.append(problem)
    with_problems = {pr.path for pr in found}
    found.extend(pr for pr in rule_limits(profile) if pr.path not in with_problems)
    return sorted(found, key=lambda pr: _rank(pr.path))  # stable: a field's problems keep rule order
