"""Issue 11 items 2, 3, 4, 8, 9, 10 and the emulator's spec strictness: the emulator refuses what ARM refuses
(rules in tests/azure/arm_emulator/spec_rules.py, sources there), and the Azure target no longer sends it."""

from __future__ import annotations

import joblib
import pytest
import requests
from sklearn.linear_model import LogisticRegression

from tests.azure.deploying import deploy
from wizard import rules
from wizard.targets.azure import api_versions

AUTH = {"Authorization": "Bearer emulator-test"}


def put(arm, path: str, body: dict, version: str) -> requests.Response:
    return requests.put(f"{arm.url}{path}?api-version={version}", json=body, headers=AUTH, verify=str(arm.ca_file))


def post(arm, path: str, version: str) -> requests.Response:
    return requests.post(f"{arm.url}{path}?api-version={version}", headers=AUTH, verify=str(arm.ca_file))


def group(arm, name: str = "rg-x") -> str:
    prefix = f"/subscriptions/{arm.subscription_id}/resourceGroups/{name}"
    assert put(arm, prefix, {"location": "westeurope"}, api_versions.RESOURCES).status_code in (200, 201)
    return prefix


def code(answer: requests.Response) -> tuple[int, str]:
    return answer.status_code, answer.json()["error"]["code"]


def site_settings(arm, profile) -> dict[str, str]:
    key = (f"/subscriptions/{arm.subscription_id}/resourcegroups/{profile.resource_group.name}"
           f"/providers/microsoft.web/sites/{profile.function.app_name}").lower()
    return dict(arm.state.hidden[key]["settings"])


# --- item 8: api versions ----------------------------------------------------------------------


def test_unknown_api_version_gets_arms_400_with_the_supported_list(arm):
    prefix = group(arm)
    answer = put(arm, f"{prefix}/providers/Microsoft.Cache/redis/c1", {"location": "westeurope"}, "2099-01-01")
    assert code(answer) == (400, "InvalidApiVersionParameter")
    assert "2024-11-01" in answer.json()["error"]["message"]


def test_every_request_of_a_deploy_names_the_pinned_version(arm, credential, premium_profile):
    result = deploy(premium_profile, credential)
    assert result.outcome.ok, result.failed_sentences
    sent = {(r.lower_path.split("/providers/")[-1].split("/")[0], r.query.get("api-version")) for r in arm.requests() if "/providers/microsoft.web/" in r.lower_path}
    assert sent == {("microsoft.web", api_versions.WEB)}
    assert {r.query["api-version"] for r in arm.requests() if "/microsoft.cache/redis/" in r.lower_path and "operations" not in r.lower_path} == {api_versions.REDIS}


# --- item 2: a site PUT replaces the app settings -----------------------------------------------


def test_redeploying_a_new_image_keeps_the_app_settings(arm, credential, premium_profile, tmp_path):
    first = deploy(premium_profile, credential)
    assert first.outcome.ok, first.failed_sentences
    assert "AzureWebJobsStorage" in site_settings(arm, premium_profile)

    # A different model makes a different image; the settings step then fails (a crash between the two steps).
    other = tmp_path / "other.pkl"
    joblib.dump(LogisticRegression(C=0.25).fit([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]], [0, 1, 1, 0]), other)
    premium_profile.model.path = str(other)
    arm.inject("PUT", r"/config/appsettings$", "server-error", times=100)
    second = deploy(premium_profile, credential)
    assert "app-settings" in second.outcome.failed or not second.outcome.ok
    assert second.outcome.outputs["function-app"]["image"] != first.outcome.outputs["function-app"]["image"]
    settings = site_settings(arm, premium_profile)
    assert {"AzureWebJobsStorage", "REDIS_HOST", "REDIS_PASSWORD"} <= set(settings), sorted(settings)
    assert not [r for r in arm.requests("PUT") if r.lower_path.endswith("/sites/prem-app")][1:], "no second site PUT"
    image = second.outcome.outputs["function-app"]["image"]
    patches = [r.body for r in arm.requests("PATCH") if r.lower_path.endswith("/sites/prem-app/config/web")]
    assert {"properties": {"linuxFxVersion": f"DOCKER|{image}"}} in patches  # the image changed through config/web


