"""Application Insights (Microsoft.Insights/components, 2020-02-02) and its Log Analytics workspace
(Microsoft.OperationalInsights/workspaces, 2023-09-01). Rules from bicep-types-az
generated/applicationinsights/microsoft.insights/2020-02-02/types.json (component: `kind` and
`properties.Application_Type` required, Application_Type web|other) and the docs: classic (non-workspace)
components retired 2024-02-29, so WorkspaceResourceId is required and must name an existing workspace
(learn.microsoft.com/azure/azure-monitor/app/convert-classic-resource). The connection string is a read-only
property (learn.microsoft.com/azure/azure-monitor/app/connection-strings). Not checked against live Azure."""

from __future__ import annotations

import uuid
from typing import Any

from tests.azure.arm_emulator.arm import Reply, error

PROVIDERS = {
    "microsoft.insights/components": ("Microsoft.Insights/components", "body"),
    "microsoft.operationalinsights/workspaces": ("Microsoft.OperationalInsights/workspaces", "body"),
}


def create_refusal(state: Any, provider: str, body: dict[str, Any]) -> Reply | None:
    props = body.get("properties") or {}
    if provider == "microsoft.insights/components":
        if not body.get("kind"):
            return error(400, "InvalidRequestContent", "The request content was invalid: 'kind' is required.")
        if props.get("Application_Type") not in ("web", "other"):
            return error(400, "InvalidRequestContent", "properties.Application_Type is required and must be 'web' or 'other'.")
        workspace = str(props.get("WorkspaceResourceId") or "")
        if not workspace:
            return error(400, "BadRequest", "Creation of new Classic Application Insights resources is not allowed; set WorkspaceResourceId.")
        if workspace.lower().rstrip("/") not in state.resources:
            return error(400, "BadRequest", f"The Log Analytics workspace {workspace} was not found.")
    if provider == "microsoft.operationalinsights/workspaces":
        sku = ((props.get("sku") or {}).get("name") or "")
        if sku and sku not in ("PerGB2018", "CapacityReservation", "Free", "Standalone", "PerNode", "Premium", "Standard", "LACluster"):
            return error(400, "InvalidParameter", f"The sku '{sku}' is not valid.")
    return None


def on_create(state: Any, provider: str, resource: dict[str, Any]) -> None:
    props = resource.setdefault("properties", {})
    if provider == "microsoft.insights/components":
        key = str(uuid.uuid4())
        state.secrets.add(key)  # the instrumentation key lets anyone write telemetry: treated as a secret
        location = resource.get("location", "westeurope")
        props.update(
            InstrumentationKey=key,
            AppId=str(uuid.uuid4()),
            ConnectionString=(f"InstrumentationKey={key};IngestionEndpoint=https://{location}-5.in.applicationinsights.azure.com/;"
                              f"LiveEndpoint=https://{location}.livediagnostics.monitor.azure.com/"),
        )
    if provider == "microsoft.operationalinsights/workspaces":
        props.update(customerId=str(uuid.uuid4()))
