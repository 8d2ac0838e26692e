"""Issue 15 item 3: the exported ARM template deploys through the emulator's deployments endpoint to the same request
bodies the wizard's own deploy sends; no secret literal in the template or the `az` script."""

from __future__ import annotations

import json
import re

import pytest
from azure.mgmt.resource.resources.models import Deployment, DeploymentProperties

from tests.azure.deploying import deploy
from wizard.targets.azure.clients import AzureClients
from wizard.targets.azure.export import arm_template

# Paths of what the wizard's deploy PUTs that a resource-group template does not (the group itself) or says in
# the site's body instead (the image-pull switch through config/web).
NOT_IN_TEMPLATE = re.compile(r"/resourcegroups/[^/]+$|/config/web$", re.IGNORECASE)
KEY_TOKEN = re.compile(r"[A-Za-z0-9+/]{32,}={0,2}")
# A literal after the key's name; a template function ('...) or a shell variable ($...) is fine.
LITERAL_KEY = re.compile(r"AccountKey=[^;'\"\]$]|InstrumentationKey=[0-9a-f-]{8}|Password=[^'\"\]$]")


def key_shaped(text: str) -> list[str]:
    """Base64-looking runs with digits and both cases (a resource path has no digits in such a run), and
    connection-string keys written out."""
    found = [m.group() for m in KEY_TOKEN.finditer(text)
             if re.search(r"\d", m.group()) and re.search(r"[A-Z]", m.group()) and re.search(r"[a-z]", m.group())]
    return found + [m.group() for m in LITERAL_KEY.finditer(text)]


def _resource_puts(records) -> dict[str, dict]:
    """Last PUT body per resource path (role assignments by their scope: their names are derived differently)."""
    out = {}
    for r in records:
        path = r.path.lower()
        if r.status >= 400 or not isinstance(r.body, dict) or "/providers/" not in path or NOT_IN_TEMPLATE.search(path):
            continue
        if "/microsoft.resources/deployments/" in path or "/_blob/" in path or "scheduleRun".lower() in path:
            continue
        if "/roleassignments/" in path:
            path = path.rsplit("/", 1)[0]
        out[path] = r.body
    return out


def _normalised(body: dict, secrets: set[str], principals: set[str]) -> dict:
    text = json.dumps(body, sort_keys=True)
    for value in sorted(secrets | principals, key=len, reverse=True):
        if value:
            text = text.replace(value, "<secret>" if value in secrets else "<principal>")
    return json.loads(text)


def _principals(arm) -> set[str]:
    return {str((r.get("identity") or {}).get("principalId")) for r in arm.state.resources.values() if (r.get("identity") or {}).get("principalId")}


def _insights_secrets(arm) -> set[str]:
    out = set()
    for r in arm.state.resources.values():
        props = r.get("properties") or {}
        for key in ("ConnectionString", "InstrumentationKey"):
            if props.get(key):
                out.add(str(props[key]))
    return out


@pytest.fixture
def pushed_profile(premium_profile):
    """The "docker" route with a full image reference outside the subscription: no registry, anonymous pull."""
    premium_profile.function.packaging = "docker"
    premium_profile.function.registry = "ghcr.io/example/prem-app:1"
    premium_profile.cache.authentication = "entra"
    return premium_profile


@pytest.mark.parametrize("which", ["premium_profile", "managed_profile", "pushed_profile"])
def test_exported_template_deploys_to_the_same_bodies_as_the_wizard(arm, credential, request, which):
    profile = request.getfixturevalue(which)
    result = deploy(profile, credential)
    assert result.outcome.ok, result.failed_sentences
    image = result.outcome.outputs["package"]["image"]
    wizard_puts = _resource_puts(arm.requests("PUT"))
    wizard_secrets = arm.secrets | _insights_secrets(arm)
    wizard_principals = _principals(arm)

    template = arm_template(profile, image=image)
    text = json.dumps(template)
    for secret in wizard_secrets:
        assert secret not in text
    assert key_shaped(text) == []

    # A fresh Azure: the group exists (a resource-group deployment needs it), then the template goes in.
    arm.reset()
    clients = AzureClients(profile, credential)
    clients.resource.resource_groups.create_or_update(profile.resource_group.name, {"location": profile.azure.location})
    arm.reset_records()
    poller = clients.resource.deployments.begin_create_or_update(
        profile.resource_group.name, "azuredeploy",
        Deployment(properties=DeploymentProperties(mode="Incremental", template=template, parameters={})),
    )
    done = poller.result()
    assert done.properties.provisioning_state == "Succeeded"
    assert done.properties.outputs["functionAppHostName"]["value"]
    assert arm.requests("PUT", "/deployments/azuredeploy")[0].status == 201
    assert arm.requests("GET", "/deployments/azuredeploy/operationstatuses/")  # polled as ARM's long-running PUT

    applied = {}
    for entry in arm.state.deployment_requests:
        path = entry["path"].lower()
        if "/roleassignments/" in path:
            path = path.rsplit("/", 1)[0]
        applied[path] = entry["body"]
    template_secrets = arm.secrets | _insights_secrets(arm)
    template_principals = _principals(arm)

    assert sorted(applied) == sorted(wizard_puts)
    for path, body in wizard_puts.items():
        mine = _normalised(body, wizard_secrets, wizard_principals)
        theirs = _normalised(applied[path], template_secrets, template_principals)
        assert theirs == mine, path


# --- dependsOn follows the plan's needs ---------------------------------------------------------------------

