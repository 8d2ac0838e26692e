"""The local cache step: redis-server nodes shaped like the profile's Azure cache (TLS, shards, replicas, persistence)."""

from __future__ import annotations

import shutil
from typing import Any

from wizard.targets.base import Cancelled, StepContext, StepFailed
from wizard.targets.local import redis as local_redis
from wizard.targets.local import resource_group as rg
from wizard.targets.local.common import (
    CACHE_KEYS,
    cache_folder,
    cache_shape,
    require_group,
)


class CacheAction:
    def _loaded(self, ctx: StepContext) -> local_redis.RunningCache | None:
        group = require_group(ctx.profile)
        keys = rg.get_keys(group, "caches", ctx.profile.cache.name)
        return local_redis.load_cache(cache_folder(ctx.profile), keys.get("primary"), keys.get("secondary"))

    def existing(self, ctx: StepContext) -> dict[str, Any] | None:
        cache = self._loaded(ctx)
        if cache is None:
            return None
        want = cache_shape(ctx.profile)
        have = {k: getattr(cache.spec, k) for k in want}
        if have != want:
            ctx.log(f"The cache exists with another shape ({have}); it is recreated as {want}.")
            return None
        if not cache.healthy():
            ctx.log("The cache's redis-server processes are not all running; restarting them with their data.")
            try:
                cache = local_redis.ensure_running(cache.folder, cache.password, log=ctx.log)
            except local_redis.CacheError as exc:
                ctx.log(f"Repair failed ({exc}); starting the cache afresh.")
                return None
            self._record(ctx, cache)
            if not local_redis.wait_healthy(cache, timeout=10.0):
                return None
        return self._outputs(cache)

    def run(self, ctx: StepContext) -> dict[str, Any]:
        profile = ctx.profile
        group = require_group(profile)
        folder = cache_folder(profile)
        old = self._loaded(ctx)
        if old is not None:
            # A wrong-shaped or broken cache is replaced, never duplicated: stop every recorded node first.
            old.stop(timeout=5.0)
            shutil.rmtree(folder, ignore_errors=True)
        if profile.cache.authentication == "entra":
            ctx.log("Microsoft Entra ID authentication needs Azure; the local cache uses its access keys instead.")
        keys = rg.ensure_keys(group, "caches", profile.cache.name, CACHE_KEYS)
        spec = local_redis.RedisSpec(password=keys["primary"], secondary_password=keys["secondary"], **cache_shape(profile))
        ctx.report(0.1, "Starting redis-server")
        try:
            cache = local_redis.start_cache(spec, folder, log=ctx.log)
        except local_redis.CacheError as exc:
            raise StepFailed(str(exc), detail=exc.detail) from None
        self._record(ctx, cache)
        if ctx.cancel_event.is_set():
            # Keep the (already recorded) cache: the next deploy adopts it instead of creating another.
            raise Cancelled()
        return self._outputs(cache)

    def _record(self, ctx: StepContext, cache: local_redis.RunningCache) -> None:
        records = [
            rg.ProcessRecord(n.pid, "redis", ctx.profile.cache.name, n.name, n.port, n.log_file) for n in cache.nodes
        ]
        rg.set_processes(require_group(ctx.profile), ctx.profile.cache.name, records)

    @staticmethod
    def _outputs(cache: local_redis.RunningCache) -> dict[str, Any]:
        return {
            "host": cache.host, "port": cache.port, "ssl": cache.tls_port is not None,
            "tls_port": cache.tls_port, "non_tls_port": cache.plain_port,
            "ca_file": str(cache.ca_file) if cache.ca_file else "", "cluster": cache.cluster,
            "shards": cache.spec.shards, "replicas": cache.spec.replicas, "persistence": cache.spec.persistence,
            "pids": [n.pid for n in cache.nodes], "folder": str(cache.folder),
        }
