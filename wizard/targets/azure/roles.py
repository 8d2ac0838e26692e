"""Role assignments the wizard makes for the function app's identity (AcrPull on a registry, Service Bus data
roles on a namespace): deterministic names, a bounded wait while a new identity replicates, and their removal
by destroy when they lie outside the deployment's resource group (deleting the group does not remove them)."""

from __future__ import annotations

import time
import uuid
from typing import Any, Callable

from azure.core.exceptions import HttpResponseError

from wizard.i18n import _
from wizard.targets.azure.clients import AzureClients
from wizard.targets.azure.config import polling_interval
from wizard.targets.azure.errors import azure_call, error_code_and_message, translate
from wizard.targets.base import StepContext, StepFailed

# Built-in role definition ids (learn.microsoft.com/azure/role-based-access-control/built-in-roles).
ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d"
SERVICE_BUS_RECEIVER = "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0"
SERVICE_BUS_SENDER = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39"
ROLE_NAMES = {ACR_PULL: "AcrPull", SERVICE_BUS_RECEIVER: "Azure Service Bus Data Receiver", SERVICE_BUS_SENDER: "Azure Service Bus Data Sender"}

# A just-created managed identity is often unknown to the role service for a minute or two (ARM answers 400
# PrincipalNotFound; learn.microsoft.com/azure/role-based-access-control/troubleshooting). Wait this long at most.
PRINCIPAL_WAIT_S = 300.0


class RoleForbidden(StepFailed):
    """The signed-in account may not assign roles at that scope (needs Owner or User Access Administrator)."""


def assignment_name(scope: str, principal_id: str, role: str = ACR_PULL) -> str:
    """Deterministic, so a re-run finds (not duplicates) the assignment. AcrPull keeps its original spelling so
    deployments made before this module still find theirs."""
    suffix = "acrpull" if role == ACR_PULL else role
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{scope.lower()}|{principal_id}|{suffix}"))


def role_definition_id(clients: AzureClients, role: str) -> str:
    return f"/subscriptions/{clients.subscription_id}/providers/Microsoft.Authorization/roleDefinitions/{role}"


def has(clients: AzureClients, scope: str, principal_id: str, role: str) -> bool:
    try:
        clients.authorization.role_assignments.get(scope, assignment_name(scope, principal_id, role))
    except HttpResponseError:
        return False
    return True


def assignment_body(definition_id: str, principal_id: str) -> Any:
    """The role assignment's PUT body (also what the template export writes: wizard/targets/azure/export.py)."""
    # The model of the pinned api-version (api_versions.AUTHORIZATION, 2022-04-01).
    from azure.mgmt.authorization.v2022_04_01.models import RoleAssignmentCreateParameters

    return RoleAssignmentCreateParameters(role_definition_id=definition_id, principal_id=principal_id, principal_type="ServicePrincipal")


def assign(ctx: StepContext, clients: AzureClients, scope: str, principal_id: str, role: str, what: str) -> str:
    """Give `principal_id` the `role` on `scope`: "created" or "exists". Waits (bounded) while ARM does not
    know the principal yet; RoleForbidden when the account may not assign roles there."""
    body = assignment_body(role_definition_id(clients, role), principal_id)
    name = assignment_name(scope, principal_id, role)
    began = time.monotonic()
    told = False
    while True:
        try:
            clients.authorization.role_assignments.create(scope, name, body)
            return "created"
        except HttpResponseError as exc:
            code = error_code_and_message(exc)[0].lower()
            if exc.status_code == 409 and code == "roleassignmentexists":
                return "exists"
            if exc.status_code == 403:
                raise RoleForbidden(
                    _("Your account may not assign roles while {what}: ask for Owner or User Access Administrator on "
                      "that resource, then deploy again.").format(what=what)
                ) from exc
            if code != "principalnotfound":
                raise translate(exc, what) from exc
            waited = time.monotonic() - began
            if waited > PRINCIPAL_WAIT_S:
                raise StepFailed(
                    _("Azure still does not know the function app's identity after {waited} s while {what}; wait a "
                      "few minutes and deploy again (finished resources are kept).").format(
                        waited=int(waited), what=what),
                    error_code_and_message(exc)[1],
                ) from exc
            if not told:
                ctx.log(_("The function app's new identity is not visible to Azure's role service yet; waiting for "
                          "it to replicate."))
                told = True
            ctx.report(None, _("Waiting for the app's identity to replicate ({waited} s)").format(waited=int(waited)))
            ctx.wait(max(polling_interval(), 0.05))


def in_group(scope: str, subscription_id: str, group: str) -> bool:
    prefix = f"/subscriptions/{subscription_id}/resourcegroups/{group}".lower()
    lowered = scope.lower().rstrip("/")
    return lowered == prefix or lowered.startswith(prefix + "/")


def remove_outside_group(clients: AzureClients, group: str, principal_id: str, log: Callable[[str], None]) -> list[str]:
    """Delete the role assignments of `principal_id` whose scope lies outside `group` (those made inside go with
    the group); say each one. Returns "<role> on <scope>" for each removed assignment."""
    found: list[Any] = azure_call(
        _("listing the app's role assignments"),
        lambda: list(clients.authorization.role_assignments.list_for_subscription(filter=f"principalId eq '{principal_id}'")),
    )
    removed = []
    for assignment in found:
        scope = assignment.scope or ""
        if in_group(scope, clients.subscription_id, group):
            continue
        role = (assignment.role_definition_id or "").rstrip("/").split("/")[-1]
        label = f"{ROLE_NAMES.get(role, 'role ' + role)} on {scope}"
        azure_call(_("removing a role assignment"), clients.authorization.role_assignments.delete_by_id, assignment.id)
        log(_("Removed the role assignment {label} (outside the resource group {group}).").format(
            label=label, group=group))
        removed.append(label)
    return removed
