"""Per-state settings of the emulator rules added for issue 11 (items 5-7, 11, 12, 14-16): what a test tells the
emulated Azure (an unregistered provider, a SKU missing in a region, an exhausted quota, another cloud's registry
suffix, a single-PUT cap). One `Ext` per ArmState, created on first use, so `ArmEmulator.reset()` clears it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Ext:
    # ACR login servers are <name>.<suffix>: azurecr.io (public), azurecr.cn (China), azurecr.us (US Gov).
    acr_suffix: str = "azurecr.io"
    login_servers: dict[str, str] = field(default_factory=dict)  # registry name (lower) -> a test's own server
    # Put Blob caps a single PUT (5000 MiB on current service versions, 256 MiB on older ones); tests lower it.
    max_single_put: int = 5000 * 1024 * 1024
    blocks: dict[str, dict[str, bytes]] = field(default_factory=dict)  # blob -> uncommitted blocks by id
    unregistered: set[str] = field(default_factory=set)  # provider namespaces (lower) not registered
    skus_unavailable: set[tuple[str, str]] = field(default_factory=set)  # (plan tier lower, location lower)
    usage_limits: dict[tuple[str, str], int] = field(default_factory=dict)  # (location, usage name lower) -> limit


def ext(state_or_emulator: Any) -> Ext:
    """The Ext of an ArmState (or of an ArmEmulator's current state)."""
    state = getattr(state_or_emulator, "state", state_or_emulator)
    found = state.__dict__.get("_issue11_ext")
    if found is None:
        found = state.__dict__["_issue11_ext"] = Ext()
    return found