def test_emulator_site_put_replaces_the_settings_list(arm):
    prefix = group(arm)
    plan = put(arm, f"{prefix}/providers/Microsoft.Web/serverfarms/p1", {"location": "westeurope", "kind": "linux", "sku": {"name": "B1", "tier": "Basic"}, "properties": {"reserved": True}}, api_versions.WEB)
    assert plan.status_code == 202
    farm = f"{prefix}/providers/Microsoft.Web/serverfarms/p1"
    body = {"location": "westeurope", "kind": "functionapp,linux,container", "properties": {"serverFarmId": farm, "siteConfig": {"appSettings": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]}}}
    path = f"{prefix}/providers/Microsoft.Web/sites/s-one"
    assert put(arm, path, body, api_versions.WEB).status_code == 200
    for _ in range(arm.state.lro_polls + 1):  # App Service polls the site itself until it has finished
        requests.get(f"{arm.url}{path}?api-version={api_versions.WEB}", headers=AUTH, verify=str(arm.ca_file))
    body["properties"]["siteConfig"]["appSettings"] = [{"name": "A", "value": "3"}]
    assert put(arm, path, body, api_versions.WEB).status_code == 200
    listed = post(arm, f"{path}/config/appsettings/list", api_versions.WEB).json()["properties"]
    assert listed == {"A": "3"}


# --- item 3: Elastic Premium plans -------------------------------------------------------------


def test_elastic_premium_plan_is_elastic_and_the_site_has_no_always_on(arm, credential, premium_profile):
    premium_profile.function.plan_sku = "EP1"
    result = deploy(premium_profile, credential)
    assert result.outcome.ok, result.failed_sentences
    plan = [r for r in arm.requests("PUT") if r.lower_path.endswith("/serverfarms/prem-app-plan")][0].body
    assert plan["kind"] == "elastic" and plan["properties"]["reserved"] is True
    assert plan["properties"]["maximumElasticWorkerCount"] >= 1
    assert plan["sku"]["tier"] == "ElasticPremium"
    site = [r for r in arm.requests("PUT") if r.lower_path.endswith("/sites/prem-app")][0].body
    assert site["properties"]["siteConfig"]["alwaysOn"] is False


@pytest.mark.parametrize("kind, sku, status", [("linux", "EP1", 400), ("elastic", "B1", 400), ("elastic", "EP2", 202), ("linux", "B1", 202)])
def test_emulator_refuses_a_wrong_plan_kind_for_the_sku(arm, kind, sku, status):
    prefix = group(arm)
    answer = put(arm, f"{prefix}/providers/Microsoft.Web/serverfarms/p-{sku.lower()}", {"location": "westeurope", "kind": kind, "sku": {"name": sku}, "properties": {"reserved": True}}, api_versions.WEB)
    assert answer.status_code == status


@pytest.mark.parametrize("sku", ["EP1", "Y1"])
def test_emulator_refuses_always_on_on_elastic_and_dynamic_plans(arm, sku):
    prefix = group(arm)
    kind = "elastic" if sku.startswith("EP") else "functionapp"
    farm = f"{prefix}/providers/Microsoft.Web/serverfarms/p1"
    put(arm, farm, {"location": "westeurope", "kind": kind, "sku": {"name": sku}, "properties": {"reserved": True}}, api_versions.WEB)
    body = {"location": "westeurope", "properties": {"serverFarmId": farm, "siteConfig": {"alwaysOn": True}}}
    assert code(put(arm, f"{prefix}/providers/Microsoft.Web/sites/s-one", body, api_versions.WEB)) == (409, "Conflict")
    body["properties"]["siteConfig"]["alwaysOn"] = False
    assert put(arm, f"{prefix}/providers/Microsoft.Web/sites/s-one", body, api_versions.WEB).status_code == 200


# --- item 4: admin auth level needs the master key ----------------------------------------------


def test_admin_auth_level_uses_the_master_key(arm, credential, premium_profile, monkeypatch):
    premium_profile.function.trigger.auth_level = "admin"
    result = deploy(premium_profile, credential)
    assert result.outcome.ok, result.failed_sentences
    assert result.outcome.outputs["smoke-test"]["status"] == 200
    site = next(h for h in arm.state.hidden.values() if h.get("master_key"))
    calls = arm.requests("POST", "/api/score")
    assert calls and all(r.status == 200 for r in calls[-1:])
    # The emulated host refuses the function key at admin level, as the Functions host does.
    answer = requests.post(f"{arm.url}/api/score", json={"data": [[0.0, 1.0]]}, headers={"x-functions-key": site["function_key"]}, verify=str(arm.ca_file))
    assert answer.status_code == 401
    answer = requests.post(f"{arm.url}/api/score", json={"data": [[0.0, 1.0]]}, headers={"x-functions-key": site["master_key"]}, verify=str(arm.ca_file))
    assert answer.status_code == 200


