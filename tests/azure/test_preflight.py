"""Issue 11 item 14: an unregistered resource provider, a plan SKU not offered in the region and an exhausted
storage quota are found by the preflight step before anything is created, each said in one sentence with the fix.
Without preflight the emulator answers the create with ARM's code (MissingSubscriptionRegistration, SkuNotAvailable)."""

from __future__ import annotations

from tests.azure.arm_emulator.ext import ext
from tests.azure.deploying import deploy


def _nothing_created(arm) -> bool:
    return not [r for r in arm.requests("PUT") + arm.requests("PATCH") + arm.requests("DELETE")]


def test_an_unregistered_provider_stops_the_deploy_before_anything_is_created(arm, credential, managed_profile):
    ext(arm).unregistered.add("microsoft.cache")
    result = deploy(managed_profile, credential)
    assert not result.outcome.ok
    sentence = result.failed_sentences["preflight"]
    assert "not registered for Microsoft.Cache" in sentence and "az provider register --namespace Microsoft.Cache" in sentence
    assert _nothing_created(arm)
    assert set(result.failed_sentences) == {"preflight"}  # the others are blocked, not failed


def test_a_plan_sku_not_offered_in_the_region(arm, credential, managed_profile):
    managed_profile.function.plan_sku = "EP1"
    ext(arm).skus_unavailable.add(("elasticpremium", "westeurope"))
    result = deploy(managed_profile, credential)
    assert not result.outcome.ok
    sentence = result.failed_sentences["preflight"]
    assert "EP1" in sentence and "westeurope" in sentence and "function.plan_sku" in sentence
    assert _nothing_created(arm)


def test_an_exhausted_storage_quota(arm, credential, managed_profile):
    ext(arm).usage_limits[("westeurope", "storageaccounts")] = 0
    result = deploy(managed_profile, credential)
    assert not result.outcome.ok
    sentence = result.failed_sentences["preflight"]
    assert "0 of its 0 storage accounts" in sentence and "Usage + quotas" in sentence
    assert _nothing_created(arm)


def test_the_emulator_refuses_creates_as_arm_does(arm, credential, managed_profile):
    from azure.core.exceptions import HttpResponseError
    from azure.mgmt.resource.resources.models import ResourceGroup
    from azure.mgmt.web.models import AppServicePlan, SkuDescription

    from wizard.targets.azure.clients import AzureClients

    clients = AzureClients(managed_profile, credential)
    clients.resource.resource_groups.create_or_update("rg-x", ResourceGroup(location="westeurope"))
    ext(arm).unregistered.add("microsoft.web")
    plan = AppServicePlan(location="westeurope", kind="elastic", reserved=True, sku=SkuDescription(name="EP1", tier="ElasticPremium"))
    try:
        clients.web.app_service_plans.begin_create_or_update("rg-x", "p", plan).result()
        raise AssertionError("the unregistered provider was not refused")
    except HttpResponseError as exc:
        assert (exc.status_code, exc.error.code) == (409, "MissingSubscriptionRegistration")
    ext(arm).unregistered.clear()
    ext(arm).skus_unavailable.add(("elasticpremium", "westeurope"))
    try:
        clients.web.app_service_plans.begin_create_or_update("rg-x", "p", plan).result()
        raise AssertionError("the missing SKU was not refused")
    except HttpResponseError as exc:
        assert (exc.status_code, exc.error.code) == (400, "SkuNotAvailable")


def test_a_healthy_subscription_passes_preflight(arm, credential, managed_profile):
    result = deploy(managed_profile, credential)
    assert result.outcome.ok, result.failed_sentences
    assert arm.requests("GET", "/providers/microsoft.cache")
    assert arm.requests("GET", "/providers/microsoft.web/georegions")
    assert arm.requests("GET", "/providers/microsoft.storage/locations/westeurope/usages")
