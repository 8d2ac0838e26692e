"""ARM template deployments (`PUT .../resourcegroups/G/providers/Microsoft.Resources/deployments/NAME`): the template
functions the wizard's export uses, and each resource applied in dependsOn order through the emulator's own PUT
handling (spec rules, name rules, LROs), so a template meets the same checks as the SDK's requests."""

from __future__ import annotations

import copy
import json
import re
import uuid
from typing import Any, Callable

from tests.azure.arm_emulator.arm import Reply, error

DEPLOYMENT_RE = re.compile(
    r"^/subscriptions/(?P<sub>[^/]+)/resourcegroups/(?P<rg>[^/]+)/providers/microsoft\.resources/deployments/(?P<name>[^/]+)"
    r"(?:/operationstatuses/(?P<op>[^/]+))?$",
    re.IGNORECASE,
)
SUPPORTED_API = ("2025-04-01", "2024-03-01", "2022-09-01", "2021-04-01")
MAX_POLLS = 20  # a resource still not Succeeded after this many GETs fails the deployment


class TemplateError(Exception):
    pass


# --- the expression language (the subset the export uses) -------------------------------------------------------


class _Parser:
    def __init__(self, text: str):
        self.text, self.i = text, 0

    def _ws(self) -> None:
        while self.i < len(self.text) and self.text[self.i].isspace():
            self.i += 1

    def peek(self) -> str:
        self._ws()
        return self.text[self.i] if self.i < len(self.text) else ""

    def take(self, ch: str) -> None:
        if self.peek() != ch:
            raise TemplateError(f"expected {ch!r} at {self.i} in {self.text!r}")
        self.i += 1

    def expr(self) -> tuple:
        ch = self.peek()
        if ch == "'":
            node: tuple = ("lit", self._string())
        elif ch.isdigit() or ch == "-":
            m = re.compile(r"-?\d+").match(self.text, self.i)
            assert m
            self.i = m.end()
            node = ("lit", int(m.group()))
        else:
            m = re.compile(r"[A-Za-z_][A-Za-z0-9_]*").match(self.text, self.i)
            if not m:
                raise TemplateError(f"unexpected {self.text[self.i:]!r}")
            self.i = m.end()
            name = m.group()
            if name in ("true", "false") and self.peek() != "(":
                node = ("lit", name == "true")
            else:
                self.take("(")
                args = []
                while self.peek() != ")":
                    args.append(self.expr())
                    if self.peek() == ",":
                        self.take(",")
                self.take(")")
                node = ("call", name, args)
        while self.peek() in (".", "["):
            if self.peek() == ".":
                self.take(".")
                m = re.compile(r"[A-Za-z_][A-Za-z0-9_]*").match(self.text, self.i)
                if not m:
                    raise TemplateError(f"bad property access in {self.text!r}")
                self.i = m.end()
                node = ("prop", node, ("lit", m.group()))
            else:
                self.take("[")
                index = self.expr()
                self.take("]")
                node = ("prop", node, index)
        return node

    def _string(self) -> str:
        self.take("'")
        out = []
        while True:
            if self.i >= len(self.text):
                raise TemplateError("unterminated string")
            ch = self.text[self.i]
            self.i += 1
            if ch == "'":
                if self.i < len(self.text) and self.text[self.i] == "'":
                    out.append("'")
                    self.i += 1
                    continue
                return "".join(out)
            out.append(ch)


