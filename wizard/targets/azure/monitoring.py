"""Application Insights for the function app, as `az functionapp create` adds by default: a workspace-based
component (classic ones are retired) and its Log Analytics workspace, both in the deployment's group so clean-up
removes them. The app finds it through APPLICATIONINSIGHTS_CONNECTION_STRING. Raw ARM calls through the resource
client keep the SDK set as it is (no azure-mgmt-applicationinsights)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Mapping

from azure.mgmt.resource.resources.models import GenericResource

from wizard.i18n import _
from wizard.profile import Profile
from wizard.secrets import registry
from wizard.targets.azure import api_versions
from wizard.targets.azure.clients import AzureClients
from wizard.targets.azure.groups import our_tags
from wizard.targets.azure.polling import get_or_none, wait_lro
from wizard.targets.base import Change, FirstInterface, Observed, Outputs, StepContext, StepFailed

COMPONENT_API = api_versions.APPLICATION_INSIGHTS
WORKSPACE_API = api_versions.LOG_ANALYTICS
SETTING = "APPLICATIONINSIGHTS_CONNECTION_STRING"
ESTIMATE_S = 30.0


def enabled(profile: Profile) -> bool:
    return bool(getattr(profile.function, "application_insights", False))


def component_name(profile: Profile) -> str:
    return f"{profile.function.app_name}-insights"


def workspace_name(profile: Profile) -> str:
    return f"{profile.function.app_name}-logs"


def _id(clients: AzureClients, profile: Profile, provider: str, name: str) -> str:
    return f"/subscriptions/{clients.subscription_id}/resourceGroups/{profile.resource_group.name}/providers/{provider}/{name}"


def component_id(clients: AzureClients, profile: Profile) -> str:
    return _id(clients, profile, "Microsoft.Insights/components", component_name(profile))


def workspace_id(clients: AzureClients, profile: Profile) -> str:
    return _id(clients, profile, "Microsoft.OperationalInsights/workspaces", workspace_name(profile))


def connection_string(clients: AzureClients, profile: Profile) -> str:
    """The component's connection string; registered for masking (its instrumentation key lets anyone send
    telemetry into the component)."""
    found = get_or_none(_("reading Application Insights"), lambda: clients.resource.resources.get_by_id(component_id(clients, profile), COMPONENT_API))
    props = dict(getattr(found, "properties", None) or {})
    value = str(props.get("ConnectionString") or "")
    if not value:
        raise StepFailed(_("Application Insights has no connection string yet; deploy again in a minute."))
    registry.add(value)
    if props.get("InstrumentationKey"):
        registry.add(str(props["InstrumentationKey"]))
    return value


def _ready(resource: Any) -> bool:
    """Generic resources carry provisioningState inside their properties dict (polling.provisioning_state reads
    typed models)."""
    props = getattr(resource, "properties", None) or {}
    return resource is not None and str(props.get("provisioningState", "")).lower() == "succeeded"


def _ensure(ctx: StepContext, get: Callable[[], Any], start: Callable[[], Any], what: str, span: tuple[float, float]) -> Any:
    found = get_or_none(what, get)
    if found is not None and _ready(found):
        return found
    wait_lro(ctx, start, what, estimate_s=ESTIMATE_S, span=span)
    return get()


def app_settings(clients: AzureClients, profile: Profile) -> dict[str, str]:
    """The app setting that connects the functions host to Application Insights (none when switched off)."""
    return {SETTING: connection_string(clients, profile)} if enabled(profile) else {}


def workspace_body(profile: Profile) -> GenericResource:
    """The workspace's PUT body (also what the template export writes: wizard/targets/azure/export.py)."""
    return GenericResource(
        location=profile.azure.location,
        tags=our_tags(profile),
        properties={"sku": {"name": "PerGB2018"}, "retentionInDays": 30},
    )


def component_body(profile: Profile, ws_id: str) -> GenericResource:
    """The component's PUT body (also what the template export writes)."""
    return GenericResource(
        location=profile.azure.location,
        kind="web",
        tags=our_tags(profile),
        properties={"Application_Type": "web", "WorkspaceResourceId": ws_id, "IngestionMode": "LogAnalytics"},
    )


@dataclass(frozen=True)
class MonitoringOutputs(Outputs):
    component: str
    id: str = ""
    workspace_id: str = ""


