"""What the local steps share: the profile's mapping onto folders and shapes, the key names, a tiny HTTP call."""

from __future__ import annotations

import http.client
from pathlib import Path
from typing import Any

from wizard.i18n import _
from wizard.profile import Profile
from wizard.targets.base import StepFailed
from wizard.targets.local import resource_group as rg

CACHE_KEYS = ("primary", "secondary")
FUNCTION_KEYS = ("default", "master")
OSS_CLUSTER_SHARDS = 3  # Managed Redis with the OSS clustering policy: a real 3-primary cluster locally


# --- mapping the profile --------------------------------------------------------------------


def cache_shape(profile: Profile) -> dict[str, Any]:
    """The non-secret shape of the local cache for this profile (compared on resume)."""
    cache = profile.cache
    shards = 0
    if cache.service == "managed-redis":
        if cache.clustering_policy == "OSSCluster":
            shards = cache.shard_count if cache.shard_count > 0 else OSS_CLUSTER_SHARDS
    elif cache.sku.lower().startswith("premium") and cache.shard_count > 0:
        shards = cache.shard_count
    return {
        "tls": True,  # Azure caches always have the TLS port
        "non_tls_port": bool(cache.non_tls_port),
        "shards": shards,
        "replicas": max(0, int(cache.replicas_per_primary)),
        "persistence": cache.persistence.mode or "none",
        "rdb_frequency_minutes": int(cache.persistence.rdb_frequency_minutes or 60),
    }


def group_path(profile: Profile) -> Path:
    try:
        return rg.group_dir(profile.resource_group.name)
    except rg.ResourceGroupError as exc:
        raise StepFailed(str(exc)) from None


def cache_folder(profile: Profile) -> Path:
    return group_path(profile) / "caches" / profile.cache.name


def storage_folder(profile: Profile) -> Path:
    return group_path(profile) / "storage" / profile.function.storage_account


def package_folder(profile: Profile) -> Path:
    return group_path(profile) / "apps" / profile.function.app_name


def plan_name(profile: Profile) -> str:
    return f"{profile.function.app_name}-plan"


def require_group(profile: Profile) -> Path:
    folder = group_path(profile)
    if not rg.is_ours(folder):
        raise StepFailed(_("The local resource group {folder} is missing; run deploy again to create it.").format(
            folder=folder))
    return folder


def http_call(method: str, port: int, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
          timeout: float = 30.0) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()
