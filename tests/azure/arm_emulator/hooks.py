"""The few calls arm.py makes into the issue-11 rule modules (names, registry_login, roles, blobs, preflight,
insights, host_status), so those rules live beside arm.py instead of growing it."""

from __future__ import annotations

from typing import Any

from tests.azure.arm_emulator import deployments
from tests.azure.arm_emulator import blobs, host_status, insights, logstream, names, preflight, registry_login, roles, servicebus
from tests.azure.arm_emulator.arm import PROVIDERS, Reply

PROVIDERS.update(insights.PROVIDERS)
PROVIDERS.update(servicebus.PROVIDERS)


def route(state: Any, method: str, path: str, query: dict[str, str], body: Any) -> Reply | None:
    """Subscription-level routes these modules answer (provider registration, geo regions, usages, role
    assignment listing/deletion); None lets arm.py route the request."""
    return (preflight.route(state, method, path, query) or roles.route(state, method, path, query) or servicebus.route(state, method, path, query)
            or deployments.route(state, method, path, query, body))  # template deployments (issue 15 item 3)


def before_create(state: Any, provider: str, key: str, name: str, body: dict[str, Any]) -> Reply | None:
    """A refusal of a new resource's PUT, or None."""
    return (
        preflight.create_refusal(state, provider, body)
        or names.refusal(state, provider, name, key, str(body.get("location") or ""))
        or insights.create_refusal(state, provider, body)
    )


def after_create(state: Any, provider: str, resource: dict[str, Any]) -> None:
    if provider == "microsoft.containerregistry/registries":
        resource["properties"]["loginServer"] = registry_login.login_server(state, resource["name"])
    insights.on_create(state, provider, resource)
    servicebus.on_create(state, provider, resource)
    logstream.on_create(state, provider, resource)  # the app's Kudu site and log stream (issue 15)


def role_assignment_refusal(state: Any, props: dict[str, Any]) -> Reply | None:
    return roles.put_refusal(props)


def blob_put(state: Any, name: str, query: dict[str, str], raw: bytes, headers: dict[str, str]) -> Reply | None:
    return blobs.put(state, name, query, raw, headers)


def built(state: Any, images: list[dict[str, str]], archive: bytes) -> None:
    """An ACR Tasks run pushed `images` from `archive`: remember what the host will find in them."""
    host_status.built(state, images, archive)


def admin(state: Any, method: str, path: str, query: dict[str, str], headers: dict[str, str]) -> Reply:
    """The functions host's admin API (/admin/host/status)."""
    return host_status.admin(state, method, path, query, headers)


def invoked(state: Any, hidden: dict[str, Any], path: str) -> None:
    """A function ran: the host's lines go to the app's log stream."""
    logstream.invoked(hidden, path.rstrip("/").rsplit("/", 1)[-1])
