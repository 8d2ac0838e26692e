"""The local cache step: redis-server nodes shaped like the profile's Azure cache (TLS, shards, replicas, persistence)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

from wizard.i18n import _
from wizard.targets.base import Cancelled, Change, FirstInterface, Observed, Outputs, StepContext, StepFailed
from wizard.targets.local import redis as local_redis
from wizard.targets.local import resource_group as rg
from wizard.targets.local.common import CACHE_KEYS, cache_folder, cache_shape, group_path, require_group


@dataclass(frozen=True)
class CacheOutputs(Outputs):
    host: str
    port: int
    ssl: bool
    tls_port: int | None
    non_tls_port: int | None
    ca_file: str
    cluster: bool
    shards: int
    replicas: int
    persistence: str
    pids: tuple[int, ...]
    folder: str


# Every shape setting of a local cache means new redis-server nodes in a fresh folder.
_LOST = "every cached answer (the new cache starts empty)"
REPLACE_ON: Mapping[str, str] = {
    "cache.clustering_policy": _LOST, "cache shards": _LOST, "cache.replicas_per_primary": _LOST,
    "cache.persistence.mode": _LOST, "cache.persistence.rdb_frequency_minutes": _LOST, "cache.non_tls_port": _LOST,
}


def shape_settings(shape: Mapping[str, Any], service: str) -> dict[str, Any]:
    """A cache shape (cache_shape() or a running spec) as the profile settings it stands for."""
    settings: dict[str, Any] = {}
    if service == "managed-redis":
        # Locally the OSS clustering policy is exactly "more than one shard".
        settings["cache.clustering_policy"] = "OSSCluster" if shape["shards"] else "EnterpriseCluster"
    settings.update({
        "cache shards": shape["shards"],
        "cache.replicas_per_primary": shape["replicas"],
        "cache.persistence.mode": shape["persistence"],
        "cache.persistence.rdb_frequency_minutes": shape["rdb_frequency_minutes"],
        "cache.non_tls_port": shape["non_tls_port"],
    })
    return settings


class CacheAction(FirstInterface):
    outputs_type: ClassVar[type[Outputs]] = CacheOutputs
    replace_on: ClassVar[Mapping[str, str]] = REPLACE_ON

    def _loaded(self, ctx: StepContext) -> local_redis.RunningCache | None:
        group = group_path(ctx.profile)
        if not rg.is_ours(group):
            return None
        keys = rg.get_keys(group, "caches", ctx.profile.cache.name)
        return local_redis.load_cache(cache_folder(ctx.profile), keys.get("primary"), keys.get("secondary"))

    def desired(self, ctx: StepContext) -> dict[str, Any]:
        return shape_settings(cache_shape(ctx.profile), ctx.profile.cache.service)

    def observe(self, ctx: StepContext) -> Observed | None:
        cache = self._loaded(ctx)
        if cache is None:
            return None
        have = {k: getattr(cache.spec, k) for k in cache_shape(ctx.profile)}
        repair = "" if cache.healthy() else _(
            "its redis-server processes are not all running; deploy restarts them with their data")
        return Observed(shape_settings(have, ctx.profile.cache.service), self._outputs(cache), handle=cache, repair=repair)

    def adopt(self, ctx: StepContext, observed: Observed) -> Outputs:
        assert observed.outputs is not None
        return observed.outputs

    def update(self, ctx: StepContext, observed: Observed, change: Change) -> Outputs:
        """The only in-place change is a repair: restart stopped nodes with their data."""
        cache: local_redis.RunningCache = observed.handle
        ctx.log(_("The cache's redis-server processes are not all running; restarting them with their data."))
        try:
            cache = local_redis.ensure_running(cache.folder, cache.password, log=ctx.log)
        except local_redis.CacheError as exc:
            ctx.log(_("Repair failed ({error}); starting the cache afresh.").format(error=exc))
            return self.create(ctx)
        self._record(ctx, cache)
        if not local_redis.wait_healthy(cache, timeout=10.0):
            ctx.log(_("The restarted cache did not become healthy; starting it afresh."))
            return self.create(ctx)
        return self._outputs(cache)

    def delete(self, ctx: StepContext, observed: Observed) -> None:
        cache: local_redis.RunningCache = observed.handle
        cache.stop(timeout=5.0, log=ctx.log)  # identity-checked: a foreign PID is logged, not signalled
        shutil.rmtree(cache.folder, ignore_errors=True)

    def create(self, ctx: StepContext) -> Outputs:
        profile = ctx.profile
        group = require_group(profile)
        folder = cache_folder(profile)
        old = self._loaded(ctx)
        if old is not None:
            # A broken cache is replaced, never duplicated: stop every recorded node first.
            old.stop(timeout=5.0, log=ctx.log)  # identity-checked: a foreign PID is logged, not signalled
            shutil.rmtree(folder, ignore_errors=True)
        if profile.cache.authentication == "entra":
            ctx.log(_("Microsoft Entra ID authentication needs Azure; the local cache uses its access keys instead."))
        keys = rg.ensure_keys(group, "caches", profile.cache.name, CACHE_KEYS)
        spec = local_redis.RedisSpec(password=keys["primary"], secondary_password=keys["secondary"], **cache_shape(profile))
        ctx.report(0.1, _("Starting redis-server"))
        try:
            cache = local_redis.start_cache(spec, folder, log=ctx.log, group=rg.group_id(group))
        except local_redis.CacheError as exc:
            raise StepFailed(str(exc), detail=exc.detail) from None
        self._record(ctx, cache)
        if ctx.cancel_event.is_set():
            # Keep the (already recorded) cache: the next deploy adopts it instead of creating another.
            raise Cancelled()
        return self._outputs(cache)

    def _record(self, ctx: StepContext, cache: local_redis.RunningCache) -> None:
        records = [
            rg.ProcessRecord(n.pid, "redis", ctx.profile.cache.name, n.name, n.port, n.log_file, identity=n.identity)
            for n in cache.nodes
        ]
        rg.set_processes(require_group(ctx.profile), ctx.profile.cache.name, records)

    @staticmethod
    def _outputs(cache: local_redis.RunningCache) -> CacheOutputs:
        return CacheOutputs(
            host=cache.host, port=cache.port, ssl=cache.tls_port is not None,
            tls_port=cache.tls_port, non_tls_port=cache.plain_port,
            ca_file=str(cache.ca_file) if cache.ca_file else "", cluster=bool(cache.cluster),
            shards=cache.spec.shards, replicas=cache.spec.replicas, persistence=cache.spec.persistence,
            pids=tuple(n.pid for n in cache.nodes), folder=str(cache.folder),
        )
