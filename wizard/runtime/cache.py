"""Fail-open result cache on Redis: MGET many rows, write back in one pipeline with SET EX ttl."""

from __future__ import annotations

import contextlib
import logging
import threading
import weakref
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
        self._client: Any = None  # the shared cluster client
        self._client_lock = threading.Lock()
        # One client with its own connection per thread (single server): no pool lock and no per-command
        # "is there stray data?" check on a shared pool; a thread's client goes when the thread does.
        self._local = threading.local()
        self._thread_clients: weakref.WeakSet[Any] = weakref.WeakSet()

    def _get_client(self) -> Any:
        if not self.settings.cluster:
            client = getattr(self._local, "client", None)
            if client is None:
                client = self._factory(self.settings)
                self._local.client = client
                with self._client_lock:
                    self._thread_clients.add(client)
            return client
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
            _close_quietly(client)

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
            if len(items) == 1:  # the usual one-row miss: no pipeline (which takes a second connection)
                ((key, value),) = items.items()
                client.set(key, value, ex=ttl_seconds)
                return
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
        with self._client_lock:
            clients, self._thread_clients = list(self._thread_clients), weakref.WeakSet()
        self._local = threading.local()
        for client in clients:
            _close_quietly(client)


def _close_quietly(client: Any) -> None:
    with contextlib.suppress(Exception):  # closing a broken client may fail too; nothing to do
        client.close()