class Evaluator:
    """Evaluates `[...]` strings of one deployment. listKeys/reference call the emulator like ARM calls providers."""

    def __init__(self, state: Any, sub: str, rg: str, parameters: dict[str, Any], variables: dict[str, Any],
                 call: Callable[[str, str, str, Any], Reply]):
        self.state, self.sub, self.rg = state, sub, rg
        self.parameters, self.variables, self.call = parameters, variables, call
        self.functions_used: set[str] = set()

    def value(self, node: Any) -> Any:
        if isinstance(node, str):
            if node.startswith("[[") :
                return node[1:]
            if node.startswith("[") and node.endswith("]"):
                parser = _Parser(node[1:-1])
                tree = parser.expr()
                if parser.peek():
                    raise TemplateError(f"trailing text in {node!r}")
                return self._eval(tree)
            return node
        if isinstance(node, dict):
            return {k: self.value(v) for k, v in node.items()}
        if isinstance(node, list):
            return [self.value(v) for v in node]
        return node

    def _eval(self, tree: tuple) -> Any:
        kind = tree[0]
        if kind == "lit":
            return tree[1]
        if kind == "prop":
            base, key = self._eval(tree[1]), self._eval(tree[2])
            if isinstance(base, dict):
                if key in base:
                    return base[key]
                lowered = {str(k).lower(): v for k, v in base.items()}  # ARM property access ignores case
                if str(key).lower() in lowered:
                    return lowered[str(key).lower()]
                raise TemplateError(f"The template language expression property '{key}' doesn't exist.")
            return base[key]
        name, args = tree[1].lower(), [self._eval(a) for a in tree[2]]
        self.functions_used.add(name)
        fn = getattr(self, f"_fn_{name}", None)
        if fn is None:
            raise TemplateError(f"The template function '{tree[1]}' is not valid (not implemented by the emulator).")
        return fn(*args)

    # functions --------------------------------------------------------------------------------------------
    def _fn_parameters(self, name: str) -> Any:
        if name not in self.parameters:
            raise TemplateError(f"The template parameter '{name}' is not found.")
        return self.parameters[name]

    def _fn_variables(self, name: str) -> Any:
        return self.value(self.variables[name])

    def _fn_concat(self, *args: Any) -> Any:
        if args and isinstance(args[0], list):
            return [x for a in args for x in a]
        return "".join(str(a) for a in args)

    def _fn_format(self, fmt: str, *args: Any) -> str:
        return re.sub(r"\{(\d+)\}", lambda m: str(args[int(m.group(1))]), fmt)

    def _fn_string(self, value: Any) -> str:
        return json.dumps(value) if isinstance(value, (dict, list)) else ("true" if value is True else "false" if value is False else str(value))

    def _fn_tolower(self, value: str) -> str:
        return value.lower()

    def _fn_guid(self, *args: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, "|".join(args)))

    def _fn_resourcegroup(self) -> dict[str, Any]:
        group = self.state._group(self.sub, self.rg)
        return dict(group)

    def _fn_subscription(self) -> dict[str, Any]:
        return {"id": f"/subscriptions/{self.sub}", "subscriptionId": self.sub}

    def _fn_resourceid(self, rtype: str, *names: str) -> str:
        return resource_id(f"/subscriptions/{self.sub}/resourceGroups/{self.rg}", rtype, names)

    def _fn_subscriptionresourceid(self, rtype: str, *names: str) -> str:
        return resource_id(f"/subscriptions/{self.sub}", rtype, names)

    def _fn_extensionresourceid(self, scope: str, rtype: str, *names: str) -> str:
        return resource_id(scope, rtype, names)

    def _fn_listkeys(self, rid: str, api: str) -> Any:
        reply = self.call("POST", f"{rid}/listKeys", api, None)
        if reply.status != 200:
            raise TemplateError(f"listKeys({rid}) answered {reply.status}: {reply.body}")
        return reply.body

    def _fn_reference(self, rid: str, api: str = "", full: str = "") -> Any:
        reply = self.call("GET", rid, api, None)
        if reply.status != 200:
            raise TemplateError(f"reference({rid}) answered {reply.status}: {reply.body}")
        return reply.body if full.lower() == "full" else (reply.body or {}).get("properties", {})


def resource_id(prefix: str, rtype: str, names: tuple[str, ...] | list[str]) -> str:
    """resourceId('A.B/c/d', 'x', 'y') -> <prefix>/providers/A.B/c/x/d/y (ARM's rule for nested types)."""
    ns, *types = rtype.split("/")
    if len(types) != len(names):
        raise TemplateError(f"resourceId('{rtype}', ...) needs {len(types)} names, got {len(names)}")
    path = "/".join(f"{t}/{n}" for t, n in zip(types, names))
    return f"{prefix}/providers/{ns}/{path}"


# --- the deployment --------------------------------------------------------------------------------------


def route(state: Any, method: str, path: str, query: dict[str, str], body: Any) -> Reply | None:
    match = DEPLOYMENT_RE.match(path.rstrip("/"))
    if not match:
        return None
    sub, rg, name = match.group("sub", "rg", "name")
    if query.get("api-version") not in SUPPORTED_API:
        return error(400, "InvalidApiVersionParameter", f"The api-version '{query.get('api-version')}' is invalid.")
    deployments = state.__dict__.setdefault("deployments", {})
    key = f"{sub}/{rg}/{name}".lower()
    if match.group("op"):
        return _poll(state, key, match.group("op"))
    if method == "GET":
        found = deployments.get(key)
        return Reply(200, found) if found else error(404, "DeploymentNotFound", f"Deployment '{name}' could not be found.")
    if method != "PUT":
        return error(405, "MethodNotAllowed", f"{method} is not supported on deployments.")
    if state._group(sub, rg) is None:
        return error(404, "ResourceGroupNotFound", f"Resource group '{rg}' could not be found.")
    props = (body or {}).get("properties") or {}
    template = props.get("template")
    if not isinstance(template, dict) or props.get("mode", "Incremental") != "Incremental":
        return error(400, "InvalidTemplate", "The request needs properties.template and mode Incremental.")
    rid = f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Resources/deployments/{name}"
    result: dict[str, Any] = {"id": rid, "name": name, "type": "Microsoft.Resources/deployments",
                              "properties": {"provisioningState": "Accepted", "mode": "Incremental"}}
    # The resources go in now; the deployment reports Running for the emulator's usual number of polls, as ARM's
    # long-running PUT does (201 + Azure-AsyncOperation), and its end state after.
    try:
        outputs, applied = deploy(state, sub, rg, template, props.get("parameters") or {})
        final: dict[str, Any] = {"provisioningState": "Succeeded", "outputs": outputs, "outputResources": [{"id": r} for r in applied]}
    except TemplateError as exc:
        final = {"provisioningState": "Failed", "error": {"code": "DeploymentFailed", "message": str(exc)}}
    op = uuid.uuid4().hex
    state.__dict__.setdefault("deployment_operations", {})[op] = {"key": key, "polls_left": state.lro_polls, "final": final}
    deployments[key] = result
    url = f"{state.base_url}{rid}/operationStatuses/{op}?api-version={query['api-version']}"
    return Reply(201, copy.deepcopy(result), {"Azure-AsyncOperation": url})


