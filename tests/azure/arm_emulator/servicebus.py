"""Service Bus namespaces (Microsoft.ServiceBus/namespaces, 2021-11-01) as far as the wizard uses them: a tracked
resource whose `serviceBusEndpoint` names the fully qualified namespace (learn.microsoft.com/rest/api/servicebus/
controlplane-stable/namespaces/get), found through the subscription's generic resource listing
(GET /subscriptions/{s}/resources?$filter=resourceType eq '...' and name eq '...'; learn.microsoft.com/rest/api/
resources/resources/list). Not checked against live Azure."""

from __future__ import annotations

import re
from typing import Any

from tests.azure.arm_emulator.arm import Reply

PROVIDERS = {"microsoft.servicebus/namespaces": ("Microsoft.ServiceBus/namespaces", "body")}

_LIST = re.compile(r"^/subscriptions/(?P<sub>[^/]+)/resources$", re.IGNORECASE)
_TYPE = re.compile(r"resourcetype\s+eq\s+'(?P<v>[^']+)'", re.IGNORECASE)
_NAME = re.compile(r"name\s+eq\s+'(?P<v>[^']+)'", re.IGNORECASE)


def route(state: Any, method: str, path: str, query: dict[str, str]) -> Reply | None:
    listing = _LIST.match(path)
    if not listing or method != "GET":
        return None
    flt = query.get("$filter", "")
    rtype, name = _TYPE.search(flt), _NAME.search(re.sub(r"resourcetype\s+eq\s+'[^']+'", "", flt, flags=re.IGNORECASE))
    prefix = f"/subscriptions/{listing.group('sub').lower()}/"
    found = [
        {"id": r["id"], "name": r["name"], "type": r["type"], "location": r.get("location"), "tags": r.get("tags") or {}}
        for key, r in state.resources.items()
        if key.startswith(prefix) and key.count("/providers/") == 1 and len(key.split("/providers/")[1].split("/")) == 3
        and (rtype is None or r["type"].lower() == rtype.group("v").lower())
        and (name is None or r["name"].lower() == name.group("v").lower())
    ]
    return Reply(200, {"value": found})


def on_create(state: Any, provider: str, resource: dict[str, Any]) -> None:
    if provider == "microsoft.servicebus/namespaces":
        resource.setdefault("properties", {})["serviceBusEndpoint"] = f"https://{resource['name'].lower()}.servicebus.windows.net:443/"
