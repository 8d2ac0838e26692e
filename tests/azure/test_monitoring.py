"""Issue 11 item 16: Application Insights on by default (function.application_insights), workspace-based (a Log
Analytics workspace in the same group), connected through APPLICATIONINSIGHTS_CONNECTION_STRING, masked wherever
the wizard writes or logs, and removed with the group."""

from __future__ import annotations

import logging

from tests.azure.deploying import LogCapture, deploy, written_text
from wizard import deployment
from wizard.profile import Profile
from wizard.targets.azure.target import AzureTarget


def _puts(arm, suffix):
    return [r for r in arm.requests("PUT") if r.lower_path.endswith(suffix.lower())]


def test_on_by_default_in_the_profile():
    assert Profile().function.application_insights is True


def test_application_insights_is_created_connected_and_masked(arm, credential, managed_profile):
    capture = LogCapture()
    root = logging.getLogger()
    old = root.level
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    try:
        result = deploy(managed_profile, credential)
    finally:
        root.removeHandler(capture)
        root.setLevel(old)
    assert result.outcome.ok, result.failed_sentences

    (workspace,) = _puts(arm, "/providers/microsoft.operationalinsights/workspaces/amr-app-logs")
    (component,) = _puts(arm, "/providers/microsoft.insights/components/amr-app-insights")
    assert "/resourcegroups/rg-amr/" in component.lower_path and "/resourcegroups/rg-amr/" in workspace.lower_path
    assert component.body["kind"] == "web"
    assert component.body["properties"]["Application_Type"] == "web"
    assert component.body["properties"]["WorkspaceResourceId"].lower().endswith("/microsoft.operationalinsights/workspaces/amr-app-logs")
    assert component.body["tags"]["created-by"] == "mlfunc-wizard"

    stored = next(r for k, r in arm.state.resources.items() if k.endswith("/components/amr-app-insights"))
    connection = stored["properties"]["ConnectionString"]
    settings = [r for r in arm.requests("PUT") if r.lower_path.endswith("amr-app/config/appsettings")][-1].body["properties"]
    assert settings["APPLICATIONINSIGHTS_CONNECTION_STRING"] == connection

    key = stored["properties"]["InstrumentationKey"]
    said = [e.message for e in result.events] + [str(getattr(e, "detail", "")) for e in result.events]
    said += [repr(getattr(e, "outputs", "")) for e in result.events] + capture.lines
    for line in said:
        assert key not in line, "the instrumentation key leaked into an event or a log line"
    for path, text in written_text().items():
        assert key not in text, f"the instrumentation key leaked into {path}"

    target = AzureTarget(credential=credential)
    assert "Microsoft.Insights/components/amr-app-insights" in target.resources(managed_profile)
    deployment.destroy(managed_profile, log=lambda line: None, credential=credential)
    assert not [k for k in arm.state.resources if "/components/" in k or "/workspaces/" in k]


def test_switched_off(arm, credential, managed_profile):
    managed_profile.function.application_insights = False
    result = deploy(managed_profile, credential)
    assert result.outcome.ok, result.failed_sentences
    assert not arm.requests("PUT", "microsoft.insights") and not arm.requests("PUT", "microsoft.operationalinsights")
    settings = [r for r in arm.requests("PUT") if r.lower_path.endswith("amr-app/config/appsettings")][-1].body["properties"]
    assert "APPLICATIONINSIGHTS_CONNECTION_STRING" not in settings
