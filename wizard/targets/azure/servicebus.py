"""A Service Bus queue trigger on Azure, identity-based: the app reads `ServiceBusConnection__fullyQualifiedNamespace`
(learn.microsoft.com/azure/azure-functions/functions-bindings-service-bus-trigger#identity-based-connections) and
its managed identity gets Azure Service Bus Data Receiver on the namespace (and Data Sender when it writes an
output queue). The namespace itself is the user's; the wizard never creates or deletes it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Mapping
from urllib.parse import urlsplit

from wizard.i18n import _
from wizard.profile import Profile
from wizard.targets.azure import api_versions, roles
from wizard.targets.azure.clients import AzureClients
from wizard.targets.azure.errors import azure_call
from wizard.targets.base import Change, FirstInterface, Observed, Outputs, StepContext, StepFailed

NAMESPACE_API = api_versions.SERVICE_BUS
CONNECTION = "ServiceBusConnection"  # the binding's `connection` in the generated function_app.py
SETTING = f"{CONNECTION}__fullyQualifiedNamespace"


def used(profile: Profile) -> bool:
    return profile.function.trigger.type == "service-bus-queue"


def namespace_name(profile: Profile) -> str:
    """The namespace's resource name, whether the profile gives it bare or as <name>.servicebus.windows.net."""
    return (profile.function.trigger.service_bus_namespace or "").strip().split(".")[0]


def find_namespace(clients: AzureClients, profile: Profile) -> Any:
    """The namespace resource of this subscription (any group); a sentence when it is not there."""
    name = namespace_name(profile)
    if not name:
        raise StepFailed(_("A Service Bus queue trigger needs its namespace: set "
                           "function.trigger.service_bus_namespace and deploy again."))
    flt = f"resourceType eq 'Microsoft.ServiceBus/namespaces' and name eq '{name}'"
    found = azure_call(_("looking for the Service Bus namespace"), lambda: list(clients.resource.resources.list(filter=flt)))
    if not found:
        raise StepFailed(
            _("The Service Bus namespace {name} is not in this subscription: create it (with the queues the trigger "
              "reads and writes) or correct function.trigger.service_bus_namespace, then deploy again.").format(
                name=name)
        )
    return azure_call(_("reading the Service Bus namespace"), clients.resource.resources.get_by_id, found[0].id, NAMESPACE_API)


def fully_qualified(namespace: Any) -> str:
    """<name>.servicebus.windows.net (other clouds differ), from the namespace's own endpoint."""
    endpoint = str((getattr(namespace, "properties", None) or {}).get("serviceBusEndpoint") or "")
    host = urlsplit(endpoint).hostname if endpoint else None
    return host or f"{namespace.name}.servicebus.windows.net"


def app_settings(ctx: StepContext) -> dict[str, str]:
    """The identity-based connection the binding reads (none without a Service Bus trigger)."""
    access = ctx.outputs.get("service-bus-access") or {}
    return {SETTING: access["namespace"]} if access.get("namespace") else {}


ROLES_SETTING = "roles"


@dataclass(frozen=True)
class ServiceBusAccessOutputs(Outputs):
    namespace: str  # <name>.servicebus.windows.net, for ServiceBusConnection__fullyQualifiedNamespace
    namespace_id: str = ""
    roles: tuple[str, ...] = ()


class ServiceBusAccessAction(FirstInterface):
    """Azure Service Bus Data Receiver (+ Sender with an output queue) on the namespace for the app's identity.
    Compared on the roles the app's identity holds there (`roles`); a missing one is assigned in place."""

    outputs_type: ClassVar[type[Outputs]] = ServiceBusAccessOutputs
    replace_on: ClassVar[Mapping[str, str]] = {}

    def __init__(self, clients_for: Callable[[Profile], AzureClients]):
        self._clients_for = clients_for

    def _wanted(self, profile: Profile) -> list[str]:
        wanted = [roles.SERVICE_BUS_RECEIVER]
        if profile.function.trigger.output_queue:
            wanted.append(roles.SERVICE_BUS_SENDER)
        return wanted

    def desired(self, ctx: StepContext) -> dict[str, Any]:
        return {ROLES_SETTING: [roles.ROLE_NAMES[r] for r in self._wanted(ctx.profile)]}

    def observe(self, ctx: StepContext) -> Observed | None:
        principal = ctx.outputs.get("function-app", {}).get("principal_id")
        if not principal:
            return None
        clients = self._clients_for(ctx.profile)
        namespace = find_namespace(clients, ctx.profile)
        held = [roles.ROLE_NAMES[r] for r in self._wanted(ctx.profile) if roles.has(clients, namespace.id, principal, r)]
        if not held:
            return None
        return Observed({ROLES_SETTING: held}, self._outputs(namespace, ctx.profile))

    def adopt(self, ctx: StepContext, observed: Observed) -> Outputs:
        assert observed.outputs is not None
        return observed.outputs

    def update(self, ctx: StepContext, observed: Observed, change: Change) -> ServiceBusAccessOutputs:
        return self.create(ctx)  # assigns every wanted role; one that exists already is left as it is

    def delete(self, ctx: StepContext, observed: Observed) -> None:
        raise StepFailed(_("The Service Bus role assignments are never replaced."))

    def create(self, ctx: StepContext) -> ServiceBusAccessOutputs:
        profile = ctx.profile
        principal = ctx.outputs["function-app"].get("principal_id")
        if not principal:
            raise StepFailed(_("The function app has no managed identity, so it cannot read Service Bus; deploy "
                               "again to recreate it."))
        clients = self._clients_for(profile)
        namespace = find_namespace(clients, profile)
        for role in self._wanted(profile):
            roles.assign(ctx, clients, namespace.id, principal, role, _("giving the function app {role} on {namespace}").format(role=roles.ROLE_NAMES[role], namespace=namespace.name))
            ctx.log(_("Granted {role} on the Service Bus namespace {name} to the function app's identity.").format(
                role=roles.ROLE_NAMES[role], name=namespace.name))
        return self._outputs(namespace, profile)

    def _outputs(self, namespace: Any, profile: Profile) -> ServiceBusAccessOutputs:
        return ServiceBusAccessOutputs(namespace=fully_qualified(namespace), namespace_id=namespace.id or "",
                                       roles=tuple(roles.ROLE_NAMES[r] for r in self._wanted(profile)))
