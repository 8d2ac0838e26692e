"""Full Azure deploy of a Premium clustered Azure Cache for Redis profile through the engine, against the ARM
emulator over HTTPS with the real SDK clients; request bodies checked field by field against the profile."""

from __future__ import annotations

import logging

import pytest

from tests.azure.deploying import LogCapture, deploy, journal_text, written_text
from wizard import deployment
from wizard.secrets import mask

PUT_ROUTES = ["/providers/", "storageaccounts/", "microsoft.cache/redis/", "serverfarms/", "registries/",
              "microsoft.web/sites/", "roleassignments/", "config/appsettings"]


def ending(arm, method, suffix):
    return [r for r in arm.requests(method) if r.lower_path.endswith(suffix.lower())]


def only(records):
    assert len(records) == 1, [r.path for r in records]
    return records[0]


@pytest.fixture
def capture():
    handler = LogCapture()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_premium_clustered_deploy_creates_every_resource_from_the_profile(arm, credential, premium_profile, capture, monkeypatch):
    profile = premium_profile
    result = deploy(profile, credential)
    assert result.outcome.ok, result.failed_sentences
    assert [e.step for e in result.of("failed")] == []

    sub = arm.subscription_id
    # Resource group: our tags plus the profile's.
    group = only([r for r in arm.requests("PUT") if r.lower_path.endswith("/resourcegroups/rg-prem")])
    assert group.body == {"location": "westeurope", "tags": {"team": "ml", "env": "test", "created-by": "mlfunc-wizard", "mlfunc-deployment": "prem"}}

    # Storage: StorageV2, Standard_LRS, TLS 1.2, no public blob access.
    account = only(ending(arm, "PUT", "storageaccounts/premst"))
    assert account.body["kind"] == "StorageV2"
    assert account.body["sku"] == {"name": "Standard_LRS"}
    assert account.body["properties"]["minimumTlsVersion"] == "TLS1_2"
    assert account.body["properties"]["allowBlobPublicAccess"] is False
    assert account.body["properties"]["supportsHttpsTrafficOnly"] is True

    # The cache: every option of the profile, field by field.
    cache = only(ending(arm, "PUT", "microsoft.cache/redis/prem-cache")).body
    props = cache["properties"]
    assert cache["location"] == profile.azure.location
    assert props["sku"] == {"name": "Premium", "family": "P", "capacity": profile.cache.capacity}
    assert props["shardCount"] == profile.cache.shard_count == 3
    assert props["replicasPerPrimary"] == profile.cache.replicas_per_primary == 1
    assert cache["zones"] == profile.cache.zones
    assert props["zonalAllocationPolicy"] == "UserDefined"
    assert props["enableNonSslPort"] is False
    assert props["minimumTlsVersion"] == "1.2"
    assert props["redisVersion"] == "6"
    assert props["publicNetworkAccess"] == "Enabled"
    assert props["disableAccessKeyAuthentication"] is False
    config = props["redisConfiguration"]
    assert config["maxmemory-policy"] == "volatile-lru"
    assert config["rdb-backup-enabled"] == "true"
    assert config["rdb-backup-frequency"] == str(profile.cache.persistence.rdb_frequency_minutes)
    storage_key = arm.state.hidden[f"/subscriptions/{sub}/resourcegroups/rg-prem/providers/microsoft.storage/storageaccounts/premst"]["keys"][0]
    assert config["rdb-storage-connection-string"] == (
        f"DefaultEndpointsProtocol=https;AccountName=premst;AccountKey={storage_key};EndpointSuffix=core.windows.net"
    )
    assert "aof-backup-enabled" not in config and "aad-enabled" not in config
    assert cache["tags"]["created-by"] == "mlfunc-wizard"

    plan = only(ending(arm, "PUT", "serverfarms/prem-app-plan")).body
    assert plan["kind"] == "linux" and plan["properties"]["reserved"] is True
    assert plan["sku"] == {"name": "B1", "tier": "Basic", "capacity": 1}

    registry = only(ending(arm, "PUT", "registries/premacr")).body
    assert registry["sku"] == {"name": "Basic"} and registry["properties"]["adminUserEnabled"] is False

    # ACR Tasks build of the generated app folder.
    run = only(ending(arm, "POST", "registries/premacr/schedulerun")).body
    image = result.outcome.outputs["package"]["image"]
    assert run["type"] == "DockerBuildRequest" and run["dockerFilePath"] == "Dockerfile" and run["isPushEnabled"] is True
    assert run["platform"] == {"os": "Linux", "architecture": "amd64"}
    assert image == f"premacr.azurecr.io/{run['imageNames'][0]}"
    upload = only(arm.requests("PUT", "/_blob/uploads/"))
    assert isinstance(upload.body, bytes) and upload.body[:2] == b"\x1f\x8b"  # the gzip'd build context
    assert any("Step 1/" in e.message and "mcr.microsoft.com/azure-functions/python" in e.message for e in result.of("log", "package"))

    site = only(ending(arm, "PUT", "microsoft.web/sites/prem-app")).body
    assert site["kind"] == "functionapp,linux,container"
    assert site["identity"] == {"type": "SystemAssigned"}
    site_config = site["properties"]["siteConfig"]
    assert site_config["linuxFxVersion"] == f"DOCKER|{image}"
    assert site_config["alwaysOn"] is True
    assert site["properties"]["serverFarmId"].endswith("/serverfarms/prem-app-plan")
    assert site["properties"]["reserved"] is True and site["properties"]["httpsOnly"] is True

    # Pull by managed identity: AcrPull on the registry for the app's principal.
    principal = result.outcome.outputs["function-app"]["principal_id"]
    role = only([r for r in arm.requests("PUT", "roleassignments/")]).body["properties"]
    assert role["principalId"] == principal and role["principalType"] == "ServicePrincipal"
    assert role["roleDefinitionId"].endswith("/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d")
    assert only(ending(arm, "PATCH", "prem-app/config/web")).body == {"properties": {"acrUseManagedIdentityCreds": True}}

    # App settings: read first, then the merged set.
    assert arm.requests("POST", "prem-app/config/appsettings/list")
    settings = only(ending(arm, "PUT", "prem-app/config/appsettings")).body["properties"]
    cache_key = arm.state.hidden[f"/subscriptions/{sub}/resourcegroups/rg-prem/providers/microsoft.cache/redis/prem-cache"]["keys"]["primaryKey"]
    assert settings["REDIS_HOST"] == "prem-cache.redis.cache.windows.net"
    assert settings["REDIS_PORT"] == "6380" and settings["REDIS_SSL"] == "true" and settings["REDIS_CLUSTER"] == "true"
    assert settings["REDIS_PASSWORD"] == cache_key
    assert settings["AzureWebJobsStorage"].startswith("DefaultEndpointsProtocol=https;AccountName=premst;AccountKey=")
    assert settings["FUNCTIONS_EXTENSION_VERSION"] == "~4"
    assert settings["WEBSITES_ENABLE_APP_SERVICE_STORAGE"] == "false"
    assert settings["DOCKER_REGISTRY_SERVER_URL"] == "https://premacr.azurecr.io"
    # Worker counts from the runtime benchmark: one Python worker per vCPU of the plan (B1: 1), four threads.
    assert settings["FUNCTIONS_WORKER_PROCESS_COUNT"] == "1" and settings["PYTHON_THREADPOOL_THREAD_COUNT"] == "4"
    assert "DOCKER_REGISTRY_SERVER_PASSWORD" not in settings
    assert settings["CACHE_TTL_SECONDS"] == str(profile.cache_policy.ttl_seconds)
    assert settings["CACHE_KEY_PREFIX"] == profile.cache_policy.key_prefix
    assert settings["MODEL_NAME"] == "tiny"

    # The function key was retried until the host answered (the emulator's host warms up first).
    key_calls = arm.requests("POST", "functions/score/listkeys")
    assert [r.status for r in key_calls][:2] == [503, 200]
    endpoint = result.outcome.endpoint
    assert endpoint.url == f"https://127.0.0.1:{arm.port}/api/score"
    assert only(ending(arm, "POST", "/api/score")).body == profile.model.sample_input
    assert result.outcome.outputs["smoke-test"]["x_cache"] == "MISS"

    # Invoke through the public API: the warm-up cached the answer. wizard.deployment.invoke uses requests'
    # default trust store, so point it at the emulator's CA (real Azure has public certificates).
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(arm.ca_file))
    answer = deployment.invoke(profile, profile.model.sample_input, credential=credential)
    assert answer.status == 200 and answer.x_cache == "HIT" and answer.json == {"result": [0]}

    # No secret anywhere the wizard wrote or said.
    known = arm.secrets | {endpoint.key, settings["AzureWebJobsStorage"]}
    assert cache_key in known
    said = [e.message for e in result.events] + [e.detail for e in result.events] + [repr(e.outputs) for e in result.events]
    said += capture.lines
    files = written_text()
    assert any(p.name == "journal.json" for p in files) and any(p.name == "profile.json" for p in files)
    for secret in known:
        for line in said:
            assert secret not in line, f"secret leaked into an event or log line: {mask(secret)}"
        for path, text in files.items():
            assert secret not in text, f"secret leaked into {path}"
    assert "AccountKey=" not in journal_text(profile)


def test_rerun_after_success_skips_everything_and_creates_nothing(arm, credential, premium_profile):
    first = deploy(premium_profile, credential)
    assert first.outcome.ok, first.failed_sentences
    puts_before = {route: arm.count("PUT", route) for route in PUT_ROUTES}
    builds_before = arm.count("POST", "schedulerun")

    second = deploy(premium_profile, credential)
    assert second.outcome.ok, second.failed_sentences
    skipped = {e.step for e in second.of("skipped")}
    assert {"resource-group", "storage", "cache", "registry", "package", "plan", "function-app", "registry-access", "app-settings"} <= skipped
    assert {route: arm.count("PUT", route) for route in PUT_ROUTES} == puts_before
    assert arm.count("POST", "schedulerun") == builds_before
