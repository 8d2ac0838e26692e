"""observe -> compare -> act for the Azure steps converted after the group, plan and caches (issue 14), against
the ARM emulator: a deployed profile previews `no change` for every converted resource; one changed setting
previews `update` with `old → new` for that resource only, and deploy applies it in place (the emulator records
the PATCH); a setting that cannot change in place previews `replace` and deploy refuses it without consent."""

from __future__ import annotations

from tests.azure.deploying import deploy
from wizard import deployment
from wizard.core import whatif
from wizard.core.lifecycle import StepState
from wizard.targets.base import ChangeKind, SettingChange

# The Azure steps that observe and compare (the others are `unknown` or `read` in the preview).
CONVERTED = ("resource-group", "storage", "registry", "cache", "plan", "function-app", "registry-access", "cache-access",
             "app-settings", "monitoring")


def _preview(profile, credential) -> dict:
    return {s.name: s for s in deployment.what_if(profile, credential=credential).steps}


def _resource(arm, kind: str, name: str) -> dict:
    return next(r for r in arm.state.resources.values()
                if r["type"].lower() == kind.lower() and r["name"].lower() == name.lower())


def _deployed(profile, credential) -> None:
    result = deploy(profile, credential)
    assert result.outcome.ok, result.failed_sentences
    steps = _preview(profile, credential)
    assert {n: steps[n].change.kind for n in CONVERTED} == {n: ChangeKind.NO_CHANGE for n in CONVERTED}
    assert {steps[n].change.kind for n in ("preflight", "function-keys", "smoke-test")} == {ChangeKind.READ}  # checks


def test_storage_tls_and_public_access_drift_is_updated_in_place(arm, credential, managed_profile):
    profile = managed_profile
    _deployed(profile, credential)
    account = _resource(arm, "Microsoft.Storage/storageAccounts", profile.function.storage_account)
    account["properties"].update(minimumTlsVersion="TLS1_0", allowBlobPublicAccess=True)  # changed in the portal

    preview = deployment.what_if(profile, credential=credential)
    steps = {s.name: s for s in preview.steps}
    assert steps["storage"].change.kind is ChangeKind.UPDATE
    assert set(steps["storage"].change.settings) == {
        SettingChange("function.storage_account.minimumTlsVersion", "TLS1_0", "TLS1_2"),
        SettingChange("function.storage_account.allowBlobPublicAccess", True, False),
    }
    assert "function.storage_account.minimumTlsVersion TLS1_0 → TLS1_2" in whatif.render_text(preview)
    assert {n: steps[n].change.kind for n in CONVERTED if n != "storage"} == {
        n: ChangeKind.NO_CHANGE for n in CONVERTED if n != "storage"}

    puts_before = len(arm.requests("PUT", f"/storageaccounts/{profile.function.storage_account}"))
    result = deploy(profile, credential)
    assert result.outcome.ok, result.failed_sentences
    assert result.outcome.states["storage"] is StepState.UPDATED
    patches = [r for r in arm.requests("PATCH") if r.lower_path.endswith(f"/storageaccounts/{profile.function.storage_account}")]
    assert [p.body for p in patches] == [{"properties": {"minimumTlsVersion": "TLS1_2", "allowBlobPublicAccess": False}}]
    assert len(arm.requests("PUT", f"/storageaccounts/{profile.function.storage_account}")) == puts_before  # no re-create
    assert account["properties"]["minimumTlsVersion"] == "TLS1_2" and account["properties"]["allowBlobPublicAccess"] is False
    assert result.outcome.outputs["storage"]["storage_account"] == profile.function.storage_account
    assert _preview(profile, credential)["storage"].change.kind is ChangeKind.NO_CHANGE


def test_storage_kind_change_needs_a_replacement_and_is_refused_without_consent(arm, credential, managed_profile):
    profile = managed_profile
    _deployed(profile, credential)
    account = _resource(arm, "Microsoft.Storage/storageAccounts", profile.function.storage_account)
    account["kind"] = "Storage"

    step = _preview(profile, credential)["storage"]
    assert step.change.kind is ChangeKind.REPLACE
    assert step.change.forced_by == ("function.storage_account.kind",)
    assert "blob" in step.change.data_loss

    result = deploy(profile, credential)
    assert not result.outcome.ok
    sentence = result.outcome.failed["storage"]
    assert "function.storage_account.kind Storage → StorageV2" in sentence and "--allow-replace" in sentence
    assert not arm.requests("DELETE", "/storageaccounts/")  # nothing was deleted
    assert result.outcome.states["function-app"] is StepState.BLOCKED


