"""ARM resource behaviour for the emulator: resource groups, Redis (classic and Managed), storage, App Service,
container registries with ACR Tasks runs, role assignments; each with the initial status and LRO style ARM uses."""

from __future__ import annotations

import base64
import copy
import gzip
import io
import re
import secrets
import tarfile
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from tests.azure.arm_emulator import function_host

# provider/type (lower-case) -> (canonical type, LRO style of a create)
#   async:    201 + Azure-AsyncOperation; poll {"status": ...}; the SDK then GETs the resource
#   location: 202 + Location; poll answers 202 until done, then 200 whose body IS the resource
#   body:     201 with properties.provisioningState; the SDK polls the resource itself
#   sync:     200/201 with the finished resource
PROVIDERS: dict[str, tuple[str, str]] = {
    "microsoft.cache/redis": ("Microsoft.Cache/Redis", "async"),
    "microsoft.cache/redisenterprise": ("Microsoft.Cache/redisEnterprise", "async"),
    "microsoft.storage/storageaccounts": ("Microsoft.Storage/storageAccounts", "location"),
    "microsoft.web/serverfarms": ("Microsoft.Web/serverfarms", "location"),
    "microsoft.web/sites": ("Microsoft.Web/sites", "body"),
    "microsoft.containerregistry/registries": ("Microsoft.ContainerRegistry/registries", "async"),
    "microsoft.network/privateendpoints": ("Microsoft.Network/privateEndpoints", "async"),
}

RESOURCE_RE = re.compile(
    r"^/subscriptions/(?P<sub>[^/]+)/resourcegroups/(?P<rg>[^/]+)/providers/(?P<ns>[^/]+)/(?P<type>[^/]+)/(?P<name>[^/]+)(?:/(?P<rest>.*))?$",
    re.IGNORECASE,
)
GROUP_RE = re.compile(r"^/subscriptions/(?P<sub>[^/]+)/resourcegroups/(?P<rg>[^/]+)(?P<rest>/resources)?$", re.IGNORECASE)
ROLE_RE = re.compile(r"^(?P<scope>/subscriptions/.+)/providers/microsoft\.authorization/roleassignments/(?P<id>[^/]+)$", re.IGNORECASE)
OPERATION_RE = re.compile(r"^/subscriptions/(?P<sub>[^/]+)/providers/[^/]+/(?:locations/[^/]+/)?(?:asyncoperations|operationresults|operations)/(?P<op>[^/]+)$", re.IGNORECASE)


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None


def error(status: int, code: str, message: str) -> Reply:
    return Reply(status, {"error": {"code": code, "message": message}})


@dataclass
class Operation:
    op_id: str
    sub: str
    resource_key: str  # lower-case id of the resource it creates
    style: str
    polls_left: int
    failure: dict[str, str] | None = None
    done: bool = False


def _key(resource_id: str) -> str:
    return resource_id.lower().rstrip("/")


