"""Fault kinds added for issue 11, answered in place of the real response the first N times (ArmEmulator.inject).

- principal-not-found: 400 PrincipalNotFound, what a role assignment for a just-created managed identity gets
  until Entra ID replicates it (learn.microsoft.com/azure/role-based-access-control/troubleshooting, "Symptom -
  Assigning a role to a new principal sometimes fails").
- tasks-not-allowed: 400 TasksOperationsNotAllowed, ACR Tasks disabled for the subscription (free trial and some
  credit offers; learn.microsoft.com/azure/container-registry/container-registry-tasks-overview and
  Azure/acr#715)."""

from __future__ import annotations

from typing import Any, Callable

from tests.azure.arm_emulator.arm import Reply, error


def _principal_not_found(path: str, params: dict[str, Any]) -> Reply:
    return error(
        400,
        "PrincipalNotFound",
        "Principal 00000000000000000000000000000000 does not exist in the directory 00000000-0000-0000-0000-0000000000a1. "
        "Check that you have the correct principal ID. If you are creating this principal and then immediately assigning "
        "a role, this error might be related to a replication delay.",
    )


def _tasks_not_allowed(path: str, params: dict[str, Any]) -> Reply:
    parts = path.rstrip("/").split("/")
    name = parts[parts.index("registries") + 1] if "registries" in [p.lower() for p in parts] else "registry"
    return error(
        400,
        "TasksOperationsNotAllowed",
        f"ACR Tasks requests for the registry {name} are not permitted. Please file an Azure support request at "
        "http://aka.ms/azuresupport for assistance.",
    )


EXTRA_FAULTS: dict[str, Callable[[str, dict[str, Any]], Reply]] = {
    "principal-not-found": _principal_not_found,
    "tasks-not-allowed": _tasks_not_allowed,
}
