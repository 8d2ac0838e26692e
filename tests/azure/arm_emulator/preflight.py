"""What a preflight reads before creating anything, and the refusals it prevents; each answered when a test
says so through `ext(arm)`:
- provider registration: GET /subscriptions/{s}/providers/{ns} -> registrationState; a PUT into an unregistered
  namespace gets 409 MissingSubscriptionRegistration (learn.microsoft.com/azure/azure-resource-manager/
  troubleshooting/error-register-resource-provider); POST .../{ns}/register registers it.
- App Service SKU availability: GET /subscriptions/{s}/providers/Microsoft.Web/geoRegions?sku=<tier>&linuxWorkersEnabled=true
  lists the regions offering the tier (learn.microsoft.com/rest/api/appservice/list-geo-regions); a plan PUT
  elsewhere gets 400 SkuNotAvailable (learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-sku-not-available).
- Storage quota: GET /subscriptions/{s}/providers/Microsoft.Storage/locations/{loc}/usages -> StorageAccounts
  currentValue/limit (250 per region by default; learn.microsoft.com/rest/api/storagerp/usages/list-by-location).
Not checked against live Azure."""

from __future__ import annotations

import re
from typing import Any

from tests.azure.arm_emulator.arm import Reply, error
from tests.azure.arm_emulator.ext import ext

_REGIONS = (("westeurope", "West Europe"), ("northeurope", "North Europe"), ("eastus", "East US"))
_PROVIDER = re.compile(r"^/subscriptions/(?P<sub>[^/]+)/providers/(?P<ns>[^/]+)(?P<register>/register)?$", re.IGNORECASE)
_GEO = re.compile(r"^/subscriptions/[^/]+/providers/microsoft\.web/georegions$", re.IGNORECASE)
_USAGES = re.compile(r"^/subscriptions/(?P<sub>[^/]+)/providers/microsoft\.storage/locations/(?P<loc>[^/]+)/usages$", re.IGNORECASE)


def _provider_body(sub: str, ns: str, state: str) -> dict[str, Any]:
    return {"id": f"/subscriptions/{sub}/providers/{ns}", "namespace": ns, "registrationState": state, "resourceTypes": []}


def route(state: Any, method: str, path: str, query: dict[str, str]) -> Reply | None:
    settings = ext(state)
    provider = _PROVIDER.match(path)
    if provider:
        ns = provider.group("ns")
        if provider.group("register") and method == "POST":
            settings.unregistered.discard(ns.lower())
            return Reply(200, _provider_body(provider.group("sub"), ns, "Registering"))
        if method == "GET" and not provider.group("register"):
            registered = "NotRegistered" if ns.lower() in settings.unregistered else "Registered"
            return Reply(200, _provider_body(provider.group("sub"), ns, registered))
    if _GEO.match(path) and method == "GET":
        tier = query.get("sku", "").lower()
        regions = [(n, d) for n, d in _REGIONS if (tier, n) not in settings.skus_unavailable]
        return Reply(200, {"value": [{"id": f"/providers/Microsoft.Web/geoRegions/{d}", "name": d, "type": "Microsoft.Web/geoRegions",
                                      "properties": {"name": d, "displayName": d}} for n, d in regions]})
    usages = _USAGES.match(path)
    if usages and method == "GET":
        sub, loc = usages.group("sub").lower(), usages.group("loc").lower()
        current = sum(
            1 for key, r in state.resources.items()
            if key.startswith(f"/subscriptions/{sub}/") and r.get("type", "").lower() == "microsoft.storage/storageaccounts"
            and (r.get("location") or "").lower() == loc
        )
        limit = settings.usage_limits.get((loc, "storageaccounts"), 250)
        return Reply(200, {"value": [{"unit": "Count", "currentValue": current, "limit": limit,
                                      "name": {"value": "StorageAccounts", "localizedValue": "Storage Accounts"}}]})
    return None


def create_refusal(state: Any, provider: str, body: dict[str, Any]) -> Reply | None:
    settings = ext(state)
    ns = provider.split("/")[0]
    if ns in settings.unregistered:
        canonical = next((n for n in ("Microsoft.Cache", "Microsoft.Web", "Microsoft.Storage", "Microsoft.ContainerRegistry",
                                      "Microsoft.Insights", "Microsoft.OperationalInsights", "Microsoft.Network") if n.lower() == ns), ns)
        return error(409, "MissingSubscriptionRegistration",
                     f"The subscription is not registered to use namespace '{canonical}'. See https://aka.ms/rps-not-found for how to register subscriptions.")
    if provider == "microsoft.web/serverfarms":
        tier = str((body.get("sku") or {}).get("tier") or "").lower()
        location = str(body.get("location") or "").lower().replace(" ", "")
        if (tier, location) in settings.skus_unavailable:
            sku = (body.get("sku") or {}).get("name", tier)
            return error(400, "SkuNotAvailable", f"The requested size for resource '{sku}' is currently not available in location '{location}'.")
    return None
