"""The portal's rules: one table-driven case per rule (valid base, one mutation, expected problem),
the shipped examples, and a property test that every profile the GUI can save round-trips."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard import profile as profiles
from wizard import rules
from wizard.profile import Profile

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "examples").glob("*.json"))
GUID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"


# --- valid bases --------------------------------------------------------------------------------


def local_base() -> Profile:
    """The newcomer's profile: local target, sample model, Managed Redis shape."""
    p = profiles.default_local()
    p.tags = {"project": "mlfunc", "environment": "dev"}
    return p


def premium_base() -> Profile:
    """An Azure profile with a classic Premium cache: every Premium-only feature may be switched on."""
    p = Profile(name="digits-premium", target="azure")
    p.azure.subscription_id = GUID
    p.cache.service = "cache-for-redis"
    p.cache.name = "mlfunc-premium-cache"
    p.cache.sku = "Premium"
    p.cache.capacity = 1
    p.function.packaging = "acr-build"
    return p


def standard_base() -> Profile:
    p = premium_base()
    p.cache.sku = "Standard"
    return p


def managed_base() -> Profile:
    p = Profile(name="digits-managed", target="azure")
    p.azure.subscription_id = GUID
    p.cache.sku = "Balanced_B1"
    p.function.packaging = "acr-build"
    return p


BASES = {"local": local_base, "premium": premium_base, "standard": standard_base, "managed": managed_base}


@pytest.mark.parametrize("base", sorted(BASES))
def test_each_base_profile_has_no_problem_at_all(base):
    problems = rules.check(BASES[base]())
    # The classic service always carries its retirement warning; nothing else may show.
    assert [p for p in problems if p.path != "cache.service"] == []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_shipped_example_has_no_errors(path):
    assert rules.errors(rules.check(profiles.load(path))) == []


def test_the_digits_local_example_is_the_local_target_with_the_sample_model():
    p = profiles.load(REPO / "examples" / "digits-local.json")
    assert (p.target, p.model.source, p.model.sample) == ("local", "sample", "digits")
    assert rules.check(p) == []


# --- one mutation, one expected problem -----------------------------------------------------------

LONG = "x" * 64


def tags(n: int) -> dict[str, str]:
    return {f"tag{i}": "v" for i in range(n)}