def _poll(state: Any, key: str, op_id: str) -> Reply:
    op = state.__dict__.setdefault("deployment_operations", {}).get(op_id)
    if op is None or op["key"] != key:
        return error(404, "NotFound", f"The operation {op_id} was not found.")
    if op["polls_left"] > 0:
        op["polls_left"] -= 1
        return Reply(200, {"status": "Running"})
    deployment = state.deployments[key]
    deployment["properties"].update(copy.deepcopy(op["final"]))
    final = op["final"]
    if final["provisioningState"] == "Failed":
        return Reply(200, {"status": "Failed", "error": final["error"]})
    return Reply(200, {"status": "Succeeded"})


def deploy(state: Any, sub: str, rg: str, template: dict[str, Any], given: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    from tests.azure.arm_emulator import spec_rules

    requests: list[dict[str, Any]] = state.__dict__.setdefault("deployment_requests", [])

    def call(method: str, path: str, api: str, body: Any) -> Reply:
        if method == "PUT":
            refusal = spec_rules.check(state, method, path, body)
            if refusal is not None:
                return refusal
        return state._handle(method, path, {"api-version": api}, body, b"", {}, None)

    parameters: dict[str, Any] = {}
    for pname, spec in (template.get("parameters") or {}).items():
        if pname in given:
            parameters[pname] = given[pname]["value"]
        elif "defaultValue" in spec:
            parameters[pname] = spec["defaultValue"]
        else:
            raise TemplateError(f"The value for the template parameter '{pname}' is not provided.")
        if "allowedValues" in spec and parameters[pname] not in spec["allowedValues"]:
            raise TemplateError(f"The provided value '{parameters[pname]}' for the template parameter '{pname}' is not valid. "
                                f"The parameter value is not part of the allowed value(s): '{','.join(map(str, spec['allowedValues']))}'.")
    ev = Evaluator(state, sub, rg, parameters, template.get("variables") or {}, call)
    group_prefix = f"/subscriptions/{sub}/resourceGroups/{rg}"

    def rid_of(resource: dict[str, Any]) -> str:
        names = str(ev.value(resource["name"])).split("/")
        rid = resource_id(group_prefix, resource["type"], names)
        if resource.get("scope"):
            scope = str(ev.value(resource["scope"]))
            scope_id = scope if scope.startswith("/") else f"{group_prefix}/providers/{scope}"
            rid = resource_id(scope_id, resource["type"], names)
        return rid

    pending = list(template.get("resources") or [])
    ids = {id(r): rid_of(r).lower() for r in pending}
    template_ids = set(ids.values())
    done: set[str] = set()
    applied: list[str] = []
    while pending:
        ready = []
        for r in pending:
            needs = {str(ev.value(d)).lower() for d in r.get("dependsOn") or []}
            unknown = needs - template_ids
            if unknown:
                raise TemplateError(f"The resource '{sorted(unknown)[0]}' is not defined in the template.")
            if needs <= done:
                ready.append(r)
        if not ready:
            raise TemplateError("Circular dependency detected on resources: " + ", ".join(ids[id(r)] for r in pending))
        for r in ready:
            pending.remove(r)
            rid = rid_of(r)
            body = {k: ev.value(v) for k, v in r.items() if k not in ("type", "apiVersion", "name", "dependsOn", "scope", "condition", "comments")}
            requests.append({"method": "PUT", "path": rid, "api": r["apiVersion"], "body": body})
            reply = call("PUT", rid, r["apiVersion"], body)
            if reply.status >= 400:
                raise TemplateError(f"{r['type']} {rid.rsplit('/', 1)[-1]}: {json.dumps(reply.body)}")
            _wait(call, rid, r["apiVersion"])
            done.add(ids[id(r)])
            applied.append(rid)
    outputs = {k: {"type": v.get("type", "string"), "value": ev.value(v["value"])} for k, v in (template.get("outputs") or {}).items()}
    return outputs, applied


def _wait(call: Callable[[str, str, str, Any], Reply], rid: str, api: str) -> None:
    """ARM waits for each resource's provisioning to end before its dependants start."""
    if "/config/" in rid.lower() or "/roleassignments/" in rid.lower():
        return
    for _ in range(MAX_POLLS):
        reply = call("GET", rid, api, None)
        state = str(((reply.body or {}).get("properties") or {}).get("provisioningState", "Succeeded")) if reply.status == 200 else "?"
        if state.lower() == "succeeded":
            return
        if state.lower() in ("failed", "canceled"):
            raise TemplateError(f"The resource {rid} ended {state}.")
    raise TemplateError(f"The resource {rid} did not finish provisioning.")
