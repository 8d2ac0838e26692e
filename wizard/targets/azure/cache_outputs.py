"""What the cache step hands to later steps (either Redis service), and the key/Entra settings it compares."""

from __future__ import annotations

from dataclasses import dataclass

from wizard.targets.base import Outputs


@dataclass(frozen=True)
class CacheOutputs(Outputs):
    """Non-secret facts of the cache; keys are read when needed and never stored."""

    service: str  # "cache-for-redis" | "managed-redis"
    id: str
    host_name: str
    port: int
    tls: bool = True
    cluster: bool = False
    authentication: str = "access-keys"  # what the profile asked for: "access-keys" | "entra"
    non_tls_port: int | None = None  # classic only, when the profile opens it
    database_id: str = ""  # Managed Redis only
