"""Masking of secrets (keys, passwords, connection strings) in everything shown or written."""

from __future__ import annotations

import logging
import re
import threading

# Shapes of secrets that may appear inside larger text even when we never registered them.
_PATTERNS = [
    re.compile(r"(AccountKey=)([^;\s\"']+)", re.IGNORECASE),
    re.compile(r"(SharedAccessKey=)([^;\s\"']+)", re.IGNORECASE),
    re.compile(r"(password=)([^,;\s\"']+)", re.IGNORECASE),
    re.compile(r"([?&]code=)([^&\s\"']+)", re.IGNORECASE),
    re.compile(r"(x-functions-key:\s*)(\S+)", re.IGNORECASE),
    re.compile(r"(rediss?://[^:/@\s]*:)([^@\s]+)(@)", re.IGNORECASE),
    re.compile(r"(Authorization:\s*Bearer\s+)(\S+)", re.IGNORECASE),
]


def mask(secret: str) -> str:
    """`abcd…wxyz` for long secrets, `…` for short ones: enough to recognise, never to use."""
    if len(secret) >= 16:
        return f"{secret[:4]}…{secret[-4:]}"
    return "…"


class SecretRegistry:
    """Secrets known to this process; `scrub()` replaces each of them wherever it appears."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._secrets: set[str] = set()

    def add(self, secret: str | None) -> str | None:
        # Very short values (e.g. "1") would mask ordinary text; real keys are long.
        if secret and len(secret) >= 8:
            with self._lock:
                self._secrets.add(secret)
        return secret

    def scrub(self, text: str) -> str:
        with self._lock:
            known = sorted(self._secrets, key=len, reverse=True)
        for secret in known:
            if secret in text:
                text = text.replace(secret, mask(secret))
        for pattern in _PATTERNS:
            text = pattern.sub(lambda m: m.group(1) + mask(m.group(2)) + (m.group(3) if m.lastindex == 3 else ""), text)
        return text


# One registry per process: every log handler, event sink and journal writer scrubs through it.
registry = SecretRegistry()


def scrub(text: str) -> str:
    return registry.scrub(text)


class ScrubbingFilter(logging.Filter):
    """Masks secrets in every record a handler emits (library loggers included, e.g. urllib3's URLs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


def install_log_scrubbing(logger: logging.Logger | None = None) -> None:
    """Attach the filter to every handler of `logger` (default: root), once."""
    for handler in (logger or logging.getLogger()).handlers:
        if not any(isinstance(f, ScrubbingFilter) for f in handler.filters):
            handler.addFilter(ScrubbingFilter())
