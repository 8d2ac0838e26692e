"""The function app's live log as `mlfunc-wizard logs` and the Test page's Logs panel follow it: one line type,
`--since` parsing and the scrubbing every line passes through. The sources live with their targets."""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass

from wizard.core.errors import InputError, WizardError
from wizard.i18n import _
from wizard.secrets import scrub

POLL_S = 0.1  # how often a followed file is looked at again; also the longest wait for a cancel to be seen


@dataclass(frozen=True)
class LogLine:
    time: float | None  # epoch seconds from the line's own timestamp (or its record's), None when it has none
    source: str  # "host.log", "container NAME", "logstream HOST"
    line: str  # one line, secrets masked, no line break

    def to_json(self) -> dict[str, object]:
        """`logs --output json`: {"time": ISO 8601 with offset or null, "source", "line"} (field names are stable)."""
        when = dt.datetime.fromtimestamp(self.time).astimezone().isoformat(timespec="milliseconds") if self.time else None
        return {"time": when, "source": self.source, "line": self.line}


class NoHistory(WizardError):
    """The source keeps no earlier lines (Azure's log stream), so `--since` or `--no-follow` cannot be served."""


def make_line(when: float | None, source: str, text: str) -> LogLine:
    """A line as shown: without its line break, every known or secret-shaped value masked."""
    return LogLine(when, source, scrub(text.rstrip("\r\n")))


_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
_UNIT_S = (86400, 3600, 60, 1)


def parse_since(text: str, now: float | None = None) -> float:
    """`--since` as epoch seconds: a duration back from now (`90s`, `10m`, `2h`, `1d`, `1h30m`) or a timestamp
    (`2026-12-01T10:00`, `2026-12-01 10:00:05`, with `Z` or an offset; without one it is local time, as the
    host log writes it). Anything else is an InputError saying what to write."""
    value = (text or "").strip()
    match = _DURATION.match(value.lower()) if value else None
    if match and any(match.groups()):
        seconds = sum(int(n) * unit for n, unit in zip(match.groups(), _UNIT_S, strict=True) if n)
        return (time.time() if now is None else now) - seconds
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise InputError(_("--since '{text}' is neither a duration (10m, 2h, 1d, 1h30m) nor a timestamp "
                           "(2026-12-01T10:00 or 2026-12-01 10:00:05); write one of those.").format(text=text)) from None
    return parsed.timestamp()  # a naive timestamp is local time

