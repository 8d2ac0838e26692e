"""A registry's loginServer as ACR reports it: <name>.<cloud suffix> (azurecr.io public, azurecr.cn China,
azurecr.us US Government; learn.microsoft.com/azure/china/resources-developer-guide and
learn.microsoft.com/azure/azure-government/documentation-government-services-containers), unless a test supplies
its own (a real local registry for the container tests)."""

from __future__ import annotations

from typing import Any

from tests.azure.arm_emulator.ext import ext


def login_server(state: Any, name: str) -> str:
    settings = ext(state)
    return settings.login_servers.get(name.lower()) or f"{name.lower()}.{settings.acr_suffix}"
