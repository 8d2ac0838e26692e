"""Fail-open result cache on Redis: MGET many rows, write back in one pipeline with SET EX ttl."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from .breaker import CircuitBreaker
from .redis_client import make_client
from .settings import RedisSettings

log = logging.getLogger(__name__)


class CacheUnavailable(Exception):
    """Redis was skipped or failed; the caller answers without the cache."""


class ResultCache:
    """Every Redis error becomes `CacheUnavailable` (logged as a warning, never raised to the client);
    a circuit breaker keeps a dead or slow Redis from costing a timeout on every request."""

    def __init__(
        self,
        settings: RedisSettings,
        breaker: CircuitBreaker,
        client_factory: Callable[[RedisSettings], Any] = make_client,
    ):
        self.settings = settings
        self.breaker = breaker
        self._factory = client_factory
        self._client: Any = None
        self._client_lock = threading.Lock()

    def _get_client(self) -> Any:
        if self._client is None:
            with self._client_lock:
                if self._client is None:
                    self._client = self._factory(self.settings)
        return self._client

    def _call(self, what: str, fn: Callable[[Any], Any]) -> Any:
        if not self.breaker.allow():
            raise CacheUnavailable("circuit open")
        try:
            result = fn(self._get_client())
        except Exception as exc:  # any client error: connection, timeout, auth, cluster, TLS
            self.breaker.record_failure()
            # Class and message only: redis-py messages carry host and port, never the password.
            log.warning("Redis %s failed on %s: %s: %s", what, self.settings.describe(), type(exc).__name__, exc)
            if self.settings.cluster:
                # A cluster client keeps a slot map that may be stale after a failure; rebuild it next time.
                self._reset_client()
            raise CacheUnavailable(str(exc)) from None
        self.breaker.record_success()
        return result

    def _reset_client(self) -> None:
        with self._client_lock:
            client, self._client = self._client, None
        if client is not None:
            try:
                client.close()
            except Exception:  # closing a broken client may fail too; nothing to do
                pass

    def get_many(self, keys: list[str]) -> list[bytes | None]:
        if not keys:
            return []
        if len(keys) == 1:
            # The usual one-row request: a plain GET (a cluster client routes it by slot) is
            # cheaper to send and parse than a one-element MGET.
            key = keys[0]
            return [self._call("GET", lambda c: c.get(key))]
        if self.settings.cluster:
            # Rows hash to different slots; mget_nonatomic splits the MGET per node.
            return self._call("MGET", lambda c: c.mget_nonatomic(keys))
        return self._call("MGET", lambda c: c.mget(keys))

    def set_many(self, items: dict[str, bytes], ttl_seconds: int) -> None:
        if not items:
            return

        def write(client: Any) -> None:
            pipe = client.pipeline(transaction=False)
            for key, value in items.items():
                pipe.set(key, value, ex=ttl_seconds)
            pipe.execute()

        self._call("SET", write)

    def ping(self) -> bool:
        """Reachability for /api/health: False when Redis fails or the breaker is open."""
        try:
            return bool(self._call("PING", lambda c: c.ping()))
        except CacheUnavailable:
            return False

    def close(self) -> None:
        self._reset_client()
