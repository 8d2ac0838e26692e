"""Issue 11 items 6 and 7: names of registries, storage accounts, sites and caches are global (ARM refuses a
second one anywhere with the provider's own code, which the wizard turns into the one name-taken sentence); a
registry the profile names in another group is reused with AcrPull on it; the login server comes from the
registry resource (it differs per cloud)."""

from __future__ import annotations

import copy

import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.containerregistry.v2025_04_01.models import Registry, Sku
from azure.mgmt.resource.resources.models import ResourceGroup

from tests.azure.arm_emulator.ext import ext
from tests.azure.deploying import deploy
from wizard.targets.azure import pickers
from wizard.targets.azure.clients import AzureClients
from wizard.targets.azure.errors import translate
from wizard.targets.base import StepFailed

OTHER_SUB = "00000000-0000-0000-0000-00000000b002"


def _registry_in(clients: AzureClients, group: str, name: str) -> None:
    clients.resource.resource_groups.create_or_update(group, ResourceGroup(location="westeurope"))
    clients.acr.registries.begin_create(group, name, Registry(location="westeurope", sku=Sku(name="Basic"))).result()


def _in_other_subscription(profile, credential) -> AzureClients:
    other = copy.deepcopy(profile)
    other.azure.subscription_id = OTHER_SUB
    return AzureClients(other, credential)


def test_registry_in_another_group_is_reused_with_acrpull(arm, credential, managed_profile):
    clients = AzureClients(managed_profile, credential)
    _registry_in(clients, "rg-shared", managed_profile.function.registry)
    arm.reset_records()
    result = deploy(managed_profile, credential)
    assert result.outcome.ok, result.failed_sentences
    # No PUT of a second registry (ARM would answer 409 AlreadyInUse); the build ran in the shared one.
    assert not [r for r in arm.requests("PUT", "/registries/") if "roleassignments" not in r.lower_path]
    (run,) = arm.requests("POST", "schedulerun")
    assert "/resourcegroups/rg-shared/" in run.lower_path
    (role,) = arm.requests("PUT", "roleassignments/")
    assert f"/resourcegroups/rg-shared/providers/microsoft.containerregistry/registries/{managed_profile.function.registry}/" in role.lower_path
    assert result.outcome.outputs["registry-access"]["pull"] == "managed-identity"
    assert result.outcome.outputs["registry"]["resource_group"] == "rg-shared"


@pytest.mark.parametrize("where", ["other-subscription", "other-group"])
@pytest.mark.parametrize("kind", ["registry", "storage", "site", "cache"])
def test_names_are_unique_across_subscriptions_with_each_providers_code(arm, credential, premium_profile, kind, where):
    arm.reset(subscriptions=(arm.subscription_id, OTHER_SUB))
    ours = AzureClients(premium_profile, credential)
    theirs = _in_other_subscription(premium_profile, credential) if where == "other-subscription" else ours
    theirs.resource.resource_groups.create_or_update("rg-theirs", ResourceGroup(location="westeurope"))
    ours.resource.resource_groups.create_or_update("rg-ours", ResourceGroup(location="westeurope"))
    from azure.mgmt.redis.models import RedisCreateParameters
    from azure.mgmt.redis.models import Sku as RedisSku
    from azure.mgmt.storage.models import Sku as StorageSku
    from azure.mgmt.storage.models import StorageAccountCreateParameters
    from azure.mgmt.web.models import Site

    create = {
        "registry": (lambda c, g: c.acr.registries.begin_create(g, "globalacr", Registry(location="westeurope", sku=Sku(name="Basic"))).result(), "AlreadyInUse"),
        "storage": (lambda c, g: c.storage.storage_accounts.begin_create(g, "globalstore", StorageAccountCreateParameters(
            sku=StorageSku(name="Standard_LRS"), kind="StorageV2", location="westeurope")).result(), "StorageAccountAlreadyTaken"),
        "site": (lambda c, g: c.web.web_apps.begin_create_or_update(g, "global-app", Site(location="westeurope")).result(), "WebsiteWithGivenNameAlreadyExists"),
        "cache": (lambda c, g: c.redis.redis.begin_create(g, "global-cache", RedisCreateParameters(
            location="westeurope", sku=RedisSku(name="Basic", family="C", capacity=0))).result(), "NameNotAvailable"),
    }
    make, code = create[kind]
    make(theirs, "rg-theirs")
    with pytest.raises(HttpResponseError) as refused:
        make(ours, "rg-ours")
    assert refused.value.error.code == code
    sentence = translate(refused.value, "creating it", name="x", name_field="some.field")
    assert isinstance(sentence, StepFailed) and "already taken in Azure" in str(sentence) and "(some.field)" in str(sentence)


