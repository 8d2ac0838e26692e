"""Function-key checks of the local functions host, done the way the Azure Functions host does them.

Imports only the standard library (the host runs inside the function app's interpreter).
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass

ANONYMOUS = "anonymous"
FUNCTION = "function"
ADMIN = "admin"
AUTH_LEVELS = (ANONYMOUS, FUNCTION, ADMIN)

FUNCTION_KEY_ENV = "MLFUNC_FUNCTION_KEY"
MASTER_KEY_ENV = "MLFUNC_MASTER_KEY"


@dataclass(frozen=True)
class KeyRing:
    """The keys this host accepts; empty strings mean "no such key configured"."""

    function_key: str = ""
    master_key: str = ""

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> KeyRing:
        env = os.environ if environ is None else environ
        return cls(function_key=env.get(FUNCTION_KEY_ENV, ""), master_key=env.get(MASTER_KEY_ENV, ""))

    def allows(self, level: str, presented: str | None) -> bool:
        """True when a request presenting `presented` may call a function of auth level `level`.

        As on Azure: anonymous needs nothing; function accepts the function key or the master
        key; admin accepts only the master key. A key that is not configured never matches.
        """
        if level == ANONYMOUS:
            return True
        if not presented:
            return False
        if _same(presented, self.master_key):
            return True
        return level == FUNCTION and _same(presented, self.function_key)


def _same(presented: str, expected: str) -> bool:
    # Constant-time comparison, so response timing does not leak how much of a key was right.
    return bool(expected) and hmac.compare_digest(presented.encode(), expected.encode())


def presented_key(query_params: Mapping[str, str], headers: Mapping[str, str]) -> str | None:
    """The key a request carries: the `x-functions-key` header wins over `?code=`, as on Azure (whose query
    names are case-insensitive: `?CODE=` counts too)."""
    presented = headers.get("x-functions-key") or query_params.get("code")
    if not presented:
        presented = next((value for name, value in query_params.items() if name.lower() == "code" and value), None)
    return presented or None
