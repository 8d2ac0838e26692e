"""Issue 11 item 13: a cache that already exists is compared on the key/Entra settings the profile controls
(observe -> compare -> act, docs/step-contract.md). Emulated Azure stores accessKeysAuthentication,
disableAccessKeyAuthentication and aad-enabled, and its data plane refuses a key the cache does not accept: the
function then fails open (X-Cache BYPASS) while the deploy looks green, which is what these tests catch."""

from __future__ import annotations

import requests
from azure.mgmt.redis.models import RedisCommonPropertiesRedisConfiguration, RedisResource, Sku as ClassicSku
from azure.mgmt.redisenterprise.models import Database

from tests.azure.deploying import deploy
from wizard.targets.azure import api_versions, cache_classic, managed_redis
from wizard.targets.base import ChangeKind

AUTH = {"Authorization": "Bearer emulator-test"}


def _put_and_finish(arm, path: str, body: dict, version: str) -> dict:
    """Create a resource the way someone else did earlier (plain REST), and wait for its operation."""
    answer = requests.put(f"{arm.url}{path}?api-version={version}", json=body, headers=AUTH, verify=str(arm.ca_file))
    assert answer.status_code in (200, 201), answer.text
    poll = answer.headers.get("Azure-AsyncOperation")
    for _ in range(arm.state.lro_polls + 1):
        if poll:
            requests.get(poll, headers=AUTH, verify=str(arm.ca_file))
    return answer.json()


def _group(arm, name: str) -> str:
    prefix = f"/subscriptions/{arm.subscription_id}/resourceGroups/{name}"
    requests.put(f"{arm.url}{prefix}?api-version={api_versions.RESOURCES}", json={"location": "westeurope"}, headers=AUTH, verify=str(arm.ca_file))
    return prefix


def _managed_database(arm, profile, **props) -> str:
    prefix = _group(arm, profile.resource_group.name)
    cluster = f"{prefix}/providers/Microsoft.Cache/redisEnterprise/{profile.cache.name}"
    _put_and_finish(arm, cluster, {"location": "westeurope", "sku": {"name": profile.cache.sku}, "properties": {"publicNetworkAccess": "Enabled"}}, api_versions.REDIS_ENTERPRISE)
    _put_and_finish(arm, f"{cluster}/databases/default", {"properties": {"clientProtocol": "Encrypted", "port": 10000, **props}}, api_versions.REDIS_ENTERPRISE)
    return f"{cluster}/databases/default".lower()


def test_managed_redis_created_with_keys_off_is_switched_on_for_a_keys_profile(arm, credential, managed_profile):
    managed_profile.cache.authentication = "access-keys"
    # Created earlier without accessKeysAuthentication: the API default is Disabled.
    key = _managed_database(arm, managed_profile, clusteringPolicy="OSSCluster")
    result = deploy(managed_profile, credential)
    assert result.outcome.ok, result.failed_sentences
    assert str(result.outcome.states["cache"]) in ("updated", "StepState.UPDATED")
    change = result.outcome.changes["cache"]
    assert [(c.setting, c.old, c.new) for c in change.settings] == [("accessKeysAuthentication", "Disabled", "Enabled")]
    assert arm.state.resources[key]["properties"]["accessKeysAuthentication"] == "Enabled"
    assert result.outcome.outputs["smoke-test"]["x_cache"] == "MISS"  # the cache took the key (BYPASS = refused)


def test_managed_redis_with_another_clustering_policy_is_refused_naming_the_setting(arm, credential, managed_profile):
    key = _managed_database(arm, managed_profile, clusteringPolicy="EnterpriseCluster", accessKeysAuthentication="Disabled")
    result = deploy(managed_profile, credential)  # the profile asks OSSCluster
    assert not result.outcome.ok
    sentence = result.outcome.failed["cache"]
    assert "cache.clustering_policy" in sentence and "EnterpriseCluster" in sentence and "OSSCluster" in sentence
    assert "--allow-replace" in sentence
    assert key in arm.state.resources  # nothing was deleted


def test_classic_cache_with_keys_disabled_is_switched_on_for_a_keys_profile(arm, credential, premium_profile):
    prefix = _group(arm, premium_profile.resource_group.name)
    path = f"{prefix}/providers/Microsoft.Cache/redis/{premium_profile.cache.name}"
    _put_and_finish(arm, path, {"location": "westeurope", "properties": {"sku": {"name": "Premium", "family": "P", "capacity": 1},
                                                                          "shardCount": 3, "disableAccessKeyAuthentication": True,
                                                                          "redisConfiguration": {"aad-enabled": "true", "maxmemory-policy": "volatile-lru"}}},
                    api_versions.REDIS)
    result = deploy(premium_profile, credential)
    assert result.outcome.ok, result.failed_sentences
    assert [(c.setting, c.old, c.new) for c in result.outcome.changes["cache"].settings] == [("disableAccessKeyAuthentication", True, False)]
    props = arm.state.resources[path.lower()]["properties"]
    assert props["disableAccessKeyAuthentication"] is False
    assert props["redisConfiguration"]["maxmemory-policy"] == "volatile-lru"  # PATCH merged, nothing else lost
    assert result.outcome.outputs["smoke-test"]["x_cache"] == "MISS"


def test_compare_functions_are_pure_and_name_the_azure_setting(premium_profile, managed_profile):
    premium_profile.cache.authentication = "entra"
    cache = RedisResource(location="westeurope", sku=ClassicSku(name="Premium", family="P", capacity=1),
                          disable_access_key_authentication=False,
                          redis_configuration=RedisCommonPropertiesRedisConfiguration(aad_enabled="false"))
    change = cache_classic.auth_differences(premium_profile, cache)
    assert change.kind is ChangeKind.UPDATE
    assert {c.setting for c in change.settings} == {"disableAccessKeyAuthentication", "redisConfiguration.aad-enabled"}

    database = Database(access_keys_authentication="Enabled", clustering_policy="OSSCluster")
    assert managed_redis.auth_differences(managed_profile, database).kind is ChangeKind.UPDATE  # entra: keys off
    managed_profile.cache.authentication = "access-keys"
    assert managed_redis.auth_differences(managed_profile, database).kind is ChangeKind.NO_CHANGE
    managed_profile.cache.clustering_policy = "EnterpriseCluster"
    replace = managed_redis.auth_differences(managed_profile, database)
    assert replace.kind is ChangeKind.REPLACE and replace.forced_by == ("cache.clustering_policy",)
