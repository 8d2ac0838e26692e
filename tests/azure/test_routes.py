"""The "docker" packaging route: an image that is already pushed, in an ACR of the subscription (pulled by the
app's identity) or in another registry (no build, no registry created)."""

from __future__ import annotations

from azure.mgmt.containerregistry.v2025_04_01.models import Registry, Sku
from azure.mgmt.resource.resources.models import ResourceGroup

from tests.azure.deploying import deploy
from wizard.targets.azure.clients import AzureClients


def ending(arm, method, suffix):
    return [r for r in arm.requests(method) if r.lower_path.endswith(suffix.lower())]


def test_pushed_image_in_an_existing_acr_of_another_group(arm, credential, managed_profile):
    clients = AzureClients(managed_profile, credential)
    clients.resource.resource_groups.create_or_update("rg-shared", ResourceGroup(location="westeurope"))
    clients.acr.registries.begin_create("rg-shared", "sharedacr", Registry(location="westeurope", sku=Sku(name="Basic"))).result()
    managed_profile.function.packaging = "docker"
    managed_profile.function.registry = "sharedacr.azurecr.io/amr-app:latest"  # an ACR name alone builds and pushes
    result = deploy(managed_profile, credential)
    assert result.outcome.ok, result.failed_sentences

    assert not arm.requests("POST", "schedulerun") and not arm.requests("PUT", "/_blob/")
    (site,) = ending(arm, "PUT", "microsoft.web/sites/amr-app")
    assert site.body["properties"]["siteConfig"]["linuxFxVersion"] == "DOCKER|sharedacr.azurecr.io/amr-app:latest"
    (role,) = arm.requests("PUT", "roleassignments/")
    assert "/resourcegroups/rg-shared/providers/microsoft.containerregistry/registries/sharedacr/providers/" in role.lower_path
    assert result.outcome.outputs["registry-access"]["pull"] == "managed-identity"


def test_pushed_image_in_another_registry(arm, credential, managed_profile):
    managed_profile.function.packaging = "docker"
    managed_profile.function.registry = "ghcr.io/example/digits:1.2"
    result = deploy(managed_profile, credential)
    assert result.outcome.ok, result.failed_sentences
    (site,) = ending(arm, "PUT", "microsoft.web/sites/amr-app")
    config = site.body["properties"]["siteConfig"]
    assert config["linuxFxVersion"] == "DOCKER|ghcr.io/example/digits:1.2"
    assert config["acrUseManagedIdentityCreds"] is False
    assert not arm.requests("PUT", "roleassignments/") and not arm.requests("PUT", "registries/")
    (settings,) = ending(arm, "PUT", "amr-app/config/appsettings")
    assert settings.body["properties"]["DOCKER_REGISTRY_SERVER_URL"] == "https://ghcr.io"
