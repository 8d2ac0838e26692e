"""Issue 11 item 1: azure.tenant_id is honoured. The real credential chain runs (DefaultAzureCredential restricted
to the Azure CLI by AZURE_TOKEN_CREDENTIALS, so nothing probes managed identity) against a stand-in `az` on PATH
that prints a token of the tenant it is asked for; the emulator refuses a token from another tenant than the
subscription's with ARM's 401 InvalidAuthenticationTokenTenant."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest
import requests
from azure.core.exceptions import HttpResponseError

from tests.azure.arm_emulator import tenants
from wizard.profile import Profile
from wizard.targets.azure import api_versions, auth
from wizard.targets.azure.clients import AzureClients

OTHER_TENANT = "11111111-2222-3333-4444-555555555555"
OTHER_SUB = "00000000-0000-0000-0000-00000000b002"

# The stand-in answers `az account get-access-token --output json --resource R [--tenant T]` the way the Azure CLI
# does (fields per AZURE_NOTES), with a token the emulator reads as issued by T (or the home tenant), and logs
# the arguments it was called with.
AZ_SCRIPT = """#!{python}
import json, sys, time
args = sys.argv[1:]
with open({log!r}, "a") as fh:
    fh.write(json.dumps(args) + "\\n")
if args[:2] != ["account", "get-access-token"]:
    sys.exit("only get-access-token is emulated")
tenant = args[args.index("--tenant") + 1] if "--tenant" in args else {home!r}
expires = int(time.time()) + 3600
print(json.dumps({{"accessToken": "emu." + tenant + ".cli", "expiresOn": time.strftime("%Y-%m-%d %H:%M:%S.000000", time.localtime(expires)),
                  "expires_on": expires, "tenant": tenant, "tokenType": "Bearer"}}))
"""


@pytest.fixture
def stand_in_az(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "az-calls.jsonl"
    script = bin_dir / "az"
    script.write_text(AZ_SCRIPT.format(python=sys.executable, log=str(log), home=tenants.HOME_TENANT))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("AZURE_TOKEN_CREDENTIALS", "AzureCliCredential")  # the chain is the CLI only
    for name in ("AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET", "AZURE_FEDERATED_TOKEN_FILE", "IDENTITY_ENDPOINT", "MSI_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    return log


def calls(log: Path) -> list[list[str]]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


@pytest.fixture
def other_tenant_profile(arm) -> Profile:
    tenants.add_subscription(arm.state, OTHER_SUB, OTHER_TENANT)
    profile = Profile(name="tenant", target="azure")
    profile.azure.subscription_id = OTHER_SUB
    profile.azure.tenant_id = OTHER_TENANT
    profile.azure.location = "westeurope"
    profile.azure.cloud = "custom"
    profile.azure.arm_endpoint = arm.url
    profile.resource_group.name = "rg-tenant"
    return profile


def test_emulator_refuses_a_token_from_another_tenant(arm):
    tenants.add_subscription(arm.state, OTHER_SUB, OTHER_TENANT)
    url = f"{arm.url}/subscriptions/{OTHER_SUB}/resourcegroups/rg-x?api-version={api_versions.RESOURCES}"
    home = requests.get(url, headers={"Authorization": f"Bearer {tenants.token_for(tenants.HOME_TENANT)}"}, verify=str(arm.ca_file))
    assert home.status_code == 401 and home.json()["error"]["code"] == "InvalidAuthenticationTokenTenant"
    assert OTHER_TENANT in home.json()["error"]["message"] and "WWW-Authenticate" in home.headers
    right = requests.get(url, headers={"Authorization": f"Bearer {tenants.token_for(OTHER_TENANT)}"}, verify=str(arm.ca_file))
    assert right.status_code == 404  # past authentication: the group simply does not exist


@pytest.mark.parametrize("interactive", [False, True])
def test_the_profiles_tenant_reaches_the_cli_credential(arm, stand_in_az, other_tenant_profile, interactive):
    """interactive=True is the GUI/CLI chain (DefaultAzureCredential, then browser, then device code): the CLI
    answers first here, so neither fallback runs."""
    credential = auth.sign_in(other_tenant_profile, interactive=interactive)
    clients = AzureClients(other_tenant_profile, credential)
    from azure.mgmt.resource.resources.models import ResourceGroup

    group = clients.resource.resource_groups.create_or_update("rg-tenant", ResourceGroup(location="westeurope"))
    assert group.name == "rg-tenant"
    asked = calls(stand_in_az)
    assert asked and all(c[c.index("--tenant") + 1] == OTHER_TENANT for c in asked), asked


def test_without_a_tenant_the_home_tenant_is_used_and_arm_says_so(arm, stand_in_az, other_tenant_profile):
    other_tenant_profile.azure.tenant_id = ""
    credential = auth.sign_in(other_tenant_profile, interactive=False)
    clients = AzureClients(other_tenant_profile, credential)
    with pytest.raises(HttpResponseError) as raised:
        clients.resource.resource_groups.check_existence("rg-tenant")
    assert raised.value.status_code == 401
    assert all("--tenant" not in c for c in calls(stand_in_az))
