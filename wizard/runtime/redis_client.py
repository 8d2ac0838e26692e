"""The Redis client, built only from app settings: short timeouts, no retries in the request path."""

from __future__ import annotations

import logging
from typing import Any

from .settings import RedisSettings

log = logging.getLogger(__name__)

# Managed identity tokens for Azure Cache for Redis / Azure Managed Redis are issued for this resource.
ENTRA_RESOURCE = "https://redis.azure.com"


def _no_retry() -> Any:
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    # redis-py 8 retries 3 times with jittered backoff by default; in the request path
    # a slow cache must cost one short timeout, never several.
    return Retry(NoBackoff(), 0)


def _credential_provider(settings: RedisSettings) -> Any:
    from redis_entraid.cred_provider import create_from_managed_identity
    from redis_entraid.identity_provider import ManagedIdentityIdType, ManagedIdentityType

    if settings.client_id:
        return create_from_managed_identity(
            identity_type=ManagedIdentityType.USER_ASSIGNED,
            resource=ENTRA_RESOURCE,
            id_type=ManagedIdentityIdType.CLIENT_ID,
            id_value=settings.client_id,
        )
    return create_from_managed_identity(identity_type=ManagedIdentityType.SYSTEM_ASSIGNED, resource=ENTRA_RESOURCE)


def client_options(settings: RedisSettings) -> dict[str, Any]:
    """Keyword arguments for redis.Redis / RedisCluster (exposed for tests and the health check)."""
    options: dict[str, Any] = {
        "socket_timeout": settings.timeout_s,
        "socket_connect_timeout": settings.timeout_s,
        "retry_on_timeout": False,
        "retry": _no_retry(),
        "health_check_interval": 0,
    }
    if settings.ssl:
        options["ssl"] = True
        options["ssl_cert_reqs"] = "required"
        if settings.ca_file:
            options["ssl_ca_certs"] = settings.ca_file
    if settings.entra:
        options["credential_provider"] = _credential_provider(settings)
    elif settings.password:
        options["password"] = settings.password
    return options


def make_client(settings: RedisSettings) -> Any:
    """A redis-py client (cluster-aware when REDIS_CLUSTER=true). Both connect while they are built,
    so callers build them lazily, inside the circuit breaker."""
    import redis
    from redis.cluster import RedisCluster

    options = client_options(settings)
    if settings.cluster:
        return RedisCluster(
            host=settings.host,
            port=settings.port,
            cluster_error_retry_attempts=0,
            require_full_coverage=False,
            **options,
        )
    # One connection per client: the cache builds one client per thread, so a pool would only add a lock
    # and a readiness check to every command.
    return redis.Redis(host=settings.host, port=settings.port, single_connection_client=True, **options)