def test_function_app_always_on_follows_a_plan_sku_change_in_place(arm, credential, managed_profile):
    profile = managed_profile
    _deployed(profile, credential)

    profile.function.plan_sku = "EP1"  # Functions Premium: elastic, refuses Always on
    steps = _preview(profile, credential)
    app = steps["function-app"]
    assert app.change.kind is ChangeKind.UPDATE
    assert app.change.settings == (SettingChange("alwaysOn", True, False),)
    assert steps["plan"].change.settings == (SettingChange("function.plan_sku", "B1", "EP1"),)
    assert {n: steps[n].change.kind for n in ("resource-group", "storage", "cache")} == {
        n: ChangeKind.NO_CHANGE for n in ("resource-group", "storage", "cache")}

    app_puts = len([r for r in arm.requests("PUT") if r.lower_path.endswith(f"/sites/{profile.function.app_name}")])
    result = deploy(profile, credential)
    assert result.outcome.ok, result.failed_sentences
    assert result.outcome.states["function-app"] is StepState.UPDATED
    patches = [r.body for r in arm.requests("PATCH") if r.lower_path.endswith(f"/sites/{profile.function.app_name}/config/web")]
    # config/web, never a site PUT (the new profile also built a new image, which goes along in the same PATCH)
    assert [p for p in patches if p["properties"].get("alwaysOn") is False]
    assert len([r for r in arm.requests("PUT") if r.lower_path.endswith(f"/sites/{profile.function.app_name}")]) == app_puts
    assert _preview(profile, credential)["function-app"].change.kind is ChangeKind.NO_CHANGE


def test_function_app_https_only_drift_is_patched_on_the_site(arm, credential, managed_profile):
    profile = managed_profile
    _deployed(profile, credential)
    site = _resource(arm, "Microsoft.Web/sites", profile.function.app_name)
    site["properties"]["httpsOnly"] = False  # changed in the portal

    app = _preview(profile, credential)["function-app"]
    assert app.change.kind is ChangeKind.UPDATE and app.change.settings == (SettingChange("httpsOnly", False, True),)

    result = deploy(profile, credential)
    assert result.outcome.ok, result.failed_sentences
    assert result.outcome.states["function-app"] is StepState.UPDATED
    patches = [r.body for r in arm.requests("PATCH") if r.lower_path.endswith(f"/sites/{profile.function.app_name}")]
    assert patches == [{"properties": {"httpsOnly": True}}]
    assert site["properties"]["httpsOnly"] is True
    assert result.outcome.outputs["function-app"]["principal_id"]


def test_app_settings_show_a_cache_policy_change_and_a_stale_secret_by_reference_only(arm, credential, managed_profile):
    import json

    profile = managed_profile
    _deployed(profile, credential)
    site = _resource(arm, "Microsoft.Web/sites", profile.function.app_name)
    settings = arm.state.hidden[site["id"].lower()]["settings"]
    stale = "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=c3RhbGUta2V5LW9mLWFub3RoZXItYWNjb3VudA=="
    settings["AzureWebJobsStorage"] = stale  # someone pasted another account's connection string
    old_ttl = profile.cache_policy.ttl_seconds
    profile.cache_policy.ttl_seconds = 600

    preview = deployment.what_if(profile, credential=credential)
    step = next(s for s in preview.steps if s.name == "app-settings")
    assert step.change.kind is ChangeKind.UPDATE
    assert set(step.change.settings) == {
        SettingChange("app_settings.CACHE_TTL_SECONDS", str(old_ttl), "600"),
        SettingChange("app_settings.AzureWebJobsStorage", "(another value)",
                      f"key storageAccounts/{profile.function.storage_account}/key1"),
    }
    shown = whatif.render_text(preview) + json.dumps(whatif.to_json(preview))
    assert f"app_settings.CACHE_TTL_SECONDS {old_ttl} → 600" in shown
    assert "c3RhbGUta2V5" not in shown and not any(secret in shown for secret in arm.state.secrets)
    others = [n for n in CONVERTED if n != "app-settings"]
    assert {s.name: s.change.kind for s in preview.steps if s.name in others} == {n: ChangeKind.NO_CHANGE for n in others}

    result = deploy(profile, credential)
    assert result.outcome.ok, result.failed_sentences
    assert result.outcome.states["app-settings"] is StepState.UPDATED
    written = [r.body["properties"] for r in arm.requests("PUT") if r.lower_path.endswith(f"/sites/{profile.function.app_name}/config/appsettings")][-1]
    assert written["CACHE_TTL_SECONDS"] == "600" and written["AzureWebJobsStorage"] != stale
    assert "AccountKey=" in written["AzureWebJobsStorage"]
    assert set(result.outcome.outputs["app-settings"]["settings"]) <= set(written)  # names only, never values
    assert _preview(profile, credential)["app-settings"].change.kind is ChangeKind.NO_CHANGE