STEP_OF_TYPE = {
    "microsoft.storage/storageaccounts": "storage",
    "microsoft.cache/redis": "cache",
    "microsoft.cache/redisenterprise": "cache",
    "microsoft.cache/redisenterprise/databases": "cache",
    "microsoft.containerregistry/registries": "registry",
    "microsoft.web/serverfarms": "plan",
    "microsoft.web/sites": "function-app",
    "microsoft.authorization/roleassignments": "registry-access",
    "microsoft.cache/redis/accesspolicyassignments": "cache-access",
    "microsoft.cache/redisenterprise/databases/accesspolicyassignments": "cache-access",
    "microsoft.web/sites/config": "app-settings",
    "microsoft.operationalinsights/workspaces": "monitoring",
    "microsoft.insights/components": "monitoring",
}


def _template_edges(template: dict) -> tuple[dict[str, str], dict[str, set[str]]]:
    """(resource id -> its step, resource id -> the ids it dependsOn), ids resolved with the emulator's evaluator."""
    from tests.azure.arm_emulator.deployments import Evaluator, resource_id

    params = {k: v["defaultValue"] for k, v in template["parameters"].items()}
    ev = Evaluator(None, "S", "G", params, {}, call=None)  # type: ignore[arg-type] - no provider calls here
    prefix = "/subscriptions/S/resourceGroups/G"
    step, deps = {}, {}
    for r in template["resources"]:
        names = str(ev.value(r["name"])).split("/")
        scope = prefix if not r.get("scope") else f"{prefix}/providers/{ev.value(r['scope'])}"
        rid = resource_id(scope, r["type"], names).lower()
        step[rid] = STEP_OF_TYPE[r["type"].lower()]
        deps[rid] = {str(ev.value(d)).lower() for d in r.get("dependsOn") or []}
    return step, deps


@pytest.mark.parametrize("which", ["premium_profile", "managed_profile", "pushed_profile"])
def test_depends_on_matches_the_plan_needs(request, which, monkeypatch):
    from wizard.targets.azure.target import AzureTarget

    profile = request.getfixturevalue(which)
    steps = {s.name: set(s.needs) for s in AzureTarget(credential=object()).steps(profile)}  # type: ignore[arg-type]

    def closure(name: str) -> set[str]:
        seen, todo = set(), list(steps[name])
        while todo:
            n = todo.pop()
            if n not in seen:
                seen.add(n)
                todo += list(steps.get(n, ()))
        return seen

    step, deps = _template_edges(arm_template(profile, image="reg.azurecr.io/app:1"))
    for rid, needed in deps.items():
        for dep in needed:
            assert dep in step, f"{rid} depends on {dep}, which the template does not create"
            assert step[dep] == step[rid] or step[dep] in closure(step[rid]), (rid, dep)
    # Every need between steps the template creates is an edge (direct or through the same step's resources).
    created = set(step.values())
    for rid, name in step.items():
        reach, todo = set(), [rid]
        while todo:
            for d in deps[todo.pop()]:
                if d not in reach:
                    reach.add(d)
                    todo.append(d)
        reached_steps = {step[d] for d in reach} | {name}
        for need in steps[name]:
            if need in created and need != name:
                assert need in reached_steps, f"{rid} ({name}) needs {need} but does not depend on it"


def test_export_says_what_it_does_not_cover(premium_profile):
    from wizard.core.errors import WizardError

    premium_profile.cache.connectivity = "private-endpoint"
    with pytest.raises(WizardError, match="does not cover cache connectivity"):
        arm_template(premium_profile)


def test_template_deployment_meets_the_emulators_rules(arm, credential, managed_profile):
    """A parameter that breaks a rule (a storage name too short) fails the deployment with ARM's error, as the
    resource's own PUT would: the template goes through the same checks as the SDK's requests."""
    from azure.core.exceptions import HttpResponseError

    template = arm_template(managed_profile, image="reg.azurecr.io/app:1")
    clients = AzureClients(managed_profile, credential)
    clients.resource.resource_groups.create_or_update(managed_profile.resource_group.name, {"location": "westeurope"})
    with pytest.raises(HttpResponseError) as caught:
        clients.resource.deployments.begin_create_or_update(
            managed_profile.resource_group.name, "bad",
            Deployment(properties=DeploymentProperties(mode="Incremental", template=template,
                                                       parameters={"storageAccountName": {"value": "ab"}})),
        ).result()
    assert "DeploymentFailed" in str(caught.value) and "AccountNameInvalid" in str(caught.value)
    assert not [r for r in arm.state.resources if "/microsoft.web/" in r]  # nothing after the failed resource


def test_sku_parameters_allow_only_skus_the_body_fits(arm, credential, premium_profile):
    """The classic cache's family and the plan's tier come from the SKU the body was built for: a P SKU cache
    cannot become Standard, a B1 plan only B2/B3 (ARM refuses other values before creating anything)."""
    from azure.core.exceptions import HttpResponseError

    template = arm_template(premium_profile, image="reg.azurecr.io/app:1")
    assert template["parameters"]["cacheSku"]["allowedValues"] == ["Premium"]
    assert template["parameters"]["planSku"]["allowedValues"] == ["B1", "B2", "B3"]
    clients = AzureClients(premium_profile, credential)
    clients.resource.resource_groups.create_or_update(premium_profile.resource_group.name, {"location": "westeurope"})
    with pytest.raises(HttpResponseError, match="not part of the allowed value"):
        clients.resource.deployments.begin_create_or_update(
            premium_profile.resource_group.name, "bad",
            Deployment(properties=DeploymentProperties(mode="Incremental", template=template,
                                                       parameters={"planSku": {"value": "EP1"}})),
        ).result()
    assert not [r for r in arm.state.resources if "/providers/" in r]