class MonitoringAction(FirstInterface):
    """The Log Analytics workspace, then the Application Insights component on it. An existing component is
    compared on what component_body sets that matters (its workspace, ingestion mode, application type) and
    on its workspace being there; all change in place (a PUT of the same body)."""

    outputs_type: ClassVar[type[Outputs]] = MonitoringOutputs
    replace_on: ClassVar[Mapping[str, str]] = {}

    def __init__(self, clients_for: Callable[[Profile], AzureClients]):
        self._clients_for = clients_for

    def desired(self, ctx: StepContext) -> dict[str, Any]:
        clients = self._clients_for(ctx.profile)
        props = component_body(ctx.profile, workspace_id(clients, ctx.profile)).properties or {}
        return {
            "workspace": workspace_name(ctx.profile),
            "WorkspaceResourceId": str(props["WorkspaceResourceId"]).lower(),
            "IngestionMode": props["IngestionMode"],
            "Application_Type": props["Application_Type"],
        }

    def observe(self, ctx: StepContext) -> Observed | None:
        profile = ctx.profile
        clients = self._clients_for(profile)
        resources = clients.resource.resources
        found = get_or_none(_("looking for Application Insights"),
                            lambda: resources.get_by_id(component_id(clients, profile), COMPONENT_API))
        if found is None or not _ready(found):
            return None
        workspace = get_or_none(_("looking for the Log Analytics workspace"),
                                lambda: resources.get_by_id(workspace_id(clients, profile), WORKSPACE_API))
        props = dict(getattr(found, "properties", None) or {})
        settings = {
            "workspace": workspace_name(profile) if workspace is not None and _ready(workspace) else None,
            "WorkspaceResourceId": str(props.get("WorkspaceResourceId") or "").lower() or None,
            "IngestionMode": props.get("IngestionMode"),
            "Application_Type": props.get("Application_Type"),
        }
        return Observed(settings, self._outputs(found, clients, profile))

    def adopt(self, ctx: StepContext, observed: Observed) -> Outputs:
        assert observed.outputs is not None
        return observed.outputs

    def update(self, ctx: StepContext, observed: Observed, change: Change) -> MonitoringOutputs:
        return self._apply(ctx, force_component=True)

    def delete(self, ctx: StepContext, observed: Observed) -> None:
        raise StepFailed(_("Application Insights is never replaced; destroy the deployment to delete it."))

    def create(self, ctx: StepContext) -> MonitoringOutputs:
        return self._apply(ctx, force_component=False)

    def _apply(self, ctx: StepContext, *, force_component: bool) -> MonitoringOutputs:
        profile = ctx.profile
        clients = self._clients_for(profile)
        resources = clients.resource.resources
        ws_id = workspace_id(clients, profile)
        workspace = workspace_body(profile)
        _ensure(
            ctx,
            lambda: resources.get_by_id(ws_id, WORKSPACE_API),
            lambda: resources.begin_create_or_update_by_id(ws_id, WORKSPACE_API, workspace),
            _("creating the Log Analytics workspace"),
            (0.0, 0.5),
        )
        cid = component_id(clients, profile)
        component = component_body(profile, ws_id)
        if force_component:  # in place: the same PUT, on the component that is there
            wait_lro(ctx, lambda: resources.begin_create_or_update_by_id(cid, COMPONENT_API, component),
                     _("updating Application Insights"), estimate_s=ESTIMATE_S, span=(0.5, 1.0))
            found = resources.get_by_id(cid, COMPONENT_API)
        else:
            found = _ensure(
                ctx,
                lambda: resources.get_by_id(cid, COMPONENT_API),
                lambda: resources.begin_create_or_update_by_id(cid, COMPONENT_API, component),
                _("creating Application Insights"),
                (0.5, 1.0),
            )
        ctx.log(_("Application Insights {component} collects the app's logs and requests (workspace {workspace}).").format(
            component=component_name(profile), workspace=workspace_name(profile)))
        return self._outputs(found, clients, profile)

    @staticmethod
    def _outputs(found: Any, clients: AzureClients, profile: Profile) -> MonitoringOutputs:
        return MonitoringOutputs(component=component_name(profile), id=found.id or "", workspace_id=workspace_id(clients, profile))
