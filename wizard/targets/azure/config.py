"""Where and how the Azure SDK clients talk: the cloud's endpoints, the CA bundle, retry and polling settings.

Clouds themselves (`Cloud`, `cloud_for`) are defined in auth.py, next to sign-in; they are re-exported here so
configuration has one import point."""

from __future__ import annotations

import os
from typing import Any

from wizard.targets.azure import api_versions
from wizard.targets.azure.auth import CLOUDS, Cloud, cloud_for

__all__ = ["ACR_TASKS_API_VERSION", "CLOUDS", "Cloud", "cloud_for", "client_options", "polling_interval", "verify_setting"]

# ACR Tasks (schedule_run, runs, source upload) only exist in the 2019-06-01-preview API of this SDK.
ACR_TASKS_API_VERSION = api_versions.ACR_TASKS


def client_options(cloud: Cloud) -> dict[str, Any]:
    """Keyword arguments every SDK client gets: the cloud's endpoint and scope, the CA bundle, polling speed.

    The SDK's own retry policy handles short blips (3 tries); longer trouble surfaces as TransientError
    and the engine retries the whole step."""
    options: dict[str, Any] = {
        "base_url": cloud.arm_endpoint,
        "credential_scopes": [cloud.scope],
        "retry_total": 3,
        "retry_backoff_factor": float(os.environ.get("MLFUNC_WIZARD_RETRY_BACKOFF", "0.8")),
    }
    ca_bundle = os.environ.get("MLFUNC_WIZARD_CA_BUNDLE")
    if ca_bundle:
        options["connection_verify"] = ca_bundle
    interval = os.environ.get("MLFUNC_WIZARD_POLLING_INTERVAL")
    if interval is not None and interval != "":
        options["polling_interval"] = float(interval)
    return options


def polling_interval() -> float:
    """Seconds between our own status polls (build runs, host keys); 0 in tests."""
    value = os.environ.get("MLFUNC_WIZARD_POLLING_INTERVAL") or ""
    return float(value) if value else 5.0


def verify_setting() -> str | bool:
    """What plain HTTP calls (source upload, build logs, warm-up) pass as `verify`."""
    return os.environ.get("MLFUNC_WIZARD_CA_BUNDLE") or True
