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


@pytest.mark.parametrize("which", ["premium_profile", "managed_profile"])
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