def test_function_keys_of_an_unknown_function_are_404(arm, credential, premium_profile):
    result = deploy(premium_profile, credential)
    assert result.outcome.ok, result.failed_sentences
    site = f"/subscriptions/{arm.subscription_id}/resourceGroups/rg-prem/providers/Microsoft.Web/sites/prem-app"
    assert post(arm, f"{site}/functions/score/listkeys", api_versions.WEB).status_code == 200
    assert post(arm, f"{site}/functions/nosuchfunction/listkeys", api_versions.WEB).status_code == 404


# --- item 9: zones of a classic Premium cache -------------------------------------------------


def test_zones_rule_and_emulator_refuse_more_zones_than_nodes(arm, premium_profile):
    premium_profile.cache.zones = ["1", "2", "3"]
    premium_profile.cache.replicas_per_primary = 1
    assert [p.path for p in rules.errors(rules.check(premium_profile))] == ["cache.zones"]
    premium_profile.cache.replicas_per_primary = 2
    assert not rules.errors(rules.check(premium_profile))

    prefix = group(arm)
    body = {"location": "westeurope", "zones": ["1", "2", "3"],
            "properties": {"sku": {"name": "Premium", "family": "P", "capacity": 1}, "replicasPerPrimary": 1}}
    assert code(put(arm, f"{prefix}/providers/Microsoft.Cache/redis/c1", body, api_versions.REDIS)) == (400, "BadRequest")
    body["properties"]["replicasPerPrimary"] = 2
    assert put(arm, f"{prefix}/providers/Microsoft.Cache/redis/c1", body, api_versions.REDIS).status_code == 201


def test_the_premium_example_passes_the_zones_rule():
    from pathlib import Path

    from wizard.profile import load

    profile = load(Path(__file__).resolve().parents[2] / "examples" / "premium-clustered-azure.json")
    assert profile.cache.zones and not [p for p in rules.errors(rules.check(profile)) if p.path == "cache.zones"]


# --- item 10: tags ----------------------------------------------------------------------------


def test_tag_rule_counts_the_wizards_own_two(premium_profile):
    premium_profile.tags = {f"t{i}": "v" for i in range(49)}
    assert "tags" in [p.path for p in rules.errors(rules.check(premium_profile))]
    premium_profile.tags = {f"t{i}": "v" for i in range(48)}
    assert "tags" not in [p.path for p in rules.errors(rules.check(premium_profile))]


def test_emulator_refuses_more_than_50_tags(arm):
    prefix = group(arm)
    body = {"location": "westeurope", "tags": {f"t{i}": "v" for i in range(51)}, "sku": {"name": "Basic"}, "properties": {}}
    assert code(put(arm, f"{prefix}/providers/Microsoft.ContainerRegistry/registries/acr001", body, api_versions.CONTAINER_REGISTRY)) == (400, "BadRequest")
    assert code(put(arm, f"/subscriptions/{arm.subscription_id}/resourceGroups/rg-t", {"location": "westeurope", "tags": body["tags"]}, api_versions.RESOURCES))[0] == 400
    body["tags"] = {f"t{i}": "v" for i in range(50)}
    assert put(arm, f"{prefix}/providers/Microsoft.ContainerRegistry/registries/acr001", body, api_versions.CONTAINER_REGISTRY).status_code in (200, 201)


# --- emulator strictness (spec of the pinned versions) -------------------------------------------

CLASSIC = {"location": "westeurope", "properties": {"sku": {"name": "Basic", "family": "C", "capacity": 0}}}


