"""The functions host's own status endpoint (GET https://<app>/admin/host/status with the master key), which
reports binding errors the host found while indexing the app. A Service Bus binding whose connection setting is
missing (neither `<Connection>` nor identity-based `<Connection>__fullyQualifiedNamespace`; learn.microsoft.com/
azure/azure-functions/functions-bindings-service-bus-trigger#identity-based-connections) puts the host in state
Error with the message the host logs ("...connection string 'ServiceBusConnection' is missing or empty", reported
in Azure/azure-functions-host issues). The bindings come from the app's function_app.py in the build context, as
the real host reads the app. Not checked against live Azure."""

from __future__ import annotations

import gzip
import io
import re
import tarfile
from typing import Any

from tests.azure.arm_emulator.arm import Reply

PROVIDERS: dict[str, tuple[str, str]] = {}

_TRIGGER = re.compile(r"@app\.service_bus_(?:queue|topic)_(?:trigger|output)\((?P<args>[^)]*)\)")
_CONNECTION = re.compile(r"connection\s*=\s*[\"']([^\"']+)[\"']")


def route(state: Any, method: str, path: str, query: dict[str, str]) -> Reply | None:
    return None


def built(state: Any, images: list[dict[str, str]], archive: bytes) -> None:
    """Remember the Service Bus connections each pushed image's app binds to."""
    try:
        with tarfile.open(fileobj=io.BytesIO(gzip.decompress(archive))) as tar:
            member = tar.extractfile("function_app.py")
            code = member.read().decode("utf-8", "replace") if member else ""
    except (OSError, KeyError, tarfile.TarError):
        return
    connections = sorted({c for m in _TRIGGER.finditer(code) for c in _CONNECTION.findall(m.group("args"))})
    store = state.__dict__.setdefault("_service_bus_bindings", {})
    for image in images:
        store[f"{image['registry']}/{image['repository']}:{image['tag']}".lower()] = connections


def _connections(state: Any, hidden: dict[str, Any]) -> list[str]:
    fx = str(hidden.get("config", {}).get("linuxFxVersion") or "")
    return state.__dict__.get("_service_bus_bindings", {}).get(fx[7:].lower(), []) if fx.upper().startswith("DOCKER|") else []


def admin(state: Any, method: str, path: str, query: dict[str, str], headers: dict[str, str]) -> Reply:
    key = headers.get("x-functions-key") or headers.get("X-Functions-Key") or query.get("code")
    site = next((h for h in state.hidden.values() if key and h.get("master_key") == key), None)
    if site is None:
        return Reply(401, {"error": "The master key is required for admin endpoints."})
    if path.lower().rstrip("/") != "/admin/host/status" or method != "GET":
        return Reply(404, {"error": f"No admin route {path}."})
    settings = site.get("settings") or {}
    errors = []
    for connection in _connections(state, site):
        if not settings.get(connection) and not any(k.startswith(connection + "__") for k in settings):
            errors.append(
                f"Microsoft.Azure.WebJobs.Host: Error indexing method 'Functions.score'. Microsoft.Azure.WebJobs.ServiceBus: "
                f"Microsoft Azure WebJobs SDK ServiceBus connection string '{connection}' is missing or empty."
            )
    body: dict[str, Any] = {"id": "emulated-host", "state": "Error" if errors else "Running", "version": "4.1040.0.0"}
    if errors:
        body["errors"] = errors
    return Reply(200, body)