# (id, base, {dotted path: new value}, expected path, expected severity or None = no problem there)
CASES: list[tuple[str, str, dict[str, Any], str, str | None]] = [
    # fields with a fixed set of values name the allowed values
    ("target-enum", "local", {"target": "cloud"}, "target", "error"),
    ("cloud-enum", "local", {"azure.cloud": "mars"}, "azure.cloud", "error"),
    ("service-enum", "local", {"cache.service": "redis"}, "cache.service", "error"),
    ("connectivity-enum", "local", {"cache.connectivity": "internet"}, "cache.connectivity", "error"),
    ("auth-enum", "local", {"cache.authentication": "password"}, "cache.authentication", "error"),
    ("persistence-enum", "premium", {"cache.persistence.mode": "both"}, "cache.persistence.mode", "error"),
    ("clustering-enum", "managed", {"cache.clustering_policy": "Sharded"}, "cache.clustering_policy", "error"),
    ("eviction-enum", "managed", {"cache.eviction_policy": "volatile-lru"}, "cache.eviction_policy", "error"),
    ("source-enum", "local", {"model.source": "s3"}, "model.source", "error"),
    ("sample-enum", "local", {"model.sample": "iris"}, "model.sample", "error"),
    ("trigger-enum", "local", {"function.trigger.type": "timer"}, "function.trigger.type", "error"),
    ("packaging-enum", "local", {"function.packaging": "zip"}, "function.packaging", "error"),
    ("python-enum", "local", {"function.python_version": "3.9"}, "function.python_version", "error"),
    # deployment name (a folder and the stem of default resource names)
    ("name-double-hyphen", "local", {"name": "a--b"}, "name", "error"),
    ("name-leading-hyphen", "local", {"name": "-digits"}, "name", "error"),
    ("name-empty", "local", {"name": ""}, "name", "error"),
    ("name-underscore", "local", {"name": "digits_local"}, "name", "error"),
    # Azure account
    ("azure-needs-subscription", "managed", {"azure.subscription_id": ""}, "azure.subscription_id", "error"),
    ("azure-needs-location", "managed", {"azure.location": ""}, "azure.location", "error"),
    ("subscription-not-guid", "managed", {"azure.subscription_id": "my-sub"}, "azure.subscription_id", "error"),
    ("local-needs-no-subscription", "local", {"azure.subscription_id": ""}, "azure.subscription_id", None),
    ("location-display-name", "managed", {"azure.location": "West Europe"}, "azure.location", "error"),
    ("tenant-not-guid", "managed", {"azure.tenant_id": "contoso"}, "azure.tenant_id", "error"),
    ("custom-cloud-endpoint", "managed", {"azure.cloud": "custom"}, "azure.arm_endpoint", "error"),
    (
        "custom-cloud-ok",
        "managed",
        {"azure.cloud": "custom", "azure.arm_endpoint": "https://127.0.0.1:8443"},
        "azure.arm_endpoint",
        None,
    ),
    # resource group
    ("rg-trailing-dot", "local", {"resource_group.name": "rg-mlfunc."}, "resource_group.name", "error"),
    ("rg-too-long", "local", {"resource_group.name": "r" * 91}, "resource_group.name", "error"),
    ("rg-slash", "local", {"resource_group.name": "rg/one"}, "resource_group.name", "error"),
    ("rg-all-allowed", "local", {"resource_group.name": "rg_(ml).func-1"}, "resource_group.name", None),
    ("rg-double-hyphen-ok", "local", {"resource_group.name": "a--b"}, "resource_group.name", None),
    # one definition with the local target, which makes a folder of it (issue 12 item 12)
    ("rg-unicode-letter", "local", {"resource_group.name": "rg-müller"}, "resource_group.name", "error"),
    ("rg-unicode-digit", "managed", {"resource_group.name": "rg-٣"}, "resource_group.name", "error"),
    ("rg-90-ok", "local", {"resource_group.name": "r" * 90}, "resource_group.name", None),
    # tags
    ("tags-over-50", "local", {"tags": tags(51)}, "tags", "error"),
    ("tags-50-ok", "local", {"tags": tags(50)}, "tags", None),
    *[(f"tag-name-{c!r}", "local", {"tags": {f"a{c}b": "v"}}, f"tags.a{c}b", "error") for c in "<>%&\\?/"],
    ("tag-name-over-512", "local", {"tags": {"n" * 513: "v"}}, "tags." + "n" * 513, "error"),
    ("tag-name-over-128-storage", "local", {"tags": {"n" * 129: "v"}}, "tags." + "n" * 129, "error"),
    ("tag-name-128-ok", "local", {"tags": {"n" * 128: "v"}}, "tags." + "n" * 128, None),
    ("tag-value-over-256", "local", {"tags": {"owner": "v" * 257}}, "tags.owner", "error"),
    ("tag-value-256-ok", "local", {"tags": {"owner": "v" * 256}}, "tags.owner", None),
    ("tag-name-empty", "local", {"tags": {"": "v"}}, "tags.", "error"),
    # the classic service retires
    ("classic-retires", "premium", {}, "cache.service", "warning"),
    ("managed-no-retirement", "managed", {}, "cache.service", None),
    # cache name (portal rules)
    ("cache-name-64", "premium", {"cache.name": LONG}, "cache.name", "error"),
    ("cache-name-63-ok", "premium", {"cache.name": "x" * 63}, "cache.name", None),
    ("cache-name-double-hyphen", "premium", {"cache.name": "a--b"}, "cache.name", "error"),
    ("cache-name-leading-hyphen", "premium", {"cache.name": "-cache"}, "cache.name", "error"),
    ("cache-name-trailing-hyphen", "premium", {"cache.name": "cache-"}, "cache.name", "error"),
    ("cache-name-underscore", "premium", {"cache.name": "my_cache"}, "cache.name", "error"),
    ("cache-name-empty", "premium", {"cache.name": ""}, "cache.name", "error"),
    # Managed Redis name with the region: error over 63, warning over 45
    ("managed-name-46-warns", "managed", {"cache.name": "m" * 46}, "cache.name", "warning"),
    ("managed-name-45-ok", "managed", {"cache.name": "m" * 45}, "cache.name", None),
    (
        "managed-name-with-region-64",
        "managed",
        {"cache.name": "m" * 54, "azure.location": "westeurope"},
        "cache.name",
        "error",
    ),
    (
        "managed-name-with-region-63",
        "managed",
        {"cache.name": "m" * 53, "azure.location": "westeurope"},
        "cache.name",
        "warning",
    ),
    ("classic-name-50-ok", "premium", {"cache.name": "m" * 50}, "cache.name", None),
    # SKU and size
    ("managed-classic-sku", "managed", {"cache.sku": "Premium"}, "cache.sku", "error"),
    ("managed-unknown-size", "managed", {"cache.sku": "Balanced_B2"}, "cache.sku", "error"),
    ("managed-flash-ok", "managed", {"cache.sku": "FlashOptimized_A250"}, "cache.sku", None),
    ("classic-managed-sku", "premium", {"cache.sku": "Balanced_B1"}, "cache.sku", "error"),
    ("standard-c7", "standard", {"cache.capacity": 7}, "cache.capacity", "error"),
    ("standard-c0-ok", "standard", {"cache.capacity": 0}, "cache.capacity", None),
    ("premium-p0", "premium", {"cache.capacity": 0}, "cache.capacity", "error"),
    ("premium-p6", "premium", {"cache.capacity": 6}, "cache.capacity", "error"),
    ("premium-p5-ok", "premium", {"cache.capacity": 5}, "cache.capacity", None),
    ("basic-warns-no-sla", "premium", {"cache.sku": "Basic", "cache.capacity": 0}, "cache.sku", "warning"),
    # connectivity
    ("managed-vnet", "managed", {"cache.connectivity": "vnet"}, "cache.connectivity", "error"),
    ("standard-vnet", "standard", {"cache.connectivity": "vnet", "cache.subnet_id": ""}, "cache.connectivity", "error"),
    (
        "premium-vnet-prefers-private-link",
        "premium",
        {
            "cache.connectivity": "vnet",
            "cache.subnet_id": f"/subscriptions/{GUID}/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/s",
        },
        "cache.connectivity",
        "warning",
    ),
    (
        "private-endpoint-needs-subnet",
        "managed",
        {"cache.connectivity": "private-endpoint"},
        "cache.subnet_id",
        "error",
    ),
    (
        "subnet-not-an-id",
        "managed",
        {"cache.connectivity": "private-endpoint", "cache.subnet_id": "default"},
        "cache.subnet_id",
        "error",
    ),
    (
        "local-private-endpoint-no-effect",
        "local",
        {"cache.connectivity": "private-endpoint"},
        "cache.connectivity",
        "warning",
    ),
    # TLS and authentication
    ("tls-1.0", "local", {"cache.minimum_tls_version": "1.0"}, "cache.minimum_tls_version", "error"),
    ("tls-1.1", "premium", {"cache.minimum_tls_version": "1.1"}, "cache.minimum_tls_version", "error"),
    ("non-tls-port-warns", "local", {"cache.non_tls_port": True}, "cache.non_tls_port", "warning"),
    # Managed Redis has no second port: non-TLS makes the database plain text, which Entra cannot use
    (
        "managed-entra-needs-tls",
        "managed",
        {"cache.authentication": "entra", "cache.non_tls_port": True},
        "cache.non_tls_port",
        "error",
    ),
    ("managed-plain-text-warns", "managed", {"cache.non_tls_port": True}, "cache.non_tls_port", "warning"),
    (
        "local-keeps-tls-beside-plain-port",
        "local",
        {"cache.authentication": "entra", "cache.non_tls_port": True},
        "cache.non_tls_port",
        "warning",
    ),
    # the classic cache keeps TLS on 6380 beside the non-TLS port, so Entra still works there
    (
        "classic-entra-with-non-tls-port-warns",
        "premium",
        {"cache.authentication": "entra", "cache.non_tls_port": True},
        "cache.non_tls_port",
        "warning",
    ),
    ("local-entra-uses-keys", "local", {"cache.authentication": "entra"}, "cache.authentication", "warning"),
    ("azure-entra-ok", "managed", {"cache.authentication": "entra"}, "cache.authentication", None),
    ("classic-redis-7", "premium", {"cache.redis_version": "7"}, "cache.redis_version", "error"),
    # clustering, replicas (Premium only on the classic service; not settable on Managed Redis)
    ("standard-shards", "standard", {"cache.shard_count": 3}, "cache.shard_count", "error"),
    ("basic-shards", "standard", {"cache.sku": "Basic", "cache.shard_count": 2}, "cache.shard_count", "error"),
    ("premium-31-shards", "premium", {"cache.shard_count": 31}, "cache.shard_count", "error"),
    ("premium-30-shards-ok", "premium", {"cache.shard_count": 30}, "cache.shard_count", None),
    ("standard-replicas", "standard", {"cache.replicas_per_primary": 1}, "cache.replicas_per_primary", "error"),
    ("premium-4-replicas", "premium", {"cache.replicas_per_primary": 4}, "cache.replicas_per_primary", "error"),
    ("premium-3-replicas-ok", "premium", {"cache.replicas_per_primary": 3}, "cache.replicas_per_primary", None),
    ("managed-shards", "managed", {"cache.shard_count": 2}, "cache.shard_count", "error"),
    ("managed-replicas", "managed", {"cache.replicas_per_primary": 1}, "cache.replicas_per_primary", "error"),
    ("managed-no-ha-warns", "managed", {"cache.high_availability": False}, "cache.high_availability", "warning"),
    # zones
    ("standard-zones", "standard", {"cache.zones": ["1"]}, "cache.zones", "error"),
    ("premium-zone-4", "premium", {"cache.zones": ["1", "4"]}, "cache.zones", "error"),
    ("premium-zone-twice", "premium", {"cache.zones": ["1", "1"]}, "cache.zones", "error"),
    ("premium-zones-ok", "premium", {"cache.zones": ["1", "2", "3"], "cache.replicas_per_primary": 2}, "cache.zones", None),
    ("premium-zones-over-nodes", "premium", {"cache.zones": ["1", "2", "3"], "cache.replicas_per_primary": 1}, "cache.zones", "error"),
    # persistence: Premium only, RDB xor AOF (one mode), frequencies, AOF not with >1 replica
    ("standard-rdb", "standard", {"cache.persistence.mode": "rdb"}, "cache.persistence.mode", "error"),
    ("standard-aof", "standard", {"cache.persistence.mode": "aof"}, "cache.persistence.mode", "error"),
    (
        "premium-rdb-45",
        "premium",
        {"cache.persistence.mode": "rdb", "cache.persistence.rdb_frequency_minutes": 45},
        "cache.persistence.rdb_frequency_minutes",
        "error",
    ),
    (
        "premium-rdb-15-ok",
        "premium",
        {"cache.persistence.mode": "rdb", "cache.persistence.rdb_frequency_minutes": 15},
        "cache.persistence.rdb_frequency_minutes",
        None,
    ),
    (
        "managed-rdb-15",
        "managed",
        {"cache.persistence.mode": "rdb", "cache.persistence.rdb_frequency_minutes": 15},
        "cache.persistence.rdb_frequency_minutes",
        "error",
    ),
    (
        "managed-rdb-720-ok",
        "managed",
        {"cache.persistence.mode": "rdb", "cache.persistence.rdb_frequency_minutes": 720},
        "cache.persistence.rdb_frequency_minutes",
        None,
    ),
    (
        "aof-frequency-ignored",
        "premium",
        {"cache.persistence.mode": "aof", "cache.persistence.rdb_frequency_minutes": 45},
        "cache.persistence.rdb_frequency_minutes",
        None,
    ),
    (
        "aof-two-replicas",
        "premium",
        {"cache.persistence.mode": "aof", "cache.replicas_per_primary": 2},
        "cache.persistence.mode",
        "error",
    ),
    (
        "aof-one-replica-ok",
        "premium",
        {"cache.persistence.mode": "aof", "cache.replicas_per_primary": 1},
        "cache.persistence.mode",
        None,
    ),
    (
        "persistence-storage-name",
        "premium",
        {"cache.persistence.mode": "rdb", "cache.persistence.storage_account": "Backup_Store"},
        "cache.persistence.storage_account",
        "error",
    ),
    # model
    (
        "file-needs-path",
        "local",
        {"model.source": "file", "model.sample_input": {"data": [[1]]}},
        "model.path",
        "error",
    ),
    ("file-missing", "local", {"model.source": "file", "model.path": "no-such-model.pkl"}, "model.path", "error"),
    ("entry-script-missing", "local", {"model.entry_script": "no-such-score.py"}, "model.entry_script", "error"),
    ("sample-input-not-json", "local", {"model.sample_input": {"data": {1, 2}}}, "model.sample_input", "error"),
    ("sample-input-nan", "local", {"model.sample_input": {"data": [float("nan")]}}, "model.sample_input", "error"),
    (
        "azureml-needs-workspace",
        "managed",
        {"model.source": "azureml", "model.azureml.name": "digits"},
        "model.azureml.workspace",
        "error",
    ),
    (
        "azureml-needs-name",
        "managed",
        {"model.source": "azureml", "model.azureml.workspace": "ml-ws"},
        "model.azureml.name",
        "error",
    ),
    (
        "azureml-workspace-name",
        "managed",
        {"model.source": "azureml", "model.azureml.workspace": "w", "model.azureml.name": "digits"},
        "model.azureml.workspace",
        "error",
    ),
    (
        "azureml-without-sample-input-warns",
        "managed",
        {"model.source": "azureml", "model.azureml.workspace": "ml-ws", "model.azureml.name": "digits"},
        "model.sample_input",
        "warning",
    ),
    # function app names
    ("app-name-1-char", "local", {"function.app_name": "a"}, "function.app_name", "error"),
    ("app-name-61", "local", {"function.app_name": "a" * 61}, "function.app_name", "error"),
    ("app-name-leading-hyphen", "local", {"function.app_name": "-app"}, "function.app_name", "error"),
    ("app-name-dot", "local", {"function.app_name": "my.app"}, "function.app_name", "error"),
    ("storage-upper-case", "local", {"function.storage_account": "MLFuncStore"}, "function.storage_account", "error"),
    ("storage-2-chars", "local", {"function.storage_account": "ab"}, "function.storage_account", "error"),
    ("storage-25-chars", "local", {"function.storage_account": "a" * 25}, "function.storage_account", "error"),
    ("storage-hyphen", "local", {"function.storage_account": "ml-store"}, "function.storage_account", "error"),
    ("registry-too-short", "managed", {"function.registry": "acr"}, "function.registry", "error"),
    ("registry-hyphen", "managed", {"function.registry": "ml-acr-1"}, "function.registry", "error"),
    # plan
    ("plan-consumption", "managed", {"function.plan_sku": "Y1"}, "function.plan_sku", "error"),
    ("plan-flex", "managed", {"function.plan_sku": "FC1"}, "function.plan_sku", "error"),
    ("plan-unknown", "managed", {"function.plan_sku": "Z9"}, "function.plan_sku", "error"),
    ("plan-ep1-ok", "managed", {"function.plan_sku": "EP1"}, "function.plan_sku", None),
    # trigger options per type
    ("http-needs-auth-level", "local", {"function.trigger.auth_level": None}, "function.trigger.auth_level", "error"),
    (
        "http-anonymous-warns",
        "local",
        {"function.trigger.auth_level": "anonymous"},
        "function.trigger.auth_level",
        "warning",
    ),
    (
        "http-with-blob-option",
        "local",
        {"function.trigger.input_path": "inputs/{name}"},
        "function.trigger.input_path",
        "warning",
    ),
    (
        "blob-needs-input",
        "local",
        {"function.trigger": profiles.Trigger(type="blob", auth_level=None, output_path="outputs/{name}")},
        "function.trigger.input_path",
        "error",
    ),
    (
        "blob-needs-output",
        "local",
        {"function.trigger": profiles.Trigger(type="blob", auth_level=None, input_path="inputs/{name}")},
        "function.trigger.output_path",
        "error",
    ),
    (
        "blob-container-case",
        "local",
        {
            "function.trigger": profiles.Trigger(
                type="blob", auth_level=None, input_path="Inputs/{name}", output_path="outputs/{name}"
            )
        },
        "function.trigger.input_path",
        "error",
    ),
    (
        "blob-container-double-hyphen",
        "local",
        {
            "function.trigger": profiles.Trigger(
                type="blob", auth_level=None, input_path="in--box/{name}", output_path="outputs/{name}"
            )
        },
        "function.trigger.input_path",
        "error",
    ),
    (
        "blob-needs-pattern",
        "local",
        {
            "function.trigger": profiles.Trigger(
                type="blob", auth_level=None, input_path="inputs", output_path="outputs/{name}"
            )
        },
        "function.trigger.input_path",
        "error",
    ),
    (
        "blob-same-container-loops",
        "local",
        {
            "function.trigger": profiles.Trigger(
                type="blob", auth_level=None, input_path="data/in/{name}", output_path="data/out/{name}"
            )
        },
        "function.trigger.output_path",
        "warning",
    ),
    (
        "blob-ok",
        "local",
        {
            "function.trigger": profiles.Trigger(
                type="blob", auth_level=None, input_path="inputs/{name}", output_path="outputs/{name}.json"
            )
        },
        "function.trigger",
        None,
    ),
    (
        "service-bus-not-local",
        "local",
        {
            "function.trigger": profiles.Trigger(
                type="service-bus-queue", auth_level=None, input_queue="in", output_queue="out"
            )
        },
        "function.trigger.type",
        "error",
    ),
    (
        "service-bus-azure-ok",
        "managed",
        {
            "function.trigger": profiles.Trigger(
                type="service-bus-queue", auth_level=None, input_queue="in", output_queue="out", service_bus_namespace="ns1"
            )
        },
        "function.trigger",
        None,
    ),
    (
        "service-bus-needs-namespace",  # issue 11 item 5 (H5)
        "managed",
        {
            "function.trigger": profiles.Trigger(
                type="service-bus-queue", auth_level=None, input_queue="in", output_queue="out"
            )
        },
        "function.trigger.service_bus_namespace",
        "error",
    ),
    (
        "service-bus-needs-input",
        "managed",
        {"function.trigger": profiles.Trigger(type="service-bus-queue", auth_level=None, output_queue="out")},
        "function.trigger.input_queue",
        "error",
    ),
    (
        "service-bus-same-queue",
        "managed",
        {
            "function.trigger": profiles.Trigger(
                type="service-bus-queue", auth_level=None, input_queue="q", output_queue="q"
            )
        },
        "function.trigger.output_queue",
        "error",
    ),
    (
        "service-bus-queue-name",
        "managed",
        {
            "function.trigger": profiles.Trigger(
                type="service-bus-queue", auth_level=None, input_queue="-in", output_queue="out"
            )
        },
        "function.trigger.input_queue",
        "error",
    ),
    # packaging
    ("local-packaging-on-azure", "managed", {"function.packaging": "local"}, "function.packaging", "error"),
    ("acr-build-on-local", "local", {"function.packaging": "acr-build"}, "function.packaging", "error"),
    ("azureml-needs-aml", "managed", {"function.packaging": "azureml"}, "function.packaging", "error"),
    (
        "azureml-with-workspace-warns",
        "managed",
        {"function.packaging": "azureml", "model.azureml.workspace": "ml-ws"},
        "function.packaging",
        "warning",
    ),
    # cache policy
    ("ttl-zero", "local", {"cache_policy.ttl_seconds": 0}, "cache_policy.ttl_seconds", "error"),
    ("ttl-negative", "local", {"cache_policy.ttl_seconds": -5}, "cache_policy.ttl_seconds", "error"),
    ("ttl-one-ok", "local", {"cache_policy.ttl_seconds": 1}, "cache_policy.ttl_seconds", None),
    # limits (issue 12 item 13): a TTL Redis takes, short names in keys and settings, bounded free strings
    ("ttl-max-ok", "local", {"cache_policy.ttl_seconds": 2**31 - 1}, "cache_policy.ttl_seconds", None),
    ("ttl-over-max", "local", {"cache_policy.ttl_seconds": 2**31}, "cache_policy.ttl_seconds", "error"),
    ("ttl-10e20", "local", {"cache_policy.ttl_seconds": 10**20}, "cache_policy.ttl_seconds", "error"),
    ("model-name-128-ok", "local", {"model.name": "m" * 128}, "model.name", None),
    ("model-name-129", "local", {"model.name": "m" * 129}, "model.name", "error"),
    ("model-name-1mb", "local", {"model.name": "m" * 1_000_000}, "model.name", "error"),
    ("model-version-129", "local", {"model.version": "1" * 129}, "model.version", "error"),
    ("aml-name-129", "local", {"model.azureml.name": "n" * 129}, "model.azureml.name", "error"),
    ("aml-version-129", "local", {"model.azureml.version": "1" * 129}, "model.azureml.version", "error"),
    ("key-prefix-129", "local", {"cache_policy.key_prefix": "k" * 129}, "cache_policy.key_prefix", "error"),
    ("model-path-1024-ok", "local", {"model.path": "p" * 1024}, "model.path", None),
    ("model-path-1025", "local", {"model.path": "p" * 1025}, "model.path", "error"),
    ("entry-script-1025", "local", {"model.entry_script": "s" * 1025}, "model.entry_script", "error"),
    ("arm-endpoint-1025", "managed", {"azure.arm_endpoint": "https://" + "e" * 1020}, "azure.arm_endpoint", "error"),
    ("subnet-1025", "managed", {"cache.subnet_id": "s" * 1025}, "cache.subnet_id", "error"),
    ("capacity-huge", "managed", {"cache.capacity": 10**30}, "cache.capacity", "error"),
    ("capacity-negative", "managed", {"cache.capacity": -1}, "cache.capacity", "error"),
    ("key-prefix-empty", "local", {"cache_policy.key_prefix": ""}, "cache_policy.key_prefix", "error"),
    ("key-prefix-space", "local", {"cache_policy.key_prefix": "ml func"}, "cache_policy.key_prefix", "error"),
    ("timeout-zero", "local", {"cache_policy.timeout_ms": 0}, "cache_policy.timeout_ms", "error"),
    ("timeout-huge", "local", {"cache_policy.timeout_ms": 60_000}, "cache_policy.timeout_ms", "error"),
    ("timeout-slow-warns", "local", {"cache_policy.timeout_ms": 5_000}, "cache_policy.timeout_ms", "warning"),
]