def test_a_taken_storage_name_fails_the_deploy_with_the_name_taken_sentence(arm, credential, premium_profile):
    arm.reset(subscriptions=(arm.subscription_id, OTHER_SUB))
    theirs = _in_other_subscription(premium_profile, credential)
    from azure.mgmt.storage.models import Sku as StorageSku
    from azure.mgmt.storage.models import StorageAccountCreateParameters

    theirs.resource.resource_groups.create_or_update("rg-theirs", ResourceGroup(location="westeurope"))
    theirs.storage.storage_accounts.begin_create("rg-theirs", premium_profile.function.storage_account, StorageAccountCreateParameters(
        sku=StorageSku(name="Standard_LRS"), kind="StorageV2", location="westeurope")).result()
    result = deploy(premium_profile, credential)
    assert not result.outcome.ok
    assert "already taken in Azure" in result.failed_sentences["storage"]
    assert "function.storage_account" in result.failed_sentences["storage"]


def test_registry_name_check(arm, credential, managed_profile):
    clients = AzureClients(managed_profile, credential)
    arm.state.taken_names.add("someonesacr")
    check = pickers.check_name("registry", "someonesacr", credential, managed_profile)
    assert not check.available and "someonesacr" in check.message and "already taken" in check.message
    assert arm.requests("POST", "microsoft.containerregistry/checknameavailability")
    assert pickers.check_name("registry", "freeacr1", credential, managed_profile).available
    _registry_in(clients, "rg-shared", "mysharedacr")
    mine = pickers.check_name("registry", "mysharedacr", credential, managed_profile)
    assert mine.available and "reused" in mine.message and "rg-shared" in mine.message


def test_login_server_comes_from_the_registry_resource(arm, credential, managed_profile, tmp_path):
    """The "use an image you pushed" action given a bare ACR name: the image lives on the registry's own login
    server (azurecr.cn in Azure China), not on a hard-coded azurecr.io."""
    import threading

    from wizard.targets.azure.registry import PushedImageAction
    from wizard.targets.base import StepContext

    ext(arm).acr_suffix = "azurecr.cn"  # a registry in Azure China
    clients = AzureClients(managed_profile, credential)
    _registry_in(clients, "rg-shared", "chinaacr")
    managed_profile.function.packaging = "docker"
    managed_profile.function.registry = "chinaacr"
    ctx = StepContext(profile=managed_profile, state_dir=tmp_path, outputs={}, cancel_event=threading.Event(),
                      report=lambda fraction, message: None, log=lambda line: None)
    out = PushedImageAction(lambda profile: AzureClients(profile, credential)).run(ctx)
    assert out["login_server"] == "chinaacr.azurecr.cn"
    assert out["image"] == "chinaacr.azurecr.cn/amr-app:latest"
    assert out["registry_id"].lower().endswith("/resourcegroups/rg-shared/providers/microsoft.containerregistry/registries/chinaacr")


def test_acr_build_uses_the_registry_login_server(arm, credential, managed_profile):
    ext(arm).acr_suffix = "azurecr.us"
    result = deploy(managed_profile, credential)
    assert result.outcome.ok, result.failed_sentences
    assert result.outcome.outputs["package"]["image"].startswith(f"{managed_profile.function.registry}.azurecr.us/")


def test_a_registry_name_taken_by_someone_else_fails_with_the_name_taken_sentence(arm, credential, managed_profile):
    arm.state.taken_names.add(managed_profile.function.registry)  # held by another tenant: not in our listing
    result = deploy(managed_profile, credential)
    assert not result.outcome.ok
    sentence = result.failed_sentences["registry"]
    assert "already taken in Azure" in sentence and "(function.registry)" in sentence
    (put,) = [r for r in arm.requests("PUT", "/registries/") if "roleassignments" not in r.lower_path]
    assert put.status == 409 and put.body is not None
