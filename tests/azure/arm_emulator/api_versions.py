"""The api-version each emulated provider implements; ARM answers any other with 400 InvalidApiVersionParameter.

These are the versions whose REST specification excerpts are vendored under tests/azure/specs (where one is), so
the body rules in spec_rules.py hold for exactly the version a request names."""

from __future__ import annotations

import re

from tests.azure.arm_emulator.arm import Reply, error

# Keyed by "namespace/type" (lower-case) or by the namespace alone; "resources" covers resource groups,
# "subscriptions" the subscription and location listings.
SUPPORTED: dict[str, tuple[str, ...]] = {
    "microsoft.cache/redis": ("2024-11-01",),  # bicep-types-az generated/redis/microsoft.cache/2024-11-01
    "microsoft.cache/redisenterprise": ("2025-07-01",),  # generated/redisenterprise/microsoft.cache/2025-07-01
    "microsoft.cache": ("2024-11-01",),  # Microsoft.Cache/CheckNameAvailability (the redis client)
    "microsoft.web": ("2024-11-01",),  # generated/web/microsoft.web/2024-11-01
    "microsoft.storage": ("2025-06-01",),
    "microsoft.containerregistry": ("2025-04-01", "2019-06-01-preview"),  # the second: ACR Tasks runs
    "microsoft.authorization": ("2022-04-01",),
    "resources": ("2025-04-01",),
    "subscriptions": ("2022-12-01",),
    # H5 (issue 11 items 5, 16): raw ARM calls through the resource client
    "microsoft.insights/components": ("2020-02-02",),  # generated/applicationinsights/microsoft.insights/2020-02-02
    "microsoft.operationalinsights/workspaces": ("2023-09-01",),  # generated/operationalinsights/.../2023-09-01
    "microsoft.servicebus/namespaces": ("2021-11-01",),  # generated/servicebus/microsoft.servicebus/2021-11-01
}

_PROVIDER = re.compile(r"/providers/(?P<ns>[^/]+)(?:/(?P<type>[^/]+))?", re.IGNORECASE)
_POLL = re.compile(r"/(?:asyncoperations|operationresults|operations)/[^/]+$", re.IGNORECASE)


def family(path: str) -> str | None:
    """Which SUPPORTED entry governs a path, or None for paths this check leaves alone (polling URLs, others)."""
    lowered = path.lower().rstrip("/")
    if _POLL.search(lowered):
        return None  # ARM hands out polling URLs itself, with whatever version it chose
    if re.match(r"^/subscriptions/[^/]+/(providers(/[^/]+(/register)?)?|resources)$", lowered):
        return "resources"  # provider registration and the generic resource listing are Microsoft.Resources' (H5, issue 11 item 14)
    providers = list(_PROVIDER.finditer(lowered))
    if providers:
        last = providers[-1]  # a role assignment on a registry is Microsoft.Authorization's request
        ns, rtype = last.group("ns"), last.group("type") or ""
        if f"{ns}/{rtype}" in SUPPORTED:
            return f"{ns}/{rtype}"
        return ns if ns in SUPPORTED else None
    if "/resourcegroups" in lowered:
        return "resources"
    if lowered.startswith("/subscriptions"):
        return "subscriptions"
    return None


def refusal(path: str, api_version: str) -> Reply | None:
    """ARM's answer to an api-version the provider does not implement (None when it does)."""
    key = family(path)
    if key is None or api_version in SUPPORTED[key]:
        return None
    supported = ", ".join(SUPPORTED[key])
    return error(
        400,
        "InvalidApiVersionParameter",
        f"The api-version '{api_version}' is invalid. The supported versions are '{supported}'.",
    )
