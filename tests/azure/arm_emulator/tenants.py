"""Tenants of the emulated Azure: each token names the tenant that issued it, each subscription belongs to one
tenant, and ARM refuses a token from another tenant with 401 InvalidAuthenticationTokenTenant."""

from __future__ import annotations

import re
from typing import Any

from tests.azure.arm_emulator.arm import Reply

HOME_TENANT = "00000000-0000-0000-0000-0000000000a1"

_TOKEN = re.compile(r"^emu\.(?P<tenant>[0-9A-Za-z-]+)\.")
_SUBSCRIPTION = re.compile(r"^/subscriptions/(?P<sub>[^/]+)", re.IGNORECASE)


def token_for(tenant: str, serial: object = 0) -> str:
    """A bearer token the emulator reads as issued by `tenant` (test credentials and the stand-in `az` use it)."""
    return f"emu.{tenant}.{serial}"


def tenant_of(token: str) -> str:
    """The tenant a token was issued by; tokens that name none come from the home tenant."""
    match = _TOKEN.match(token)
    return match.group("tenant").lower() if match else HOME_TENANT


def add_subscription(state: Any, subscription_id: str, tenant: str) -> None:
    """Give the emulated Azure one more subscription, owned by `tenant` (forgotten by ArmEmulator.reset())."""
    state.groups.setdefault(subscription_id.lower(), {})
    if subscription_id not in state.subscriptions:
        state.subscriptions = (*state.subscriptions, subscription_id)
    _owners(state)[subscription_id.lower()] = tenant.lower()


def _owners(state: Any) -> dict[str, str]:
    return state.__dict__.setdefault("subscription_tenants", {})


def tenant_of_subscription(state: Any, subscription_id: str) -> str:
    return _owners(state).get(subscription_id.lower(), HOME_TENANT)


def refusal(state: Any, token: str, path: str) -> Reply | None:
    """ARM's 401 for a token whose tenant is not the subscription's (None when they match or no subscription).

    Body and header as ARM sends them (the message text is the one widely reported for this code, e.g.
    Azure/azure-cli issues; not checked against live Azure)."""
    match = _SUBSCRIPTION.match(path)
    if not match:
        return None
    wanted = tenant_of_subscription(state, match.group("sub"))
    got = tenant_of(token)
    if got == wanted:
        return None
    message = (
        f"The access token is from the wrong issuer 'https://sts.windows.net/{got}/'. It must match the tenant "
        f"'https://sts.windows.net/{wanted}/' associated with this subscription. Please use the authority (URL) "
        f"'https://login.windows.net/{wanted}' to get the token."
    )
    header = f'Bearer authorization_uri="https://login.windows.net/{wanted}", error="invalid_token", error_description="The access token is from the wrong issuer."'
    return Reply(401, {"error": {"code": "InvalidAuthenticationTokenTenant", "message": message}}, {"WWW-Authenticate": header})