def test_application_insights_ingestion_mode_drift_is_put_back_in_place(arm, credential, managed_profile):
    profile = managed_profile
    _deployed(profile, credential)
    component = _resource(arm, "Microsoft.Insights/components", f"{profile.function.app_name}-insights")
    component["properties"]["IngestionMode"] = "ApplicationInsights"

    steps = _preview(profile, credential)
    assert steps["monitoring"].change.kind is ChangeKind.UPDATE
    assert steps["monitoring"].change.settings == (SettingChange("IngestionMode", "ApplicationInsights", "LogAnalytics"),)
    assert {n: steps[n].change.kind for n in CONVERTED if n != "monitoring"} == {
        n: ChangeKind.NO_CHANGE for n in CONVERTED if n != "monitoring"}

    suffix = f"/components/{profile.function.app_name}-insights"
    puts_before = len([r for r in arm.requests("PUT") if r.lower_path.endswith(suffix)])
    result = deploy(profile, credential)
    assert result.outcome.ok, result.failed_sentences
    assert result.outcome.states["monitoring"] is StepState.UPDATED
    puts = [r for r in arm.requests("PUT") if r.lower_path.endswith(suffix)]
    assert len(puts) == puts_before + 1 and puts[-1].body["properties"]["IngestionMode"] == "LogAnalytics"
    assert component["properties"]["IngestionMode"] == "LogAnalytics" and component["properties"]["ConnectionString"]
    assert _preview(profile, credential)["monitoring"].change.kind is ChangeKind.NO_CHANGE


def test_cache_access_policy_naming_another_identity_is_reassigned_in_place(arm, credential, managed_profile):
    profile = managed_profile  # Entra authentication: an access-policy assignment for the app's identity
    _deployed(profile, credential)
    principal = _resource(arm, "Microsoft.Web/sites", profile.function.app_name)["identity"]["principalId"]
    (key,) = [k for k, r in arm.state.resources.items() if "/accesspolicyassignments/" in k]
    other = "11111111-2222-3333-4444-555555555555"
    arm.state.resources[key]["properties"]["user"]["objectId"] = other

    steps = _preview(profile, credential)
    assert steps["cache-access"].change.kind is ChangeKind.UPDATE
    assert steps["cache-access"].change.settings == (SettingChange("accessPolicyAssignment.objectId", other, principal),)
    assert {n: steps[n].change.kind for n in CONVERTED if n != "cache-access"} == {
        n: ChangeKind.NO_CHANGE for n in CONVERTED if n != "cache-access"}

    puts_before = len(arm.requests("PUT", "/accesspolicyassignments/"))
    result = deploy(profile, credential)
    assert result.outcome.ok, result.failed_sentences
    assert result.outcome.states["cache-access"] is StepState.UPDATED
    assert len(arm.requests("PUT", "/accesspolicyassignments/")) == puts_before + 1
    assert arm.state.resources[key]["properties"]["user"]["objectId"] == principal
    assert result.outcome.outputs["cache-access"]["object_id"] == principal


