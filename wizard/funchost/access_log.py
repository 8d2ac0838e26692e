"""What the host writes to host.log: one access line per request (keys masked, control characters escaped)
and a formatter that masks the host's registered secrets anywhere in any log line."""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TextIO
from urllib.parse import unquote_plus

access_log = logging.getLogger("mlfunc.host.access")

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# App settings whose values are secrets, by the names Azure and the generated app use for them.
_SECRET_SETTING = re.compile(r"(?i)(password|secret|token|connection_?string|(^|_)(access_?|account_?|function_?|master_?)?key)$")
_ACCOUNT_KEY = re.compile(r"(?i)(?:AccountKey|SharedAccessKey|SharedAccessSignature|sig)=([^;&\s]+)")
MASK = "***"
MIN_SECRET_LENGTH = 6  # shorter values would mask ordinary words


def escape_controls(text: str) -> str:
    """Newlines, escapes and other control characters as visible `\\n`/`\\x1b`, so one request is one line."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: _NAMED.get(m.group(), f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}"), text)


def mask_query(query: str) -> str:
    """The query string with the value of `code` hidden, whatever its spelling (`cod%65`, `CODE`, `c%6Fde`):
    names are compared decoded, as the host reads them when it checks the key."""
    if not query:
        return query
    pieces = query.split("&")
    for index, piece in enumerate(pieces):
        name, sep, _value = piece.partition("=")
        if sep and unquote_plus(name).strip().lower() == "code":
            pieces[index] = f"{name}={MASK}"
    return "&".join(pieces)


def _spelling_pattern(secret: str) -> str:
    """A regex matching the secret with any of its characters percent-encoded (either case) or '+' for space."""
    parts = []
    for char in secret:
        encoded = "".join("%" + "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in f"{b:02X}") for b in char.encode("utf-8"))
        options = [re.escape(char), encoded] + ([r"\+"] if char == " " else [])
        parts.append("(?:" + "|".join(options) + ")")
    return "".join(parts)


def secrets_from_environment(environ: Mapping[str, str] | None = None) -> list[str]:
    """The values of the host's own keys and of secret-looking app settings (passwords, account keys)."""
    env = os.environ if environ is None else environ
    found = []
    for name, value in env.items():
        if _SECRET_SETTING.search(name) and len(value) >= MIN_SECRET_LENGTH:
            found.append(value)
        found.extend(m.group(1) for m in _ACCOUNT_KEY.finditer(value) if len(m.group(1)) >= MIN_SECRET_LENGTH)
    return found


class SecretMasker:
    """Hides every registered secret, also percent-encoded, anywhere in a text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self._longest_first: list[str] = []
        self._pattern: re.Pattern[str] | None = None
        self.register(secrets)

    def register(self, secrets: Iterable[str]) -> None:
        self._secrets |= {s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}
        self._longest_first = sorted(self._secrets, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(_spelling_pattern, self._longest_first))) if self._longest_first else None

    def mask(self, text: str) -> str:
        if self._pattern is None:
            return text
        if "%" in text or "+" in text:  # an encoded spelling is possible: the full pattern
            return self._pattern.sub(MASK, text)
        for secret in self._longest_first:  # the common line: plain substring checks are enough
            if secret in text:
                text = text.replace(secret, MASK)
        return text


class MaskingFormatter(logging.Formatter):
    """Formats as usual, then masks the registered secrets."""

    def __init__(self, fmt: str, masker: SecretMasker) -> None:
        super().__init__(fmt)
        self.masker = masker

    def format(self, record: logging.LogRecord) -> str:
        return self.masker.mask(super().format(record))


class MaskingStream:
    """sys.stdout / sys.stderr for everything that bypasses logging (print(), thread tracebacks, warnings):
    the same secrets are masked before the text reaches host.log. (A secret split across two writes of a
    print is not caught; logging, the usual path, formats whole lines.)"""

    def __init__(self, stream: TextIO, masker: SecretMasker) -> None:
        self._stream = stream
        self._masker = masker

    def write(self, text: str) -> int:
        self._stream.write(self._masker.mask(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, fileno, encoding, isatty, buffer ...
        return getattr(self._stream, name)


class AccessLog:
    """ASGI middleware: one log line per request; `code` masked, control characters escaped."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http" or not access_log.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [500]

        async def send_and_note(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            query = mask_query(scope.get("query_string", b"").decode("latin-1"))
            target = scope["path"] + (f"?{query}" if query else "")
            access_log.info(
                '%s "%s %s" %d %.1fms %s',
                escape_controls(str((scope.get("client") or ("-",))[0])),
                escape_controls(scope["method"]),
                escape_controls(target),
                status[0],
                (time.perf_counter() - started) * 1000,
                escape_controls(str(scope.get("mlfunc.function", "-"))),
            )