@pytest.mark.parametrize(("base", "changes", "path", "severity"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule(base, changes, path, severity):
    profile = BASES[base]()
    for dotted, value in changes.items():
        if dotted == "tags":
            profile.tags = value
        else:
            profiles.set_field(profile, dotted, value)
    problems = rules.check(profile)
    if severity is None:  # the mutation is allowed: nothing at that field (or under it), no error anywhere
        assert rules.problems_for(problems, path) == []
        assert rules.errors(problems) == []
        return
    found = [p for p in problems if p.path == path and p.severity == severity]
    assert found, f"expected {severity} at {path}, got {[str(p) for p in problems]}"
    for p in found:
        assert p.message[0].isupper() and p.message.endswith("."), p.message  # a sentence
    if severity == "warning":  # a warning is not also an error at the same field
        assert [p for p in rules.errors(problems) if p.path == path] == []


def test_enum_error_names_the_allowed_values():
    p = local_base()
    p.cache.connectivity = "internet"
    (problem,) = rules.problems_for(rules.check(p), "cache.connectivity")
    for allowed in rules.CHOICES["cache.connectivity"]:
        assert allowed in problem.message


def test_upper_case_storage_name_suggests_the_lower_case_one():
    p = local_base()
    p.function.storage_account = "MLFuncStore"
    (problem,) = rules.problems_for(rules.check(p), "function.storage_account")
    assert '"mlfuncstore"' in problem.message


def test_model_file_and_entry_script_resolve_against_the_profile_folder(tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "model.pkl").write_bytes(b"not really a model, but a file")
    (tmp_path / "score.py").write_text("def init():\n    pass\n\ndef run(data):\n    return data\n")
    p = local_base()
    p.model.source = "file"
    p.model.path = "models/model.pkl"
    p.model.entry_script = "score.py"
    p.model.sample_input = {"data": [[0.0] * 64]}
    profiles.save(p, tmp_path / "profile.json")
    assert rules.check(profiles.load(tmp_path / "profile.json")) == []
    (tmp_path / "score.py").rename(tmp_path / "score.txt")
    p.model.entry_script = "score.txt"
    assert [x.path for x in rules.errors(rules.check(p))] == ["model.entry_script"]


def test_a_field_of_the_wrong_type_is_one_problem_not_a_crash():
    p = local_base()
    profiles.set_field(p, "cache.capacity", "1")  # what a careless widget could write
    assert [(x.path, x.severity) for x in rules.check(p)] == [("cache.capacity", "error")]


def test_problems_come_in_field_order():
    p = premium_base()
    p.cache_policy.ttl_seconds = 0
    p.function.storage_account = "X"
    p.cache.shard_count = 99
    p.name = "a--b"
    paths = [x.path for x in rules.check(p)]
    assert paths == [
        "name",
        "cache.service",
        "cache.shard_count",
        "function.storage_account",
        "cache_policy.ttl_seconds",
    ]


def test_problems_for_selects_a_field_and_its_children():
    found = [
        rules.Problem("cache", "error", "A."),
        rules.Problem("cache.name", "error", "B."),
        rules.Problem("cache.persistence.mode", "warning", "C."),
        rules.Problem("cache_policy.ttl_seconds", "error", "D."),
        rules.Problem("tags.a<b", "error", "E."),
    ]
    assert [p.message for p in rules.problems_for(found, "cache")] == ["A.", "B.", "C."]
    assert [p.message for p in rules.problems_for(found, "cache.persistence")] == ["C."]
    assert [p.message for p in rules.problems_for(found, "tags")] == ["E."]
    assert rules.problems_for(found, "") == found


def test_sku_sizes_cover_every_size_the_rules_accept():
    for sku, capacities in rules.CLASSIC_CAPACITIES.items():
        for capacity in capacities:
            cache = profiles.CacheSettings(service="cache-for-redis", sku=sku, capacity=capacity)
            assert rules.memory_label(cache), (sku, capacity)
    assert rules.memory_label(profiles.CacheSettings(service="cache-for-redis", sku="Standard", capacity=1)) == "1 GB"
    assert rules.memory_label(profiles.CacheSettings(service="cache-for-redis", sku="Premium", capacity=5)) == "120 GB"
    assert rules.memory_label(profiles.CacheSettings(sku="Balanced_B0")) == "0.5 GB"


def test_managed_redis_skus_match_the_sdk():
    # The SDK's enum is the source of truth for the names (the test may import Azure; wizard/rules may not).
    from azure.mgmt.redisenterprise.models import SkuName

    sdk = {s.value for s in SkuName if s.value.startswith(rules.MANAGED_REDIS_FAMILIES)}
    assert set(rules.MANAGED_REDIS_SKUS) == sdk


# --- property: every profile the GUI can save round-trips through JSON ---------------------------

# Text a Qt line edit can hold and a UTF-8 file can store (no lone surrogates).
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
json_scalars = (
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.floats(allow_nan=False, allow_infinity=False) | text
)
json_values = st.recursive(
    json_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4), max_leaves=12
)
ints = st.integers(-(2**31), 2**31)
opt_text = st.none() | text

triggers = st.one_of(
    st.builds(
        profiles.Trigger,
        type=st.just("http"),
        auth_level=st.none() | st.sampled_from(["anonymous", "function", "admin"]),
        input_path=st.none(),
        output_path=st.none(),
        input_queue=st.none(),
        output_queue=st.none(),
    ),
    st.builds(
        profiles.Trigger,
        type=st.just("blob"),
        auth_level=st.none(),
        input_path=opt_text,
        output_path=opt_text,
        input_queue=st.none(),
        output_queue=st.none(),
    ),
    st.builds(
        profiles.Trigger,
        type=st.just("service-bus-queue"),
        auth_level=st.none(),
        input_path=st.none(),
        output_path=st.none(),
        input_queue=opt_text,
        output_queue=opt_text,
    ),
    # a half-edited trigger: whatever the GUI left behind when the type changed
    st.builds(
        profiles.Trigger,
        type=text,
        auth_level=opt_text,
        input_path=opt_text,
        output_path=opt_text,
        input_queue=opt_text,
        output_queue=opt_text,
    ),
)

profiles_strategy = st.builds(
    Profile,
    name=text,
    target=st.sampled_from(["local", "azure"]) | text,
    azure=st.builds(
        profiles.AzureSettings, subscription_id=text, location=text, tenant_id=text, cloud=text, arm_endpoint=text
    ),
    resource_group=st.builds(profiles.ResourceGroup, name=text, create=st.booleans()),
    tags=st.dictionaries(text, text, max_size=6),
    cache=st.builds(
        profiles.CacheSettings,
        service=st.sampled_from(rules.CHOICES["cache.service"]) | text,
        name=text,
        sku=st.sampled_from((*rules.CLASSIC_SKUS, *rules.MANAGED_REDIS_SKUS)) | text,
        capacity=ints,
        connectivity=text,
        subnet_id=text,
        non_tls_port=st.booleans(),
        minimum_tls_version=text,
        authentication=text,
        redis_version=text,
        shard_count=ints,
        replicas_per_primary=ints,
        zones=st.lists(text, max_size=4),
        persistence=st.builds(profiles.Persistence, mode=text, rdb_frequency_minutes=ints, storage_account=text),
        clustering_policy=text,
        eviction_policy=text,
        high_availability=st.booleans(),
    ),
    model=st.builds(
        profiles.ModelSettings,
        source=text,
        sample=text,
        path=text,
        azureml=st.builds(
            profiles.AzureMLModel, subscription_id=text, resource_group=text, workspace=text, name=text, version=text
        ),
        name=text,
        version=text,
        entry_script=text,
        sample_input=json_values,
    ),
    function=st.builds(
        profiles.FunctionSettings,
        app_name=text,
        plan_sku=text,
        storage_account=text,
        trigger=triggers,
        packaging=text,
        registry=text,
        python_version=text,
    ),
    cache_policy=st.builds(profiles.CachePolicy, ttl_seconds=ints, key_prefix=text, timeout_ms=ints),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles_strategy)
def test_every_profile_the_gui_can_save_round_trips_through_json(profile):
    text_form = profiles.dumps(profile)
    assert profiles.loads(text_form) == profile
    assert json.loads(text_form)["version"] == 1
    rules.check(profile)  # the rules never crash on what the GUI can hold


@settings(max_examples=25, deadline=None)
@given(profiles_strategy)
def test_every_profile_the_gui_can_save_round_trips_through_a_file(profile):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "profile.json"
        profiles.save(profile, path)
        assert profiles.load(path) == profile


# --- limits and the one resource-group definition ----------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=100))
def test_the_rule_and_the_local_target_accept_the_same_resource_group_names(name):
    from wizard.targets.local import resource_group

    accepted_by_rule = rules.RESOURCE_GROUP_NAME.problem("resource_group.name", name) is None
    try:
        resource_group.group_dir(name)
        accepted_locally = True
    except resource_group.ResourceGroupError:
        accepted_locally = False
    assert accepted_by_rule == accepted_locally, name


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(set(rules.KEY_NAME_FIELDS))), st.integers(0, 3000))
def test_every_key_name_field_is_bounded_at_128(field, length):
    profile = local_base()
    profiles.set_field(profile, field, "a" * length)
    limit_problems = [p for p in rules.check(profile) if p.path == field and p.severity == "error"]
    if length > rules.KEY_NAME_MAX:
        assert limit_problems, (field, length)


@settings(max_examples=100, deadline=None)
@given(st.integers(-(10**40), 10**40))
def test_a_whole_number_out_of_range_is_an_error_never_a_crash(value):
    profile = local_base()
    profile.cache.capacity = value  # unused by Managed Redis: only the generic limit can catch it
    problems = rules.problems_for(rules.check(profile), "cache.capacity")
    assert bool(problems) == (not 0 <= value <= rules.WHOLE_NUMBER_MAX)
