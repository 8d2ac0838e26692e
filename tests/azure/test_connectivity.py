"""Private connectivity options of the cache: a private endpoint (both services) and VNet injection (Premium)."""

from __future__ import annotations

from tests.azure.deploying import deploy

SUBNET = "/subscriptions/00000000-0000-0000-0000-00000000a001/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/cache"


def ending(arm, method, suffix):
    return [r for r in arm.requests(method) if r.lower_path.endswith(suffix.lower())]


def test_private_endpoint_for_managed_redis(arm, credential, managed_profile):
    managed_profile.cache.connectivity = "private-endpoint"
    managed_profile.cache.subnet_id = SUBNET
    result = deploy(managed_profile, credential)
    assert result.outcome.ok, result.failed_sentences
    (cluster,) = ending(arm, "PUT", "redisenterprise/amr-cache")
    assert cluster.body["properties"]["publicNetworkAccess"] == "Disabled"
    (endpoint,) = ending(arm, "PUT", "privateendpoints/amr-cache-pe")
    props = endpoint.body["properties"]
    assert props["subnet"]["id"] == SUBNET
    (link,) = props["privateLinkServiceConnections"]
    assert link["properties"]["privateLinkServiceId"] == result.outcome.outputs["cache"]["id"]
    assert link["properties"]["groupIds"] == ["redisEnterprise"]
    assert any("privatelink.redis.azure.net" in e.message for e in result.of("log", "cache-private-endpoint"))


def test_vnet_injection_for_premium(arm, credential, premium_profile):
    premium_profile.cache.connectivity = "vnet"
    premium_profile.cache.subnet_id = SUBNET
    premium_profile.cache.non_tls_port = True
    result = deploy(premium_profile, credential)
    assert result.outcome.ok, result.failed_sentences
    (cache,) = ending(arm, "PUT", "microsoft.cache/redis/prem-cache")
    assert cache.body["properties"]["subnetId"] == SUBNET
    assert cache.body["properties"]["publicNetworkAccess"] == "Disabled"
    assert cache.body["properties"]["enableNonSslPort"] is True
    assert not arm.requests("PUT", "privateendpoints")
    assert result.outcome.outputs["cache"]["non_tls_port"] == 6379
