"""Issue 11 items 11 and 15: a role assignment for a just-created identity is retried while ARM answers 400
PrincipalNotFound (bounded), unknown role definitions are refused by the emulator as by ARM, and destroy removes
the app's role assignments outside its resource group (AcrPull on a reused registry), saying which."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.authorization.models import RoleAssignmentCreateParameters
from azure.mgmt.containerregistry.v2025_04_01.models import Registry, Sku
from azure.mgmt.resource.resources.models import ResourceGroup

from tests.azure.deploying import deploy
from wizard import deployment
from wizard.targets.azure import roles
from wizard.targets.azure.clients import AzureClients


def test_principal_not_found_is_waited_out(arm, credential, managed_profile):
    arm.inject("PUT", r"/roleassignments/", "principal-not-found", times=3)
    result = deploy(managed_profile, credential)
    assert result.outcome.ok, result.failed_sentences
    puts = arm.requests("PUT", "roleassignments/")
    assert [p.status for p in puts] == [400, 400, 400, 201]
    assert result.outcome.outputs["registry-access"]["pull"] == "managed-identity"
    assert any("replicate" in e.message for e in result.events if getattr(e, "message", None))


def test_principal_not_found_gives_up_after_a_bounded_time(arm, credential, managed_profile, monkeypatch):
    monkeypatch.setattr(roles, "PRINCIPAL_WAIT_S", 0.2)
    arm.inject("PUT", r"/roleassignments/", "principal-not-found", times=10_000)
    result = deploy(managed_profile, credential)
    assert not result.outcome.ok
    sentence = result.failed_sentences["registry-access"]
    assert "identity" in sentence and "deploy again" in sentence


def test_unknown_role_definitions_are_refused(arm, credential, managed_profile):
    clients = AzureClients(managed_profile, credential)
    scope = f"/subscriptions/{arm.subscription_id}"
    bogus = RoleAssignmentCreateParameters(
        role_definition_id=f"{scope}/providers/Microsoft.Authorization/roleDefinitions/11111111-2222-3333-4444-555555555555",
        principal_id="0f0f0f0f-0000-0000-0000-000000000000", principal_type="ServicePrincipal")
    with pytest.raises(HttpResponseError) as refused:
        clients.authorization.role_assignments.create(scope, "6a1c5c8e-0000-0000-0000-000000000001", bogus)
    assert refused.value.status_code == 400 and refused.value.error.code == "RoleDefinitionDoesNotExist"


def test_destroy_removes_role_assignments_outside_the_group(arm, credential, managed_profile):
    clients = AzureClients(managed_profile, credential)
    clients.resource.resource_groups.create_or_update("rg-shared", ResourceGroup(location="westeurope"))
    clients.acr.registries.begin_create("rg-shared", managed_profile.function.registry, Registry(location="westeurope", sku=Sku(name="Basic"))).result()
    result = deploy(managed_profile, credential)
    assert result.outcome.ok, result.failed_sentences
    principal = result.outcome.outputs["function-app"]["principal_id"]
    assert list(clients.authorization.role_assignments.list_for_subscription(filter=f"principalId eq '{principal}'"))

    lines: list[str] = []
    deployment.destroy(managed_profile, log=lines.append, credential=credential)
    (delete,) = arm.requests("DELETE", "roleassignments/")
    assert "/resourcegroups/rg-shared/" in delete.lower_path and delete.status == 200
    assert not list(clients.authorization.role_assignments.list_for_subscription(filter=f"principalId eq '{principal}'"))
    said = [line for line in lines if line.startswith("Removed the role assignment AcrPull on ")]
    assert len(said) == 1 and "rg-shared" in said[0]
    # The shared registry itself stays: it was not ours.
    assert clients.acr.registries.get("rg-shared", managed_profile.function.registry).name == managed_profile.function.registry
