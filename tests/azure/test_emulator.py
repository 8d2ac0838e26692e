"""The ARM emulator on its own (`python -m tests.azure.arm_emulator`), spoken to with plain HTTPS: what ARM
does with bad requests, case-insensitive paths, idempotent PUTs and LRO headers."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def standalone():
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.azure.arm_emulator", "--port", "0"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        url = ca = sub = None
        for _ in range(3):
            line = process.stdout.readline()
            if m := re.search(r"listening on (https://\S+)", line):
                url = m.group(1)
            if m := re.search(r"CA certificate: (\S+)", line):
                ca = m.group(1)
            if m := re.search(r"Subscription: (\S+);", line):
                sub = m.group(1)
        assert url and ca and sub, "the emulator did not announce itself"
        yield url, ca, sub
    finally:
        process.terminate()  # by PID; SIGTERM makes it stop the server and exit
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


def test_standalone_emulator_behaves_like_arm(standalone):
    url, ca, sub = standalone
    auth = {"Authorization": "Bearer anything"}
    group = f"{url}/subscriptions/{sub}/resourcegroups/rg-x"

    missing_version = requests.get(group, headers=auth, verify=ca)
    assert missing_version.status_code == 400
    assert missing_version.json()["error"]["code"] == "MissingApiVersionParameter"

    no_token = requests.get(group + "?api-version=2025-04-01", verify=ca)
    assert no_token.status_code == 401 and no_token.json()["error"]["code"] == "AuthenticationFailed"

    created = requests.put(group + "?api-version=2025-04-01", json={"location": "westeurope"}, headers=auth, verify=ca)
    again = requests.put(group.replace("resourcegroups", "resourceGroups").replace("rg-x", "RG-X") + "?api-version=2025-04-01",
                         json={"location": "westeurope"}, headers=auth, verify=ca)
    assert (created.status_code, again.status_code) == (201, 200)  # idempotent, case-insensitive

    cache = f"{url}/subscriptions/{sub}/resourceGroups/rg-x/providers/Microsoft.Cache/Redis/c1?api-version=2024-11-01"
    body = {"location": "westeurope", "properties": {"sku": {"name": "Basic", "family": "C", "capacity": 0}}}
    answer = requests.put(cache, json=body, headers=auth, verify=ca)
    assert answer.status_code == 201 and "Azure-AsyncOperation" in answer.headers
    assert answer.json()["properties"]["provisioningState"] == "Creating"
    busy = requests.put(cache, json=body, headers=auth, verify=ca)
    assert busy.status_code == 409  # ARM refuses a second PUT while the first one runs
    statuses = [requests.get(answer.headers["Azure-AsyncOperation"], headers=auth, verify=ca).json()["status"] for _ in range(2)]
    assert statuses == ["InProgress", "Succeeded"]
    keys = requests.post(cache.replace("/c1?", "/c1/listKeys?"), headers=auth, verify=ca).json()
    assert set(keys) == {"primaryKey", "secondaryKey"}

    storage = f"{url}/subscriptions/{sub}/resourceGroups/rg-x/providers/Microsoft.Storage/storageAccounts/stor1?api-version=2025-06-01"
    accepted = requests.put(storage, json={"location": "westeurope", "kind": "StorageV2", "sku": {"name": "Standard_LRS"}}, headers=auth, verify=ca)
    assert accepted.status_code == 202 and accepted.text == ""
    first = requests.get(accepted.headers["Location"], headers=auth, verify=ca)
    assert first.status_code == 202
    final = requests.get(first.headers["Location"], headers=auth, verify=ca)
    assert final.status_code == 200 and final.json()["name"] == "stor1"  # the final body IS the resource


def test_fault_injection_in_process(arm):
    arm.inject("GET", r"/resourcegroups/rg-y$", "throttle", retry_after=3)
    auth = {"Authorization": "Bearer t"}
    url = f"{arm.url}/subscriptions/{arm.subscription_id}/resourcegroups/rg-y?api-version=2025-04-01"
    throttled = requests.get(url, headers=auth, verify=str(arm.ca_file))
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "3"
    assert requests.get(url, headers=auth, verify=str(arm.ca_file)).status_code == 404  # only once
    arm.inject("GET", r"/resourcegroups/rg-y$", "drop")
    with pytest.raises(requests.ConnectionError):
        requests.get(url, headers=auth, verify=str(arm.ca_file))
    arm.inject("GET", r"/resourcegroups/rg-y$", "token-expired")
    assert requests.get(url, headers=auth, verify=str(arm.ca_file)).json()["error"]["code"] == "ExpiredAuthenticationToken"
    assert requests.get(url, headers=auth, verify=str(arm.ca_file)).status_code == 401  # that token stays dead
    assert requests.get(url, headers={"Authorization": "Bearer fresh"}, verify=str(arm.ca_file)).status_code == 404
