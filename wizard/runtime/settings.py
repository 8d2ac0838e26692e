"""Runtime settings of the function app, read from app settings (environment) and the app manifest."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

MANIFEST_NAME = "mlfunc_app.json"
DEFAULT_TTL_SECONDS = 3600
DEFAULT_KEY_PREFIX = "mlfunc"
DEFAULT_TIMEOUT_MS = 100
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
DEFAULT_BREAKER_FAILURES = 3
DEFAULT_BREAKER_COOLDOWN_S = 5.0
DEFAULT_MODEL_LOAD_WAIT_S = 60.0  # how long a score call waits for the model at a cold start (Azure's front end allows 230 s)


@dataclass(frozen=True)
class RedisSettings:
    """Where the cache is and how to authenticate; never printed with the password."""

    host: str
    port: int
    ssl: bool
    password: str | None = field(default=None, repr=False)
    ca_file: str | None = None
    cluster: bool = False
    entra: bool = False
    client_id: str | None = None  # user-assigned managed identity; None = system-assigned
    timeout_s: float = DEFAULT_TIMEOUT_MS / 1000

    def describe(self) -> str:
        """Host, port and mode for log lines (no credentials)."""
        mode = "cluster" if self.cluster else "single"
        return f"{self.host}:{self.port} ({'TLS' if self.ssl else 'plain'}, {mode})"


@dataclass(frozen=True)
class RuntimeSettings:
    redis: RedisSettings | None  # None = cache disabled (no REDIS_HOST)
    ttl_seconds: int = DEFAULT_TTL_SECONDS
    key_prefix: str = DEFAULT_KEY_PREFIX
    timeout_ms: int = DEFAULT_TIMEOUT_MS
    model_name: str = "model"
    model_version: str = "0"
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    breaker_failures: int = DEFAULT_BREAKER_FAILURES
    breaker_cooldown_s: float = DEFAULT_BREAKER_COOLDOWN_S
    model_load_wait_s: float = DEFAULT_MODEL_LOAD_WAIT_S

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, app_dir: Path | None = None) -> RuntimeSettings:
        """Settings from `env` (default: os.environ); the manifest in `app_dir` gives model defaults."""
        env = os.environ if env is None else env
        manifest = read_manifest(app_dir) if app_dir is not None else {}
        timeout_ms = _int(env, "CACHE_TIMEOUT_MS", DEFAULT_TIMEOUT_MS, minimum=1)
        host = env.get("REDIS_HOST", "").strip()
        redis_settings = None
        if host:
            ssl = _bool(env, "REDIS_SSL", default=True)
            redis_settings = RedisSettings(
                host=host,
                port=_int(env, "REDIS_PORT", 6380 if ssl else 6379, minimum=1),
                ssl=ssl,
                password=env.get("REDIS_PASSWORD") or None,
                ca_file=env.get("REDIS_CA_FILE") or None,
                cluster=_bool(env, "REDIS_CLUSTER", default=False),
                entra=_bool(env, "REDIS_ENTRA", default=False),
                client_id=env.get("AZURE_CLIENT_ID") or None,
                timeout_s=timeout_ms / 1000,
            )
        return cls(
            redis=redis_settings,
            ttl_seconds=_int(env, "CACHE_TTL_SECONDS", DEFAULT_TTL_SECONDS, minimum=1),
            key_prefix=env.get("CACHE_KEY_PREFIX") or DEFAULT_KEY_PREFIX,
            timeout_ms=timeout_ms,
            model_name=env.get("MODEL_NAME") or str(manifest.get("model_name") or "model"),
            model_version=env.get("MODEL_VERSION") or str(manifest.get("model_version") or "0"),
            max_body_bytes=_int(env, "MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES, minimum=1),
            breaker_failures=_int(env, "CACHE_BREAKER_FAILURES", DEFAULT_BREAKER_FAILURES, minimum=1),
            breaker_cooldown_s=_float(env, "CACHE_BREAKER_COOLDOWN_S", DEFAULT_BREAKER_COOLDOWN_S),
            model_load_wait_s=_float(env, "MODEL_LOAD_WAIT_SECONDS", DEFAULT_MODEL_LOAD_WAIT_S),
        )


def read_manifest(app_dir: Path) -> dict:
    """The generator's `mlfunc_app.json` (model name, version, files); {} when absent."""
    path = Path(app_dir) / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("Ignoring unreadable %s: %s", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    return raw in ("1", "true", "yes", "on")


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        # A typo in an app setting must not take the app down; say so and use the default.
        log.warning("App setting %s=%r is not a whole number; using %s.", name, raw, default)
        return default
    return max(value, minimum)


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return max(float(raw), 0.0)
    except ValueError:
        log.warning("App setting %s=%r is not a number; using %s.", name, raw, default)
        return default
