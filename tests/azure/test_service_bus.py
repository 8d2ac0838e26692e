"""Issue 11 item 5: a Service Bus queue trigger connects identity-based (ServiceBusConnection__fullyQualifiedNamespace)
and the app's identity gets Azure Service Bus Data Receiver (+ Sender for the output queue) on the namespace; the
functions host (emulated from the app's own function_app.py) reports a binding whose connection setting is
missing, and the smoke step surfaces it instead of a green deploy."""

from __future__ import annotations

import pytest
from azure.mgmt.resource.resources.models import GenericResource, ResourceGroup
from azure.mgmt.web.models import StringDictionary

from tests.azure.deploying import deploy
from wizard.profile import Trigger
from wizard.rules import check
from wizard.targets.azure import host_status, roles
from wizard.targets.azure.clients import AzureClients
from wizard.targets.base import StepFailed


@pytest.fixture
def bus_profile(arm, credential, managed_profile):
    clients = AzureClients(managed_profile, credential)
    clients.resource.resource_groups.create_or_update("rg-messaging", ResourceGroup(location="westeurope"))
    ns_id = f"/subscriptions/{arm.subscription_id}/resourceGroups/rg-messaging/providers/Microsoft.ServiceBus/namespaces/ns1"
    clients.resource.resources.begin_create_or_update_by_id(
        ns_id, "2021-11-01", GenericResource(location="westeurope", sku={"name": "Standard"}, properties={})).result()
    managed_profile.function.trigger = Trigger(type="service-bus-queue", auth_level=None, input_queue="in", output_queue="out",
                                               service_bus_namespace="ns1")
    managed_profile.function.application_insights = False
    return managed_profile


def test_validate_refuses_a_service_bus_trigger_without_a_namespace(managed_profile):
    managed_profile.function.trigger = Trigger(type="service-bus-queue", auth_level=None, input_queue="in", output_queue="out")
    problems = [p for p in check(managed_profile) if p.path == "function.trigger.service_bus_namespace"]
    assert problems and problems[0].severity == "error"


def test_identity_based_connection_and_data_roles(arm, credential, bus_profile):
    result = deploy(bus_profile, credential)
    assert result.outcome.ok, result.failed_sentences
    settings = [r for r in arm.requests("PUT") if r.lower_path.endswith("amr-app/config/appsettings")][-1].body["properties"]
    assert settings["ServiceBusConnection__fullyQualifiedNamespace"] == "ns1.servicebus.windows.net"
    assert "ServiceBusConnection" not in settings  # no connection string (no secret) anywhere
    grants = [r for r in arm.requests("PUT", "roleassignments/") if "/microsoft.servicebus/namespaces/ns1/" in r.lower_path]
    assert sorted(g.body["properties"]["roleDefinitionId"].rsplit("/", 1)[-1] for g in grants) == sorted(
        [roles.SERVICE_BUS_RECEIVER, roles.SERVICE_BUS_SENDER])
    assert {g.body["properties"]["principalId"] for g in grants} == {result.outcome.outputs["function-app"]["principal_id"]}
    assert result.outcome.outputs["smoke-test"]["host_state"] == "Running"


def test_no_output_queue_no_sender_role(arm, credential, bus_profile):
    bus_profile.function.trigger.output_queue = None
    result = deploy(bus_profile, credential)
    assert result.outcome.ok, result.failed_sentences
    grants = [r for r in arm.requests("PUT", "roleassignments/") if "/microsoft.servicebus/" in r.lower_path]
    assert [g.body["properties"]["roleDefinitionId"].rsplit("/", 1)[-1] for g in grants] == [roles.SERVICE_BUS_RECEIVER]


def test_the_smoke_step_surfaces_a_host_binding_error(arm, credential, bus_profile):
    result = deploy(bus_profile, credential)
    assert result.outcome.ok, result.failed_sentences
    clients = AzureClients(bus_profile, credential)
    current = dict(clients.web.web_apps.list_application_settings("rg-amr", "amr-app").properties)
    current.pop("ServiceBusConnection__fullyQualifiedNamespace")
    clients.web.web_apps.update_application_settings("rg-amr", "amr-app", StringDictionary(properties=current))
    host = result.outcome.outputs["function-app"]["default_host_name"]
    with pytest.raises(StepFailed) as failed:
        for _ in range(5):  # the host restarts after a settings change: a warm-up answer or two first
            try:
                host_status.check(clients, bus_profile, host)
            except StepFailed:
                raise
            except Exception:
                continue
    assert "ServiceBusConnection" in str(failed.value) and "reports an error" in str(failed.value)