class ArmState:
    def __init__(self, *, subscriptions: tuple[str, ...], lro_polls: int, retire_classic: bool, host_warmup_calls: int):
        self.subscriptions = subscriptions
        self.lro_polls = lro_polls
        self.retire_classic = retire_classic
        self.host_warmup_calls = host_warmup_calls
        self.base_url = ""
        self.lock = threading.RLock()
        self.groups: dict[str, dict[str, dict[str, Any]]] = {s.lower(): {} for s in subscriptions}
        self.resources: dict[str, dict[str, Any]] = {}  # lower-case id -> resource (all subscriptions)
        self.hidden: dict[str, dict[str, Any]] = {}  # lower-case id -> keys, logs, counters (never in bodies)
        self.operations: dict[str, Operation] = {}
        self.blobs: dict[str, bytes] = {}
        self.secrets: set[str] = set()
        self.taken_names: set[str] = set()  # names "taken by someone else" for the name checks

    # --- helpers -----------------------------------------------------------------------------

    def _secret(self, nbytes: int = 32) -> str:
        value = base64.b64encode(secrets.token_bytes(nbytes)).decode()
        self.secrets.add(value)
        return value

    def _async_header(self, sub: str, ns: str, location: str, op: Operation, api: str) -> dict[str, str]:
        url = f"{self.base_url}/subscriptions/{sub}/providers/{ns}/locations/{location}/asyncOperations/{op.op_id}?api-version={api}"
        return {"Azure-AsyncOperation": url}

    def _location_header(self, sub: str, ns: str, op: Operation, api: str) -> dict[str, str]:
        return {"Location": f"{self.base_url}/subscriptions/{sub}/providers/{ns}/operations/{op.op_id}?api-version={api}"}

    def _new_operation(self, sub: str, key: str, style: str, lro_fault: Any) -> Operation:
        failure = None
        if lro_fault is not None:
            failure = {
                "code": lro_fault.params.get("code", "InternalServerError"),
                "message": lro_fault.params.get("message", "The operation failed on the service side."),
            }
        op = Operation(uuid.uuid4().hex, sub, key, style, self.lro_polls, failure)
        self.operations[op.op_id] = op
        self.hidden.setdefault(key, {})["operation"] = op.op_id
        return op

    def _advance(self, op: Operation) -> None:
        """One poll of an operation (through its URL or a GET of the resource)."""
        if op.done:
            return
        if op.polls_left > 0:
            op.polls_left -= 1
            return
        op.done = True
        resource = self.resources.get(op.resource_key)
        if resource is None:
            return
        props = resource.setdefault("properties", {})
        if op.failure:
            props["provisioningState"] = "Failed"
        else:
            props["provisioningState"] = "Succeeded"
            self._on_ready(resource)

    def _advance_resource(self, key: str) -> None:
        op_id = self.hidden.get(key, {}).get("operation")
        if op_id and op_id in self.operations:
            self._advance(self.operations[op_id])

    def _on_ready(self, resource: dict[str, Any]) -> None:
        rtype = resource["type"].lower()
        props = resource["properties"]
        if rtype == "microsoft.cache/redis":
            props["provisioningState"] = "Succeeded"
        if rtype == "microsoft.cache/redisenterprise":
            props["resourceState"] = "Running"

    def _group(self, sub: str, rg: str) -> dict[str, Any] | None:
        return self.groups.get(sub.lower(), {}).get(rg.lower())

    # --- entry ---------------------------------------------------------------------------------

    def handle(self, method: str, path: str, query: dict[str, str], body: Any, raw: bytes, headers: dict[str, str], lro_fault: Any = None) -> Reply:
        with self.lock:
            return self._handle(method, path.rstrip("/") or "/", query, body, raw, headers, lro_fault)

    def _handle(self, method: str, path: str, query: dict[str, str], body: Any, raw: bytes, headers: dict[str, str], lro_fault: Any) -> Reply:
        lowered = path.lower()
        api = query.get("api-version", "")
        if lowered.startswith("/_blob/"):
            return self._blob(method, path, query, raw, headers)
        if lowered.startswith("/api/"):
            return self._invoke(method, path, query, body, headers)
        if lowered.startswith("/admin/"):  # the functions host's admin API (host status; issue 11 item 5)
            from tests.azure.arm_emulator import hooks

            return hooks.admin(self, method, path, query, headers)
        if lowered == "/subscriptions":
            return Reply(200, {"value": [self._subscription(s) for s in self.subscriptions]})
        match = re.match(r"^/subscriptions/([^/]+)(/.*)?$", path, re.IGNORECASE)
        if not match:
            return error(404, "NotFound", f"No route for {path}.")
        sub = match.group(1)
        if sub.lower() not in self.groups:
            return error(404, "SubscriptionNotFound", f"The subscription '{sub}' could not be found.")
        rest = (match.group(2) or "").lower()
        if rest == "" and method == "GET":
            return Reply(200, self._subscription(sub))
        from tests.azure.arm_emulator import hooks  # issue 11 items 5-7, 11, 12, 14-16 (rules in their own modules)

        hooked = hooks.route(self, method, path, query, body)
        if hooked is not None:
            return hooked
        if rest == "/locations":
            return Reply(200, {"value": [self._location(sub, n, d) for n, d in (("westeurope", "West Europe"), ("northeurope", "North Europe"), ("eastus", "East US"))]})
        if rest == "/resourcegroups" and method == "GET":
            return Reply(200, {"value": list(self.groups[sub.lower()].values())})
        op_match = OPERATION_RE.match(path)
        if op_match:
            return self._poll(op_match.group("op"))
        role = ROLE_RE.match(path)
        if role:
            return self._role_assignment(method, role.group("scope"), role.group("id"), body)
        if re.match(r"^/subscriptions/[^/]+/providers/[^/]+/checknameavailability$", lowered):
            return self._check_name(sub, lowered, body)
        if re.match(r"^/subscriptions/[^/]+/providers/microsoft\.containerregistry/registries$", lowered):
            return Reply(200, {"value": [r for k, r in self.resources.items() if k.startswith(f"/subscriptions/{sub.lower()}/") and r["type"].lower() == "microsoft.containerregistry/registries"]})
        group = GROUP_RE.match(path)
        if group:
            return self._resource_group(method, sub, group.group("rg"), bool(group.group("rest")), body, api)
        resource = RESOURCE_RE.match(path)
        if resource:
            return self._resource(method, resource, query, body, api, lro_fault)
        return error(404, "NotFound", f"No route for {method} {path}.")

    def _subscription(self, sub: str) -> dict[str, Any]:
        return {"id": f"/subscriptions/{sub}", "subscriptionId": sub, "displayName": f"Emulated subscription {sub[-4:]}", "state": "Enabled", "tenantId": "00000000-0000-0000-0000-0000000000t1"}

    def _location(self, sub: str, name: str, display: str) -> dict[str, Any]:
        return {"id": f"/subscriptions/{sub}/locations/{name}", "name": name, "displayName": display}

    # --- resource groups ---------------------------------------------------------------------

    def _resource_group(self, method: str, sub: str, rg: str, resources: bool, body: Any, api: str) -> Reply:
        groups = self.groups[sub.lower()]
        existing = groups.get(rg.lower())
        if resources:
            if existing is None:
                return error(404, "ResourceGroupNotFound", f"Resource group '{rg}' could not be found.")
            prefix = existing["id"].lower() + "/"
            items = [
                {"id": r["id"], "name": r["name"], "type": r["type"], "location": r.get("location")}
                for k, r in self.resources.items()
                if k.startswith(prefix) and k.count("/providers/") == 1 and len(k[len(prefix):].split("/")) == 4
            ]
            return Reply(200, {"value": items})
        if method in ("GET", "HEAD"):
            if existing is None:
                return error(404, "ResourceGroupNotFound", f"Resource group '{rg}' could not be found.")
            return Reply(204 if method == "HEAD" else 200, None if method == "HEAD" else existing)
        if method == "PUT":
            if not isinstance(body, dict) or not body.get("location"):
                return error(400, "LocationRequired", "The location property is required for this definition.")
            if existing is not None:
                existing["tags"] = body.get("tags") or existing.get("tags") or {}
                return Reply(200, existing)
            group = {
                "id": f"/subscriptions/{sub}/resourceGroups/{rg}",
                "name": rg,
                "type": "Microsoft.Resources/resourceGroups",
                "location": body["location"],
                "tags": body.get("tags") or {},
                "properties": {"provisioningState": "Succeeded"},
            }
            groups[rg.lower()] = group
            return Reply(201, group)
        if method == "DELETE":
            if existing is None:
                return Reply(204)
            existing["properties"]["provisioningState"] = "Deleting"
            op = Operation(uuid.uuid4().hex, sub, existing["id"].lower(), "delete-group", self.lro_polls)
            self.operations[op.op_id] = op
            url = f"{self.base_url}/subscriptions/{sub}/providers/Microsoft.Resources/operationresults/{op.op_id}?api-version={api}"
            return Reply(202, None, {"Location": url})
        return error(405, "MethodNotAllowed", f"{method} is not supported on resource groups.")

    def _poll(self, op_id: str) -> Reply:
        op = self.operations.get(op_id)
        if op is None:
            return error(404, "OperationNotFound", f"Operation {op_id} not found.")
        if op.style == "delete-group":
            if op.polls_left > 0:
                op.polls_left -= 1
                return Reply(202, None, {"Location": f"{self.base_url}/subscriptions/{op.sub}/providers/Microsoft.Resources/operationresults/{op.op_id}?api-version=2024-03-01"})
            prefix = op.resource_key + "/"
            for key in [k for k in self.resources if k.startswith(prefix)]:
                del self.resources[key]
            self.groups[op.sub.lower()] = {k: g for k, g in self.groups[op.sub.lower()].items() if g["id"].lower() != op.resource_key}
            return Reply(200)
        self._advance(op)
        resource = self.resources.get(op.resource_key)
        if op.style == "location":
            if not op.done:
                return Reply(202, None, {"Location": f"{self.base_url}/subscriptions/{op.sub}/providers/x/operations/{op.op_id}?api-version=2024-01-01"})
            if op.failure:
                return Reply(500, {"error": op.failure})
            return Reply(200, self._public(resource))
        if not op.done:
            return Reply(200, {"id": op.op_id, "name": op.op_id, "status": "InProgress"})
        if op.failure:
            return Reply(200, {"id": op.op_id, "name": op.op_id, "status": "Failed", "error": op.failure})
        return Reply(200, {"id": op.op_id, "name": op.op_id, "status": "Succeeded"})

    # --- tracked resources -----------------------------------------------------------------

    def _public(self, resource: dict[str, Any] | None) -> dict[str, Any] | None:
        return copy.deepcopy(resource) if resource is not None else None

    def _resource(self, method: str, m: re.Match[str], query: dict[str, str], body: Any, api: str, lro_fault: Any) -> Reply:
        sub, rg, ns, rtype, name, rest = m.group("sub", "rg", "ns", "type", "name", "rest")
        provider = f"{ns}/{rtype}".lower()
        if provider not in PROVIDERS:
            return error(400, "NoRegisteredProviderFound", f"No registered resource provider found for {ns}/{rtype}.")
        group = self._group(sub, rg)
        if group is None:
            return error(404, "ResourceGroupNotFound", f"Resource group '{rg}' could not be found.")
        canonical, style = PROVIDERS[provider]
        rid = f"{group['id']}/providers/{canonical}/{name}"
        key = _key(rid)
        if rest:
            parent = self.resources.get(key)
            if parent is None:
                return error(404, "ResourceNotFound", f"The Resource '{canonical}/{name}' under resource group '{rg}' was not found.")
            self._advance_resource(key)
            return self._child(method, parent, rest, query, body, api, lro_fault)
        existing = self.resources.get(key)
        if method == "GET":
            if existing is None:
                return error(404, "ResourceNotFound", f"The Resource '{canonical}/{name}' under resource group '{rg}' was not found.")
            self._advance_resource(key)
            return Reply(200, self._public(existing))
        if method == "DELETE":
            self.resources.pop(key, None)
            return Reply(200 if existing else 204)
        if method == "PATCH" and existing is not None:
            return self._patch(existing, body)
        if method != "PUT":
            return error(405, "MethodNotAllowed", f"{method} is not supported here.")
        if not isinstance(body, dict) or "location" not in body:
            return error(400, "InvalidRequestContent", "The request content was invalid: 'location' is required.")
        if existing is not None:
            state = existing.get("properties", {}).get("provisioningState", "Succeeded")
            if state.lower() not in ("succeeded", "failed"):
                return error(409, "Conflict", f"The resource '{name}' is busy ({state}); wait for the operation in progress to finish.")
            if state.lower() == "succeeded":
                self._update(existing, body)
                if provider == "microsoft.web/sites":
                    function_host.site_put(self.hidden.setdefault(key, {}), body, self.host_warmup_calls)
                return Reply(200, self._public(existing))
        if provider == "microsoft.cache/redis" and self.retire_classic:
            return error(400, "BadRequest", "Azure Cache for Redis is retiring, create Azure Managed Redis instance instead.")
        from tests.azure.arm_emulator import hooks

        refused = hooks.before_create(self, provider, key, name, body)  # global names, registration, SKUs, insights
        if refused is not None:
            return refused
        resource = self._create(provider, canonical, rid, name, body)
        hooks.after_create(self, provider, resource)
        self.resources[key] = resource
        op = self._new_operation(sub, key, style, lro_fault)
        location = body["location"]
        if style == "async":
            return Reply(201, self._public(resource), self._async_header(sub, ns, location, op, api))
        if style == "location":
            return Reply(202, None, self._location_header(sub, ns, op, api))
        if style == "body":  # App Service answers 200 with a provisioningState still running
            return Reply(200, self._public(resource))
        self._advance(op)
        return Reply(201, self._public(resource))

    def _create(self, provider: str, canonical: str, rid: str, name: str, body: dict[str, Any]) -> dict[str, Any]:
        resource = copy.deepcopy(body)
        resource.update({"id": rid, "name": name, "type": canonical})
        props = resource.setdefault("properties", {})
        props["provisioningState"] = "Creating"
        hidden = self.hidden.setdefault(_key(rid), {})
        location = body["location"]
        if provider == "microsoft.cache/redis":
            props.update(hostName=f"{name}.redis.cache.windows.net", port=6379, sslPort=6380, redisVersion="6.0")
            hidden["keys"] = {"primaryKey": self._secret(), "secondaryKey": self._secret()}
        elif provider == "microsoft.cache/redisenterprise":
            props.update(hostName=f"{name}.{location}.redis.azure.net", resourceState="Creating", redisVersion="7.4")
        elif provider == "microsoft.storage/storageaccounts":
            props.update(primaryEndpoints={"blob": f"https://{name}.blob.core.windows.net/"})
            hidden["keys"] = [self._secret(48), self._secret(48)]
        elif provider == "microsoft.web/sites":
            props.update(defaultHostName=f"127.0.0.1:{self.base_url.rsplit(':', 1)[1]}", state="Running")
            props["provisioningState"] = "InProgress"
            identity = resource.get("identity") or {}
            if "systemassigned" in str(identity.get("type", "")).lower():
                identity.update(principalId=str(uuid.uuid4()), tenantId="00000000-0000-0000-0000-0000000000t1")
            config = copy.deepcopy(props.get("siteConfig") or {})
            settings = {item["name"]: item["value"] for item in config.pop("appSettings", None) or []}
            hidden.update(config=config, settings=settings, warmup=self.host_warmup_calls, function_key=self._secret(), master_key=self._secret(), cache={})
        elif provider == "microsoft.containerregistry/registries":
            props.update(loginServer=f"{name.lower()}.azurecr.io", adminUserEnabled=bool(props.get("adminUserEnabled", False)))
            hidden.update(password=self._secret(), runs={})
        return resource

    def _update(self, resource: dict[str, Any], body: dict[str, Any]) -> None:
        for field_name, value in body.items():
            if field_name == "properties":
                resource.setdefault("properties", {}).update({k: v for k, v in value.items() if k != "siteConfig"})
            elif field_name != "identity":
                resource[field_name] = copy.deepcopy(value)

    def _patch(self, resource: dict[str, Any], body: Any) -> Reply:
        if isinstance(body, dict):
            props = resource.setdefault("properties", {})
            for name, value in (body.get("properties") or {}).items():
                # PATCH merges: a partial redisConfiguration keeps the keys it does not name.
                if isinstance(value, dict) and isinstance(props.get(name), dict):
                    props[name].update(value)
                else:
                    props[name] = value
        return Reply(200, self._public(resource))

    # --- child resources and actions --------------------------------------------------------

    def _child(self, method: str, parent: dict[str, Any], rest: str, query: dict[str, str], body: Any, api: str, lro_fault: Any) -> Reply:
        rtype = parent["type"].lower()
        key = _key(parent["id"])
        hidden = self.hidden.setdefault(key, {})
        lowered = rest.lower()
        ready = parent["properties"].get("provisioningState", "").lower() == "succeeded"
        if rtype == "microsoft.cache/redis":
            if lowered == "listkeys" and method == "POST":
                return Reply(200, hidden["keys"]) if ready else error(409, "Conflict", "The cache is not ready yet.")
            assignment = re.match(r"^accesspolicyassignments/([^/]+)$", lowered)
            if assignment:
                return self._sub_resource(method, parent, f"accessPolicyAssignments/{rest.split('/')[-1]}", "Microsoft.Cache/Redis/accessPolicyAssignments", body, api, lro_fault)
        if rtype == "microsoft.cache/redisenterprise":
            db = re.match(r"^databases/([^/]+)(/.*)?$", lowered)
            if db:
                db_rid = f"{parent['id']}/databases/{rest.split('/')[1]}"
                tail = db.group(2) or ""
                if tail == "/listkeys" and method == "POST":
                    db_res = self.resources.get(_key(db_rid))
                    if db_res is None:
                        return error(404, "ResourceNotFound", "The database was not found.")
                    self._advance_resource(_key(db_rid))
                    return Reply(200, self.hidden[_key(db_rid)]["keys"])
                ap = re.match(r"^/accesspolicyassignments/([^/]+)$", tail)
                if ap:
                    db_res = self.resources.get(_key(db_rid))
                    if db_res is None:
                        return error(404, "ResourceNotFound", "The database was not found.")
                    return self._sub_resource(method, db_res, f"accessPolicyAssignments/{rest.split('/')[-1]}", "Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments", body, api, lro_fault)
                if tail == "":
                    reply = self._sub_resource(method, parent, f"databases/{rest.split('/')[1]}", "Microsoft.Cache/redisEnterprise/databases", body, api, lro_fault)
                    if method == "PUT" and reply.status in (200, 201):
                        self.hidden.setdefault(_key(db_rid), {}).setdefault("keys", {"primaryKey": self._secret(), "secondaryKey": self._secret()})
                    return reply
        if rtype == "microsoft.storage/storageaccounts" and lowered == "listkeys" and method == "POST":
            return Reply(200, {"keys": [{"keyName": f"key{i + 1}", "value": v, "permissions": "FULL"} for i, v in enumerate(hidden["keys"])]})
        if rtype == "microsoft.web/sites":
            return self._site_child(method, parent, hidden, lowered, rest, body)
        if rtype == "microsoft.containerregistry/registries":
            return self._registry_child(method, parent, hidden, lowered, rest, query, body, api)
        return error(404, "NotFound", f"No route for {method} {parent['id']}/{rest}.")

    def _sub_resource(self, method: str, parent: dict[str, Any], suffix: str, canonical: str, body: Any, api: str, lro_fault: Any) -> Reply:
        rid = f"{parent['id']}/{suffix}"
        key = _key(rid)
        existing = self.resources.get(key)
        if method == "GET":
            if existing is None:
                return error(404, "ResourceNotFound", f"{suffix} was not found.")
            self._advance_resource(key)
            return Reply(200, self._public(existing))
        if method == "PATCH" and existing is not None:
            existing["properties"].update((body or {}).get("properties") or {})
            return Reply(200, self._public(existing))
        if method == "DELETE":
            self.resources.pop(key, None)
            for child in [k for k in self.resources if k.startswith(key + "/")]:
                del self.resources[child]
            return Reply(200 if existing else 204)
        if method != "PUT":
            return error(405, "MethodNotAllowed", f"{method} is not supported here.")
        if existing is not None and existing["properties"].get("provisioningState", "").lower() == "succeeded":
            existing["properties"].update((body or {}).get("properties") or {})
            return Reply(200, self._public(existing))
        resource = {"id": rid, "name": suffix.split("/")[-1], "type": canonical, "properties": dict((body or {}).get("properties") or {})}
        resource["properties"]["provisioningState"] = "Creating"
        self.resources[key] = resource
        sub = parent["id"].split("/")[2]
        op = self._new_operation(sub, key, "async", lro_fault)
        return Reply(201, self._public(resource), self._async_header(sub, canonical.split("/")[0], parent.get("location", "westeurope"), op, api))

    def _site_child(self, method: str, site: dict[str, Any], hidden: dict[str, Any], lowered: str, rest: str, body: Any) -> Reply:
        if lowered == "config/appsettings/list" and method == "POST":
            return Reply(200, {"id": f"{site['id']}/config/appsettings", "name": "appsettings", "properties": dict(hidden["settings"])})
        if lowered == "config/appsettings" and method == "PUT":
            hidden["settings"] = dict((body or {}).get("properties") or {})
            hidden["warmup"] = self.host_warmup_calls  # the host restarts with new settings
            return Reply(200, {"id": f"{site['id']}/config/appsettings", "name": "appsettings", "properties": dict(hidden["settings"])})
        if lowered == "config/web":
            if method in ("PATCH", "PUT"):
                hidden["config"].update((body or {}).get("properties") or {})
                hidden["warmup"] = self.host_warmup_calls
            return Reply(200, {"id": f"{site['id']}/config/web", "name": "web", "properties": dict(hidden["config"])})
        keys = re.match(r"^functions/([^/]+)/listkeys$", lowered)
        if (keys or lowered == "host/default/listkeys") and method == "POST":
            if hidden["warmup"] > 0:
                hidden["warmup"] -= 1
                return error(503, "ServiceUnavailable", "Encountered an error (ServiceUnavailable) from host runtime.")
            if keys:
                if not function_host.has_function(self, hidden, keys.group(1)):
                    return error(404, "NotFound", f"The function '{rest.split('/')[1]}' was not found in the function app.")
                return Reply(200, {"properties": {"default": hidden["function_key"]}})
            return Reply(200, {"masterKey": hidden["master_key"], "functionKeys": {"default": hidden["function_key"]}})
        return error(404, "NotFound", f"No route for {method} {site['id']}/{rest}.")

    def _registry_child(self, method: str, reg: dict[str, Any], hidden: dict[str, Any], lowered: str, rest: str, query: dict[str, str], body: Any, api: str) -> Reply:
        props = reg["properties"]
        if lowered == "listcredentials" and method == "POST":
            if not props.get("adminUserEnabled"):
                return error(400, "AdminUserDisabled", "Admin user is disabled.")
            return Reply(200, {"username": reg["name"], "passwords": [{"name": "password", "value": hidden["password"]}]})
        if lowered == "listbuildsourceuploadurl" and method == "POST":
            upload_id = uuid.uuid4().hex
            relative = f"source/202611270000/{upload_id}.tar.gz"
            sig = self._secret(16)
            return Reply(200, {"uploadUrl": f"{self.base_url}/_blob/uploads/{upload_id}?sv=2024-01-01&sig={sig}", "relativePath": relative})
        if lowered == "schedulerun" and method == "POST":
            return self._schedule_run(reg, hidden, body)
        if lowered == "runs" and method == "GET":
            runs = list(hidden["runs"].values())
            top = int(query.get("$top") or 50)
            return Reply(200, {"value": [copy.deepcopy(r["run"]) for r in runs][-top:][::-1]})
        run = re.match(r"^runs/([^/]+)(/listlogsasurl)?$", lowered)
        if run:
            entry = hidden["runs"].get(run.group(1))
            if entry is None:
                return error(404, "RunNotFound", f"Run {run.group(1)} not found.")
            if run.group(2):
                return Reply(200, {"logLink": f"{self.base_url}/_blob/logs/{entry['run']['properties']['runId']}?sv=2024-01-01&sig=logsig"})
            self._advance_run(entry)
            return Reply(200, copy.deepcopy(entry["run"]))
        if method == "PATCH":
            return self._patch(reg, body)
        return error(404, "NotFound", f"No route for {method} {reg['id']}/{rest}.")

    def _schedule_run(self, reg: dict[str, Any], hidden: dict[str, Any], body: Any) -> Reply:
        if not isinstance(body, dict) or body.get("type") != "DockerBuildRequest":
            return error(400, "InvalidRequest", "Only DockerBuildRequest runs are emulated.")
        relative = body.get("sourceLocation", "")
        upload_id = relative.rsplit("/", 1)[-1].removesuffix(".tar.gz")
        archive = self.blobs.get(f"uploads/{upload_id}")
        if archive is None:
            return error(400, "InvalidSourceLocation", f"The source location {relative} holds no uploaded archive.")
        try:
            with tarfile.open(fileobj=io.BytesIO(gzip.decompress(archive))) as tar:
                names = tar.getnames()
                dockerfile = tar.extractfile(body.get("dockerFilePath", "Dockerfile"))
                text = dockerfile.read().decode().replace("\\\n", " ") if dockerfile else ""
                instructions = [" ".join(line.split()) for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
                app = function_host.read_app(tar)
        except (OSError, KeyError, tarfile.TarError) as exc:
            return error(400, "InvalidSourceLocation", f"The uploaded source is not a readable tar.gz with a Dockerfile: {exc}")
        run_id = f"ca{len(hidden['runs']) + 1}"
        images = []
        for image in body.get("imageNames") or []:
            repo, _, tag = image.partition(":")
            images.append({"registry": reg["properties"]["loginServer"], "repository": repo, "tag": tag or "latest"})
        function_host.remember(self, images, app)
        from tests.azure.arm_emulator import hooks

        hooks.built(self, images, archive)  # the bindings the host will index (issue 11 item 5)
        run = {
            "id": f"{reg['id']}/runs/{run_id}",
            "name": run_id,
            "type": "Microsoft.ContainerRegistry/registries/runs",
            "properties": {"runId": run_id, "status": "Queued", "runType": "QuickRun", "outputImages": None, "provisioningState": "Succeeded"},
        }
        hidden["runs"][run_id] = {"run": run, "lines": instructions, "sources": names, "images": images, "step": 0, "fail": bool(body.get("_fail"))}
        self.blobs[f"logs/{run_id}"] = f"Queued a build with ID: {run_id}\n".encode()
        return Reply(200, copy.deepcopy(run))

    def _advance_run(self, entry: dict[str, Any]) -> None:
        props = entry["run"]["properties"]
        if props["status"] in ("Succeeded", "Failed"):
            return
        log_key = f"logs/{props['runId']}"
        lines = entry["lines"]
        if props["status"] == "Queued":
            props["status"] = "Running"
            self.blobs[log_key] += f"Sending context ({len(entry['sources'])} files) to registry...\n".encode()
            return
        step = entry["step"]
        if step < len(lines):
            self.blobs[log_key] += f"Step {step + 1}/{len(lines)} : {lines[step]}\n".encode()
            entry["step"] += 1
            return
        for image in entry["images"]:
            self.blobs[log_key] += f"Successfully pushed {image['registry']}/{image['repository']}:{image['tag']}\n".encode()
        props["status"] = "Succeeded"
        props["outputImages"] = entry["images"]

    # --- role assignments, name checks ------------------------------------------------------

    def _role_assignment(self, method: str, scope: str, assignment_id: str, body: Any) -> Reply:
        if _key(scope) not in self.resources and not re.match(r"^/subscriptions/[^/]+(/resourcegroups/[^/]+)?$", scope, re.IGNORECASE):
            return error(404, "ResourceNotFound", f"The scope {scope} was not found.")
        rid = f"{scope}/providers/Microsoft.Authorization/roleAssignments/{assignment_id}"
        key = _key(rid)
        existing = self.resources.get(key)
        if method == "GET":
            return Reply(200, existing) if existing else error(404, "RoleAssignmentNotFound", "The role assignment was not found.")
        if method == "PUT":
            props = (body or {}).get("properties") or {}
            from tests.azure.arm_emulator import hooks

            refused = hooks.role_assignment_refusal(self, props)
            if refused is not None:
                return refused
            if existing is not None:
                if existing["properties"]["principalId"] == props.get("principalId"):
                    return Reply(409, {"error": {"code": "RoleAssignmentExists", "message": "The role assignment already exists."}})
            assignment = {"id": rid, "name": assignment_id, "type": "Microsoft.Authorization/roleAssignments", "properties": {**props, "scope": scope}}
            self.resources[key] = assignment
            return Reply(201, assignment)
        return error(405, "MethodNotAllowed", f"{method} is not supported on role assignments.")

    def _check_name(self, sub: str, lowered: str, body: Any) -> Reply:
        name = str((body or {}).get("name", ""))
        taken = name.lower() in self.taken_names or any(r["name"].lower() == name.lower() for r in self.resources.values() if "/providers/microsoft.authorization/" not in r["id"].lower())
        if "/microsoft.cache/" in lowered:
            if taken:
                return error(409, "NameNotAvailable", f"The name '{name}' is not available.")
            return Reply(200)
        return Reply(200, {"nameAvailable": not taken, "reason": "AlreadyExists" if taken else None, "message": f"The name '{name}' is already taken." if taken else None})

    # --- data plane: blobs and the function ------------------------------------------------

    def _blob(self, method: str, path: str, query: dict[str, str], raw: bytes, headers: dict[str, str]) -> Reply:
        if "sig" not in query:
            return Reply(403, raw=b"<Error><Code>AuthenticationFailed</Code></Error>", headers={"Content-Type": "application/xml"})
        name = path[len("/_blob/"):]
        if method == "PUT":
            from tests.azure.arm_emulator import hooks

            hooked = hooks.blob_put(self, name, query, raw, headers)  # single-PUT cap, Put Block / Put Block List
            if hooked is not None:
                return hooked
            if headers.get("x-ms-blob-type") != "BlockBlob":
                return Reply(400, raw=b"<Error><Code>MissingRequiredHeader</Code></Error>", headers={"Content-Type": "application/xml"})
            self.blobs[name] = raw
            return Reply(201, raw=b"")
        if method == "GET":
            data = self.blobs.get(name)
            if data is None:
                return Reply(404, raw=b"<Error><Code>BlobNotFound</Code></Error>", headers={"Content-Type": "application/xml"})
            start = 0
            match = re.match(r"bytes=(\d+)-", headers.get("Range", ""))
            if match:
                start = int(match.group(1))
                if start >= len(data):
                    return Reply(416, raw=b"", headers={"Content-Type": "text/plain"})
                return Reply(206, raw=data[start:], headers={"Content-Type": "text/plain"})
            return Reply(200, raw=data, headers={"Content-Type": "text/plain"})
        return Reply(405, raw=b"")

    def _invoke(self, method: str, path: str, query: dict[str, str], body: Any, headers: dict[str, str]) -> Reply:
        """The deployed function, as far as ARM tests need it: key check, JSON in, JSON out, X-Cache."""
        key = headers.get("x-functions-key") or query.get("code")
        hidden = function_host.find_site(self, key)
        if hidden is None or not function_host.key_accepted(self, hidden, key):
            return Reply(401, {"error": "A valid key for this function's auth level is required."})
        if method != "POST" or not isinstance(body, dict) or not isinstance(body.get("data"), list):
            return Reply(400, {"error": 'Send JSON like {"data": [[...], ...]}.'})
        from tests.azure.arm_emulator import hooks

        hooks.invoked(self, hidden, path)  # Executing/Executed lines on the app's log stream (logstream.py)
        if function_host.cache_refusal(self, hidden["settings"]):  # the app's cache refuses it: fail open
            return Reply(200, {"result": [0 for _ in body["data"]]}, {"X-Cache": "BYPASS", "X-Model-Version": hidden["settings"].get("MODEL_VERSION", "")})
        fingerprint = repr(body["data"])
        hit = fingerprint in hidden["cache"]
        hidden["cache"][fingerprint] = True
        version = hidden["settings"].get("MODEL_VERSION", "")
        return Reply(200, {"result": [0 for _ in body["data"]]}, {"X-Cache": "HIT" if hit else "MISS", "X-Model-Version": version})
