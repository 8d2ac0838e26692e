"""Route templates as the Functions host (ASP.NET routing) reads them: `items/{id:int}`, `{*rest}`, `{x?}`.

A template becomes a case-insensitive regex plus, per parameter, the inline constraints it must meet; a value
that fails a constraint means "no match" (404), as on Azure. Unknown constraints are refused at start.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
_PARAMETER = re.compile(r"\{(\*?)([A-Za-z_][A-Za-z0-9_]*)((?::(?:[A-Za-z]+(?:\((?:[^()]|\([^()]*\))*\))?))*)(\??)\}")
_CONSTRAINT = re.compile(r":([A-Za-z]+)(?:\(((?:[^()]|\([^()]*\))*)\))?")
_INTEGER = re.compile(r"\s*[+-]?\d+\s*\Z")
_DECIMAL = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*\Z")
_ALPHA = re.compile(r"[A-Za-z]*\Z")


class RouteError(ValueError):
    """A route template the host cannot serve; the message is a sentence for the user."""


def _integer(low: int, high: int) -> Callable[[str], bool]:
    return lambda value: bool(_INTEGER.match(value)) and low <= int(value) <= high


def _is_decimal(value: str) -> bool:
    return bool(_DECIMAL.match(value))


def _is_guid(value: str) -> bool:
    text = value.strip()
    if text[:1] in "{(" and text[-1:] in "})":
        text = text[1:-1]
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return len(text) in (32, 36)


def _is_datetime(value: str) -> bool:
    try:
        datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        return False
    return True


def _number(argument: str, constraint: str, route: str) -> int:
    try:
        return int(argument.strip())
    except ValueError:
        raise RouteError(f"Route {route!r}: the constraint {constraint!r} needs whole numbers; fix the route.") from None


def _check_for(name: str, argument: str | None, route: str) -> Callable[[str], bool]:
    """The test for one inline constraint (names as in ASP.NET Core's route constraint table)."""
    lowered = name.lower()
    simple: dict[str, Callable[[str], bool]] = {
        "int": _integer(*INT32),
        "long": _integer(*INT64),
        "bool": lambda v: v.strip().lower() in ("true", "false"),
        "alpha": lambda v: bool(_ALPHA.match(v)),
        "guid": _is_guid,
        "float": _is_decimal,
        "double": _is_decimal,
        "decimal": _is_decimal,
        "datetime": _is_datetime,
    }
    if lowered in simple:
        return simple[lowered]
    if argument is None and lowered != "required":
        raise RouteError(f"Route {route!r} uses the constraint {name!r}, which the Functions host does not know; use int, long, bool, alpha, guid, float, double, decimal, datetime, min, max, range, length, minlength, maxlength or regex.")
    if lowered == "required":
        return lambda v: v != ""
    assert argument is not None
    spec = f"{name}({argument})"
    if lowered == "regex":
        try:
            pattern = re.compile(argument, re.IGNORECASE)
        except re.error as exc:
            raise RouteError(f"Route {route!r}: the regex {argument!r} does not compile ({exc}); fix the route.") from None
        return lambda v: pattern.search(v) is not None
    parts = [_number(p, spec, route) for p in argument.split(",")]
    if lowered in ("min", "max") and len(parts) == 1:
        bound = parts[0]
        inside: Callable[[int], bool] = (lambda n: n >= bound) if lowered == "min" else (lambda n: n <= bound)
        return lambda v: bool(_INTEGER.match(v)) and inside(int(v))
    if lowered == "range" and len(parts) == 2:
        return _integer(parts[0], parts[1])
    if lowered in ("minlength", "maxlength") and len(parts) == 1:
        size = parts[0]
        return (lambda v: len(v) >= size) if lowered == "minlength" else (lambda v: len(v) <= size)
    if lowered == "length" and len(parts) in (1, 2):
        low, high = (parts[0], parts[0]) if len(parts) == 1 else (parts[0], parts[1])
        return lambda v: low <= len(v) <= high
    raise RouteError(f"Route {route!r} uses the constraint {spec!r}, which the Functions host does not know; fix the route.")


@dataclass(frozen=True)
class RouteTemplate:
    """A parsed route: a regex for the path and the constraint checks of its parameters."""

    pattern: re.Pattern[str]
    checks: tuple[tuple[str, tuple[Callable[[str], bool], ...]], ...]

    def match(self, path: str) -> dict[str, str] | None:
        found = self.pattern.match(path)
        if found is None:
            return None
        values = {k: v for k, v in found.groupdict().items() if v is not None}
        for name, tests in self.checks:
            value = values.get(name)
            if value is not None and not all(test(value) for test in tests):
                return None
        return values


def parse_route(route: str) -> RouteTemplate | None:
    """Route template -> RouteTemplate; None when the route has no parameters (matched by dictionary)."""
    if "{" not in route:
        return None
    parts: list[str] = []
    checks: list[tuple[str, tuple[Callable[[str], bool], ...]]] = []
    position = 0
    literals: list[str] = []
    for match in _PARAMETER.finditer(route):
        literals.append(route[position : match.start()])
        parts.append(re.escape(literals[-1]))
        catch_all, name, constraints, optional = match.groups()
        body = ".*" if catch_all else "[^/]+"
        parts.append(f"(?P<{name}>{body}){'?' if optional else ''}")
        tests = tuple(_check_for(c.group(1), c.group(2), route) for c in _CONSTRAINT.finditer(constraints))
        if tests:
            checks.append((name, tests))
        position = match.end()
    rest = route[position:]
    if any("{" in text or "}" in text for text in (*literals, rest)):
        raise RouteError(f"Route {route!r} has a parameter the host cannot read; write parameters as {{name}} or {{name:constraint}}.")
    parts.append(re.escape(rest))
    return RouteTemplate(re.compile("".join(parts) + "/?\\Z", re.IGNORECASE), tuple(checks))
