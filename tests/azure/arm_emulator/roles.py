"""Role assignments as ARM checks them: only existing role definitions (unknown ids: 400
RoleDefinitionDoesNotExist, learn.microsoft.com/azure/role-based-access-control/troubleshooting), listing by
principal (`$filter=principalId eq '...'`, learn.microsoft.com/rest/api/authorization/role-assignments/list-for-scope)
and DELETE (200 with the assignment, 204 when it is gone). Not checked against live Azure."""

from __future__ import annotations

import re
from typing import Any

from tests.azure.arm_emulator.arm import Reply, error

# Built-in role definitions the wizard may assign (ids from learn.microsoft.com/azure/role-based-access-control/built-in-roles).
BUILT_IN = {
    "7f951dda-4ed3-4680-a7ca-43fe172d538d": "AcrPull",
    "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0": "Azure Service Bus Data Receiver",
    "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39": "Azure Service Bus Data Sender",
    "090c5cfd-751d-490a-894a-3ce6f1109419": "Azure Service Bus Data Owner",
    "b7e6dc6d-f1e8-4753-8033-0f276bb0955b": "Storage Blob Data Owner",
    "ba92f5b4-2d11-453d-a403-e96b0029c9fe": "Storage Blob Data Contributor",
    "3913510d-42f4-4e42-8a64-420c390055eb": "Monitoring Metrics Publisher",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
    "acdd72a7-3385-48ef-bd42-f606fba81ae7": "Reader",
}

_LIST = re.compile(r"^(?P<scope>/subscriptions/.*?)/providers/microsoft\.authorization/roleassignments$", re.IGNORECASE)
_ONE = re.compile(r"^(?P<scope>/subscriptions/.+)/providers/microsoft\.authorization/roleassignments/(?P<id>[^/]+)$", re.IGNORECASE)
_PRINCIPAL = re.compile(r"principalid\s+eq\s+'(?P<id>[^']+)'", re.IGNORECASE)


def put_refusal(props: dict[str, Any]) -> Reply | None:
    definition = str(props.get("roleDefinitionId") or "")
    if definition.rstrip("/").split("/")[-1].lower() not in BUILT_IN:
        return error(400, "RoleDefinitionDoesNotExist", f"The specified role definition with ID '{definition.split('/')[-1]}' does not exist.")
    return None


def _assignments(state: Any) -> list[dict[str, Any]]:
    return [r for r in state.resources.values() if r.get("type") == "Microsoft.Authorization/roleAssignments"]


def route(state: Any, method: str, path: str, query: dict[str, str]) -> Reply | None:
    listing = _LIST.match(path)
    if listing and method == "GET":
        scope = listing.group("scope").lower().rstrip("/")
        wanted = _PRINCIPAL.search(query.get("$filter", ""))
        found = [
            a for a in _assignments(state)
            if str(a["properties"].get("scope", "")).lower().startswith(scope)
            and (wanted is None or a["properties"].get("principalId") == wanted.group("id"))
        ]
        return Reply(200, {"value": found})
    one = _ONE.match(path)
    if one and method == "DELETE":
        key = f"{one.group('scope')}/providers/Microsoft.Authorization/roleAssignments/{one.group('id')}".lower()
        removed = state.resources.pop(key, None)
        return Reply(200, removed) if removed is not None else Reply(204)
    return None
