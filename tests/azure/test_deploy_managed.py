"""Full Azure deploy of an Azure Managed Redis profile (OSS cluster, AOF, Entra auth) through the engine against
the ARM emulator; cluster, database and access-policy bodies checked field by field."""

from __future__ import annotations

from tests.azure.deploying import deploy, written_text


def ending(arm, method, suffix):
    return [r for r in arm.requests(method) if r.lower_path.endswith(suffix.lower())]


def test_managed_redis_deploy_with_entra(arm, credential, managed_profile):
    profile = managed_profile
    result = deploy(profile, credential)
    assert result.outcome.ok, result.failed_sentences

    (cluster,) = ending(arm, "PUT", "microsoft.cache/redisenterprise/amr-cache")
    assert cluster.body["location"] == "westeurope"
    assert cluster.body["sku"] == {"name": "Balanced_B1"}
    assert cluster.body["properties"]["highAvailability"] == "Enabled"
    assert cluster.body["properties"]["minimumTlsVersion"] == "1.2"
    assert cluster.body["properties"]["publicNetworkAccess"] == "Enabled"
    assert cluster.body["tags"]["created-by"] == "mlfunc-wizard"
    assert "zones" not in cluster.body

    (database,) = ending(arm, "PUT", "amr-cache/databases/default")
    db = database.body["properties"]
    assert db["clientProtocol"] == "Encrypted"
    assert db["port"] == 10000
    assert db["clusteringPolicy"] == profile.cache.clustering_policy == "OSSCluster"
    assert db["evictionPolicy"] == profile.cache.eviction_policy == "AllKeysLRU"
    assert db["persistence"] == {"aofEnabled": True, "aofFrequency": "1s"}
    assert db["accessKeysAuthentication"] == "Disabled"

    # Entra: the function app's identity gets the default access policy; no key goes anywhere.
    principal = result.outcome.outputs["function-app"]["principal_id"]
    (assignment,) = ending(arm, "PUT", "databases/default/accesspolicyassignments/mlfuncfunctionapp")
    assert assignment.body["properties"] == {"accessPolicyName": "default", "user": {"objectId": principal}}
    assert not arm.requests("POST", "databases/default/listkeys")

    (settings_put,) = ending(arm, "PUT", "amr-app/config/appsettings")
    settings = settings_put.body["properties"]
    assert settings["REDIS_HOST"] == "amr-cache.westeurope.redis.azure.net"
    assert settings["REDIS_PORT"] == "10000"
    assert settings["REDIS_SSL"] == "true"
    assert settings["REDIS_CLUSTER"] == "true"
    assert settings["REDIS_ENTRA"] == "true"
    assert "REDIS_PASSWORD" not in settings

    # The classic service was never touched, and nothing secret was written.
    assert not arm.requests("PUT", "microsoft.cache/redis/")
    for secret in arm.secrets:
        for path, text in written_text().items():
            assert secret not in text, path


def test_managed_redis_with_access_keys_puts_the_database_key_in_settings(arm, credential, managed_profile):
    profile = managed_profile
    profile.cache.authentication = "access-keys"
    profile.cache.clustering_policy = "EnterpriseCluster"
    profile.cache.persistence.mode = "rdb"
    profile.cache.persistence.rdb_frequency_minutes = 360
    profile.cache.high_availability = False
    result = deploy(profile, credential)
    assert result.outcome.ok, result.failed_sentences

    (cluster,) = ending(arm, "PUT", "microsoft.cache/redisenterprise/amr-cache")
    assert cluster.body["properties"]["highAvailability"] == "Disabled"
    (database,) = ending(arm, "PUT", "amr-cache/databases/default")
    assert database.body["properties"]["accessKeysAuthentication"] == "Enabled"
    assert database.body["properties"]["clusteringPolicy"] == "EnterpriseCluster"
    assert database.body["properties"]["persistence"] == {"rdbEnabled": True, "rdbFrequency": "6h"}
    assert not arm.requests("PUT", "accesspolicyassignments")
    key = arm.state.hidden[
        f"/subscriptions/{arm.subscription_id}/resourcegroups/rg-amr/providers/microsoft.cache/redisenterprise/amr-cache/databases/default"
    ]["keys"]["primaryKey"]
    (settings_put,) = ending(arm, "PUT", "amr-app/config/appsettings")
    assert settings_put.body["properties"]["REDIS_PASSWORD"] == key
    assert "REDIS_CLUSTER" not in settings_put.body["properties"]
    assert "REDIS_ENTRA" not in settings_put.body["properties"]