@pytest.mark.parametrize("change, expected", [
    (lambda b: b["properties"]["sku"].update(name="Ultra"), "InvalidRequestContent"),  # spec: Sku.name enum
    (lambda b: b["properties"]["sku"].update(family="P"), "InvalidSku"),  # Basic is family C
    (lambda b: b["properties"]["sku"].update(capacity=7), "InvalidSku"),  # C0..C6
    (lambda b: b["properties"].update(hostName="x"), "InvalidRequestContent"),  # read-only
    (lambda b: b["properties"].pop("sku"), "MissingRequiredProperty"),  # sku (Required)
    (lambda b: b["properties"].update(redisConfiguration={"rdb-backup-frequency": "45"}), "InvalidRequestContent"),
    (lambda b: b["properties"].update(minimumTlsVersion="1.3"), "InvalidRequestContent"),
])
def test_classic_cache_body_rules(arm, change, expected):
    import copy

    prefix = group(arm)
    body = copy.deepcopy(CLASSIC)
    change(body)
    assert code(put(arm, f"{prefix}/providers/Microsoft.Cache/redis/c1", body, api_versions.REDIS)) == (400, expected)
    assert code(put(arm, f"{prefix}/providers/Microsoft.Cache/redis/bad--name", CLASSIC, api_versions.REDIS)) == (400, "InvalidResourceName")
    assert put(arm, f"{prefix}/providers/Microsoft.Cache/redis/c1", CLASSIC, api_versions.REDIS).status_code == 201


def test_managed_redis_body_rules(arm):
    prefix = group(arm)
    cluster = f"{prefix}/providers/Microsoft.Cache/redisEnterprise/amr1"
    body = {"location": "westeurope", "sku": {"name": "Balanced_B0"}, "properties": {"minimumTlsVersion": "1.2"}}
    # spec 2025-07-01: publicNetworkAccess is required on the cluster
    assert code(put(arm, cluster, body, api_versions.REDIS_ENTERPRISE)) == (400, "MissingRequiredProperty")
    body["properties"]["publicNetworkAccess"] = "Enabled"
    assert code(put(arm, cluster, {**body, "sku": {"name": "Balanced_B2"}}, api_versions.REDIS_ENTERPRISE))[0] == 400
    assert put(arm, cluster, body, api_versions.REDIS_ENTERPRISE).status_code == 201
    db = f"{cluster}/databases/default"
    for bad in ({"clientProtocol": "Tls"}, {"persistence": {"rdbEnabled": True, "rdbFrequency": "2h"}},
                {"persistence": {"aofEnabled": True, "aofFrequency": "5s"}}, {"evictionPolicy": "LRU"},
                {"accessKeysAuthentication": "On"}, {"resourceState": "Running"},
                {"persistence": {"aofEnabled": True, "rdbEnabled": True}}):
        assert put(arm, db, {"properties": bad}, api_versions.REDIS_ENTERPRISE).status_code == 400, bad
    assert put(arm, db, {"properties": {"clientProtocol": "Encrypted", "accessKeysAuthentication": "Enabled"}}, api_versions.REDIS_ENTERPRISE).status_code == 201
    assignment = f"{db}/accessPolicyAssignments/not-alnum"
    assert code(put(arm, assignment, {"properties": {"accessPolicyName": "default", "user": {"objectId": "x"}}}, api_versions.REDIS_ENTERPRISE)) == (400, "InvalidResourceName")


def test_other_names_and_name_check_bodies(arm):
    prefix = group(arm)
    assert code(put(arm, f"{prefix}/providers/Microsoft.Storage/storageAccounts/Has-Caps", {"location": "westeurope", "kind": "StorageV2", "sku": {"name": "Standard_LRS"}}, api_versions.STORAGE)) == (400, "AccountNameInvalid")
    assert code(put(arm, f"{prefix}/providers/Microsoft.ContainerRegistry/registries/a-b", {"location": "westeurope", "sku": {"name": "Basic"}}, api_versions.CONTAINER_REGISTRY)) == (400, "InvalidResourceName")
    check = f"{arm.url}/subscriptions/{arm.subscription_id}/providers/Microsoft.Storage/checkNameAvailability?api-version={api_versions.STORAGE}"
    wrong = requests.post(check, json={"name": "abcde", "type": "Microsoft.Web/sites"}, headers=AUTH, verify=str(arm.ca_file))
    assert code(wrong) == (400, "InvalidRequestContent")
    right = requests.post(check, json={"name": "abcde", "type": "Microsoft.Storage/storageAccounts"}, headers=AUTH, verify=str(arm.ca_file))
    assert right.status_code == 200 and right.json()["nameAvailable"] is True
