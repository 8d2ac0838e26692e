"""Placeholder: the functions host's own status (Service Bus binding checks) is added with issue 11 item 5."""

from __future__ import annotations

from typing import Any

PROVIDERS: dict[str, tuple[str, str]] = {}


def route(state: Any, method: str, path: str, query: dict[str, str]) -> Any:
    return None
