"""Clean-up through the azure target: list what the group holds, delete it as an LRO; a group the wizard did not
create (no created-by tag) is refused unless its name was typed."""

from __future__ import annotations

import threading

import pytest
from azure.mgmt.resource.resources.models import ResourceGroup

from tests.azure.deploying import deploy
from wizard import deployment
from wizard.targets.azure.clients import AzureClients
from wizard.targets.azure.target import AzureTarget
from wizard.targets.base import StepFailed


def test_destroy_lists_then_deletes_a_group_the_wizard_created(arm, credential, managed_profile):
    assert deploy(managed_profile, credential).outcome.ok
    target = AzureTarget(credential=credential)
    held = target.resources(managed_profile)
    assert "Microsoft.Cache/redisEnterprise/amr-cache" in held
    assert "Microsoft.Web/sites/amr-app" in held
    assert "Microsoft.Storage/storageAccounts/amrst" in held

    lines: list[str] = []
    deployment.destroy(managed_profile, log=lines.append, credential=credential)
    deletes = [r for r in arm.requests("DELETE") if r.lower_path.endswith("/resourcegroups/rg-amr")]
    assert len(deletes) == 1 and deletes[0].status == 202
    assert arm.requests("GET", "/operationresults/"), "the delete was followed as a long-running operation"
    assert target.resources(managed_profile) == []
    assert any("Deleting Microsoft.Cache/redisEnterprise/amr-cache" in line for line in lines)
    assert not deployment.state_dir(managed_profile.name).exists()


def _untagged_group(arm, credential, profile):
    clients = AzureClients(profile, credential)
    clients.resource.resource_groups.create_or_update(profile.resource_group.name, ResourceGroup(location="westeurope", tags={"owner": "someone-else"}))


def test_destroy_refuses_an_untagged_group_without_the_typed_name(arm, credential, managed_profile):
    _untagged_group(arm, credential, managed_profile)
    target = AzureTarget(credential=credential)
    with pytest.raises(StepFailed) as refused:
        target.destroy(managed_profile, lambda line: None, threading.Event())
    assert "not created by mlfunc-wizard" in str(refused.value) and "Type its exact name" in str(refused.value)
    assert arm.requests("DELETE") == []

    with pytest.raises(StepFailed):
        target.destroy(managed_profile, lambda line: None, threading.Event(), typed_name="rg-other")
    assert arm.requests("DELETE") == []

    target.destroy(managed_profile, lambda line: None, threading.Event(), typed_name="rg-amr")
    assert len(arm.requests("DELETE")) == 1
    assert target.resources(managed_profile) == []


def test_the_cli_facade_passes_the_typed_name_so_an_untagged_group_can_be_deleted(arm, credential, managed_profile):
    _untagged_group(arm, credential, managed_profile)
    with pytest.raises(StepFailed):
        deployment.destroy(managed_profile, log=lambda line: None, credential=credential)
    assert arm.requests("DELETE") == []
    deployment.destroy(managed_profile, log=lambda line: None, credential=credential, typed_name="rg-amr")
    assert len(arm.requests("DELETE")) == 1


def test_reusing_an_existing_group_keeps_its_tags_and_is_not_recreated(arm, credential, managed_profile):
    _untagged_group(arm, credential, managed_profile)
    managed_profile.resource_group.create = False
    result = deploy(managed_profile, credential)
    assert result.outcome.ok, result.failed_sentences
    group_puts = [r for r in arm.requests("PUT") if r.lower_path.endswith("/resourcegroups/rg-amr")]
    assert len(group_puts) == 1  # only the one this test made
    assert result.outcome.outputs["resource-group"]["created_by_us"] is False


def test_missing_group_without_create_is_a_sentence(arm, credential, managed_profile):
    managed_profile.resource_group.create = False
    result = deploy(managed_profile, credential)
    assert "does not exist" in result.outcome.failed["resource-group"]
    assert "resource_group.create" in result.outcome.failed["resource-group"]