def test_a_removed_acr_pull_assignment_is_created_again(arm, credential, managed_profile):
    profile = managed_profile
    _deployed(profile, credential)
    (key,) = [k for k, r in arm.state.resources.items()
              if r["type"] == "Microsoft.Authorization/roleAssignments" and "/microsoft.containerregistry/" in k]
    del arm.state.resources[key]  # someone removed the app's AcrPull on the registry

    steps = _preview(profile, credential)
    assert steps["registry-access"].change.kind is ChangeKind.CREATE
    assert {n: steps[n].change.kind for n in CONVERTED if n != "registry-access"} == {
        n: ChangeKind.NO_CHANGE for n in CONVERTED if n != "registry-access"}

    result = deploy(profile, credential)
    assert result.outcome.ok, result.failed_sentences
    assert result.outcome.states["registry-access"] is StepState.CREATED
    assert key in arm.state.resources
    assert result.outcome.outputs["registry-access"]["pull"] == "managed-identity"


def test_a_missing_service_bus_role_is_assigned_in_place(arm, credential, managed_profile):
    from azure.mgmt.resource.resources.models import GenericResource, ResourceGroup

    from wizard.profile import Trigger
    from wizard.targets.azure import roles
    from wizard.targets.azure.clients import AzureClients

    profile = managed_profile
    clients = AzureClients(profile, credential)
    clients.resource.resource_groups.create_or_update("rg-messaging", ResourceGroup(location="westeurope"))
    ns_id = f"/subscriptions/{arm.subscription_id}/resourceGroups/rg-messaging/providers/Microsoft.ServiceBus/namespaces/ns1"
    clients.resource.resources.begin_create_or_update_by_id(
        ns_id, "2021-11-01", GenericResource(location="westeurope", sku={"name": "Standard"}, properties={})).result()
    profile.function.trigger = Trigger(type="service-bus-queue", auth_level=None, input_queue="in", output_queue="out",
                                       service_bus_namespace="ns1")
    result = deploy(profile, credential)
    assert result.outcome.ok, result.failed_sentences
    assert _preview(profile, credential)["service-bus-access"].change.kind is ChangeKind.NO_CHANGE
    (sender,) = [k for k, r in arm.state.resources.items() if "/microsoft.servicebus/namespaces/ns1/" in k
                 and r["properties"].get("roleDefinitionId", "").endswith(roles.SERVICE_BUS_SENDER)]
    del arm.state.resources[sender]

    step = _preview(profile, credential)["service-bus-access"]
    receiver, sender_name = roles.ROLE_NAMES[roles.SERVICE_BUS_RECEIVER], roles.ROLE_NAMES[roles.SERVICE_BUS_SENDER]
    assert step.change.kind is ChangeKind.UPDATE
    assert step.change.settings == (SettingChange("roles", [receiver], [receiver, sender_name]),)

    result = deploy(profile, credential)
    assert result.outcome.ok, result.failed_sentences
    assert result.outcome.states["service-bus-access"] is StepState.UPDATED
    assert sender in arm.state.resources
    assert result.outcome.outputs["service-bus-access"]["namespace"] == "ns1.servicebus.windows.net"


def test_a_private_endpoint_on_another_subnet_needs_a_replacement(arm, credential, managed_profile):
    profile = managed_profile
    first = "/subscriptions/00000000-0000-0000-0000-00000000a001/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/cache"
    profile.cache.connectivity = "private-endpoint"
    profile.cache.subnet_id = first
    result = deploy(profile, credential)
    assert result.outcome.ok, result.failed_sentences
    assert _preview(profile, credential)["cache-private-endpoint"].change.kind is ChangeKind.NO_CHANGE

    profile.cache.subnet_id = first.replace("/subnets/cache", "/subnets/cache2")
    step = _preview(profile, credential)["cache-private-endpoint"]
    assert step.change.kind is ChangeKind.REPLACE and step.change.forced_by == ("cache.subnet_id",)
    result = deploy(profile, credential)
    assert not result.outcome.ok and "--allow-replace" in result.outcome.failed["cache-private-endpoint"]
    assert not arm.requests("DELETE", "privateendpoints")
