"""The local cache-access step: the access keys exist in the key store and the cache accepts them (like listKeys)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from wizard.i18n import _
from wizard.targets.base import Outputs, StepContext, StepFailed, TransientError
from wizard.targets.local import redis as local_redis
from wizard.targets.local import resource_group as rg
from wizard.targets.local.common import (
    CACHE_KEYS,
    cache_folder,
    require_group,
)


@dataclass(frozen=True)
class CacheAccessOutputs(Outputs):
    authentication: str = "access-keys"
    key_names: tuple[str, ...] = ()  # the first release journaled them as "keys"
    key_store: str = ""


class CacheAccessAction:
    """Like listKeys on Azure: the keys exist in the group's key store and the cache accepts them."""

    outputs_type: ClassVar[type[Outputs]] = CacheAccessOutputs

    def check(self, ctx: StepContext) -> CacheAccessOutputs:
        group = require_group(ctx.profile)
        keys = rg.get_keys(group, "caches", ctx.profile.cache.name)
        if not keys.get("primary"):
            raise StepFailed(_("The cache has no access keys recorded; run deploy again to recreate the cache."))
        cache = local_redis.load_cache(cache_folder(ctx.profile), keys["primary"], keys.get("secondary"))
        if cache is None:
            raise StepFailed(_("The cache is not recorded in the resource group; run deploy again."))
        try:
            client = cache.client(socket_timeout=2.0)
            try:
                client.ping()
            finally:
                client.close()
        except Exception as exc:  # noqa: BLE001 - any failure here means the key or the cache is not usable yet
            raise TransientError(_("The cache did not accept its primary key yet ({error})").format(
                error=type(exc).__name__)) from None
        ctx.secrets["cache_primary_key"] = keys["primary"]
        return CacheAccessOutputs(authentication="access-keys", key_names=tuple(CACHE_KEYS), key_store=str(group / rg.KEYS))
