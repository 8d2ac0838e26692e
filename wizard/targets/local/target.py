"""LocalTarget: the deployment's resources for real on this machine (folders, redis-server, a functions host).

Layout of a resource group, data_home()/resource-groups/<name>/:
  manifest.json          created-by, creation time, tags, owned processes
  keys.json (0600)       cache access keys and function keys (the only place they are stored)
  caches/<cache>/        redis-server nodes: config, data (RDB/AOF), logs, tls/ (CA + server cert)
  storage/<account>/     the storage account stand-in (blob root for blob triggers)
  plans/<plan>.json      the App Service plan stand-in (a record: the host runs on this machine)
  apps/<app>/            the generated function app package
  functions/<app>/       host-state.json, settings.json, host.log
"""

from __future__ import annotations

import http.client
import json
import logging
import shutil
import threading
import time
from pathlib import Path
from typing import Any, Callable

from wizard.profile import Profile
from wizard.targets.base import Cancelled, Endpoint, Step, StepContext, StepFailed, TransientError
from wizard.targets.local import function_host, processes
from wizard.targets.local import redis as local_redis
from wizard.targets.local import resource_group as rg
from wizard.targets.local.packaging import PackageError, ensure_env

logger = logging.getLogger(__name__)

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


def _require_group(profile: Profile) -> Path:
    folder = group_path(profile)
    if not rg.is_ours(folder):
        raise StepFailed(f"The local resource group {folder} is missing; run deploy again to create it.")
    return folder


def _http(method: str, port: int, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
          timeout: float = 30.0) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


# --- steps ----------------------------------------------------------------------------------


class ResourceGroupAction:
    def existing(self, ctx: StepContext) -> dict[str, Any] | None:
        folder = group_path(ctx.profile)
        try:
            rg.refuse_if_foreign(folder)
        except rg.ResourceGroupError as exc:
            raise StepFailed(str(exc)) from None
        if not rg.is_ours(folder):
            return None
        return self.run(ctx)  # adopt: refreshes the tags (cheap, idempotent)

    def run(self, ctx: StepContext) -> dict[str, Any]:
        profile = ctx.profile
        folder = group_path(profile)
        if not profile.resource_group.create and not rg.is_ours(folder):
            raise StepFailed(
                f"The resource group '{profile.resource_group.name}' does not exist locally ({folder}); "
                "set resource_group.create to true to create it."
            )
        try:
            rg.ensure_group(profile.resource_group.name, profile.tags, profile.name)
        except rg.ResourceGroupError as exc:
            raise StepFailed(str(exc)) from None
        return {"path": str(folder), "name": profile.resource_group.name}


class CacheAction:
    def _loaded(self, ctx: StepContext) -> local_redis.RunningCache | None:
        group = _require_group(ctx.profile)
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
        group = _require_group(profile)
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
        rg.set_processes(_require_group(ctx.profile), ctx.profile.cache.name, records)

    @staticmethod
    def _outputs(cache: local_redis.RunningCache) -> dict[str, Any]:
        return {
            "host": cache.host, "port": cache.port, "ssl": cache.tls_port is not None,
            "tls_port": cache.tls_port, "non_tls_port": cache.plain_port,
            "ca_file": str(cache.ca_file) if cache.ca_file else "", "cluster": cache.cluster,
            "shards": cache.spec.shards, "replicas": cache.spec.replicas, "persistence": cache.spec.persistence,
            "pids": [n.pid for n in cache.nodes], "folder": str(cache.folder),
        }


class CacheAccessAction:
    """Like listKeys on Azure: the keys exist in the group's key store and the cache accepts them."""

    def existing(self, ctx: StepContext) -> dict[str, Any] | None:
        # Nothing is created here, so "exists" means "fetched in an earlier run": then check again.
        return self.run(ctx) if "cache-access" in ctx.outputs else None

    def run(self, ctx: StepContext) -> dict[str, Any]:
        group = _require_group(ctx.profile)
        keys = rg.get_keys(group, "caches", ctx.profile.cache.name)
        if not keys.get("primary"):
            raise StepFailed("The cache has no access keys recorded; run deploy again to recreate the cache.")
        cache = local_redis.load_cache(cache_folder(ctx.profile), keys["primary"], keys.get("secondary"))
        if cache is None:
            raise StepFailed("The cache is not recorded in the resource group; run deploy again.")
        try:
            client = cache.client(socket_timeout=2.0)
            try:
                client.ping()
            finally:
                client.close()
        except Exception as exc:  # noqa: BLE001 - any failure here means the key or the cache is not usable yet
            raise TransientError(f"The cache did not accept its primary key yet ({type(exc).__name__})") from None
        ctx.secrets["cache_primary_key"] = keys["primary"]
        return {"authentication": "access-keys", "keys": list(CACHE_KEYS), "key_store": str(group / rg.KEYS)}


class StorageAction:
    def _containers(self, profile: Profile) -> list[str]:
        trigger = profile.function.trigger
        if trigger.type != "blob":
            return []
        from wizard.appgen.builder import DEFAULT_BLOB_INPUT, DEFAULT_BLOB_OUTPUT

        paths = [trigger.input_path or DEFAULT_BLOB_INPUT, trigger.output_path or DEFAULT_BLOB_OUTPUT]
        return sorted({p.strip("/").split("/", 1)[0] for p in paths if p.strip("/")})

    def existing(self, ctx: StepContext) -> dict[str, Any] | None:
        folder = storage_folder(ctx.profile)
        if not folder.is_dir():
            return None
        return self.run(ctx)

    def run(self, ctx: StepContext) -> dict[str, Any]:
        _require_group(ctx.profile)
        folder = storage_folder(ctx.profile)
        folder.mkdir(parents=True, exist_ok=True)
        for container in self._containers(ctx.profile):
            (folder / container).mkdir(exist_ok=True)
        return {"path": str(folder), "blob_root": str(folder), "containers": self._containers(ctx.profile)}


class PlanAction:
    """An App Service plan has no local counterpart beyond a record: the host runs on this machine."""

    def _file(self, profile: Profile) -> Path:
        return group_path(profile) / "plans" / f"{plan_name(profile)}.json"

    def existing(self, ctx: StepContext) -> dict[str, Any] | None:
        try:
            data = json.loads(self._file(ctx.profile).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if data.get("sku") != ctx.profile.function.plan_sku:
            return None
        return {"name": data["name"], "sku": data["sku"], "path": str(self._file(ctx.profile))}

    def run(self, ctx: StepContext) -> dict[str, Any]:
        _require_group(ctx.profile)
        path = self._file(ctx.profile)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"name": plan_name(ctx.profile), "sku": ctx.profile.function.plan_sku, "os": "linux",
                "note": "Local stand-in for the App Service plan; the functions host runs on this machine."}
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        return {"name": data["name"], "sku": data["sku"], "path": str(path)}


class PackageAction:
    RECORD = "package.json"

    def _record_file(self, profile: Profile) -> Path:
        return package_folder(profile).parent / f"{profile.function.app_name}.{self.RECORD}"

    def existing(self, ctx: StepContext) -> dict[str, Any] | None:
        try:
            record = json.loads(self._record_file(ctx.profile).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        app_dir = package_folder(ctx.profile)
        if not app_dir.is_dir() or not Path(record.get("env_python", "")).exists():
            return None
        if function_host.tree_sha(app_dir) != record.get("app_sha"):
            return None  # edited or half-written package
        # Would a fresh build be the same? Build into a scratch folder and compare (cheap; deterministic).
        scratch = app_dir.parent / f".check-{ctx.profile.function.app_name}"
        shutil.rmtree(scratch, ignore_errors=True)
        try:
            from wizard.appgen.builder import BuildError, build_app

            try:
                build_app(ctx.profile, scratch)
            except BuildError:
                return None
            if function_host.tree_sha(scratch) != record.get("app_sha"):
                return None
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return record

    def run(self, ctx: StepContext) -> dict[str, Any]:
        from wizard.appgen.builder import BuildError, build_app

        if ctx.profile.function.trigger.type == "service-bus-queue":
            raise StepFailed("A Service Bus queue trigger needs Azure Service Bus; the local target serves HTTP and "
                             "blob triggers. Deploy this profile to Azure, or set function.trigger.type to http or blob.")
        _require_group(ctx.profile)
        app_dir = package_folder(ctx.profile)
        app_dir.parent.mkdir(parents=True, exist_ok=True)
        ctx.report(0.05, "Generating the function app")
        try:
            built = build_app(ctx.profile, app_dir)
        except BuildError as exc:
            raise StepFailed(str(exc)) from None
        for warning in built.warnings:
            ctx.log(f"warning: {warning}")
        ctx.log(f"Generated the function app in {app_dir} (model {built.model_name} {built.model_version}).")
        ctx.check_cancelled()
        ctx.report(0.2, "Building the app's Python environment")
        try:
            env = ensure_env(app_dir / "requirements.txt", log=ctx.log, cancel_event=ctx.cancel_event)
        except PackageError as exc:  # only when fallback is off
            raise StepFailed(str(exc), detail=exc.detail) from None
        record = {
            "app_dir": str(app_dir), "app_sha": function_host.tree_sha(app_dir),
            "model_name": built.model_name, "model_version": built.model_version,
            "function_names": built.function_names, "routes": built.routes,
            "env_python": str(env.python), "env_sha": env.sha, "env_reused": env.reused, "env_fallback": env.fallback,
        }
        tmp = self._record_file(ctx.profile).with_suffix(".tmp")
        tmp.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        tmp.replace(self._record_file(ctx.profile))
        return record


class FunctionAppAction:
    def _args(self, ctx: StepContext) -> dict[str, Any]:
        pkg = ctx.outputs.get("package") or {}
        storage = ctx.outputs.get("storage") or {}
        if not pkg:
            raise StepFailed("The package step has no outputs; run deploy again.")
        return {
            "python": pkg["env_python"], "app_dir": Path(pkg["app_dir"]), "app_sha": pkg["app_sha"],
            "blob_root": Path(storage["blob_root"]) if storage.get("blob_root") else None,
        }

    def existing(self, ctx: StepContext) -> dict[str, Any] | None:
        group = _require_group(ctx.profile)
        if not rg.get_keys(group, "functions", ctx.profile.function.app_name).get("default"):
            return None
        a = self._args(ctx)
        state = function_host.running_and_right(group, ctx.profile.function.app_name, python=a["python"],
                                                app_dir=a["app_dir"], app_sha=a["app_sha"])
        return self._outputs(state) if state else None

    def run(self, ctx: StepContext) -> dict[str, Any]:
        group = _require_group(ctx.profile)
        app = ctx.profile.function.app_name
        # Azure creates the host keys with the app; the host reads them at start.
        rg.ensure_keys(group, "functions", app, FUNCTION_KEYS)
        a = self._args(ctx)
        ctx.report(0.2, "Starting the functions host")
        try:
            state = function_host.start(group, app, python=a["python"], app_dir=a["app_dir"], app_sha=a["app_sha"],
                                        blob_root=a["blob_root"], log=ctx.log, cancel_event=ctx.cancel_event)
        except function_host.HostStartError as exc:
            raise StepFailed(str(exc), detail=exc.detail) from None
        return self._outputs(state)

    @staticmethod
    def _outputs(state: function_host.HostState) -> dict[str, Any]:
        base = f"http://127.0.0.1:{state.port}"
        return {"pid": state.pid, "port": state.port, "url": base, "invoke_url": f"{base}/api/score",
                "health_url": f"{base}/api/health", "log_file": state.log_file}


class AppSettingsAction:
    def _desired(self, ctx: StepContext) -> tuple[dict[str, str], dict[str, list[str]]]:
        from wizard.appgen.builder import BuiltApp, app_settings

        pkg = ctx.outputs["package"]
        built = BuiltApp(path=Path(pkg["app_dir"]), model_name=pkg["model_name"], model_version=pkg["model_version"],
                         requirements=[], function_names=list(pkg.get("function_names", [])),
                         routes=list(pkg.get("routes", [])))
        cache = ctx.outputs["cache"]
        settings = dict(app_settings(ctx.profile, built))
        settings.update({
            "REDIS_HOST": cache["host"],
            "REDIS_PORT": str(cache["port"]),
            "REDIS_SSL": "true" if cache["ssl"] else "false",
        })
        if cache.get("ca_file"):
            settings["REDIS_CA_FILE"] = cache["ca_file"]
        if cache.get("cluster"):
            settings["REDIS_CLUSTER"] = "true"
        refs = {"REDIS_PASSWORD": ["caches", ctx.profile.cache.name, "primary"]}
        return settings, refs

    def existing(self, ctx: StepContext) -> dict[str, Any] | None:
        group = _require_group(ctx.profile)
        app = ctx.profile.function.app_name
        settings, refs = self._desired(ctx)
        doc = {"settings": settings, "secret_refs": refs}
        if function_host.read_settings(group, app) != doc:
            return None
        pkg = ctx.outputs["package"]
        state = function_host.running_and_right(group, app, python=pkg["env_python"], app_dir=Path(pkg["app_dir"]),
                                                app_sha=pkg["app_sha"], want_settings=function_host.settings_sha(doc))
        return self._outputs(settings, refs, state) if state else None

    def run(self, ctx: StepContext) -> dict[str, Any]:
        group = _require_group(ctx.profile)
        app = ctx.profile.function.app_name
        settings, refs = self._desired(ctx)
        function_host.write_settings(group, app, settings, refs)
        ctx.log("Applied the app settings: " + ", ".join(sorted([*settings, *refs])) + "; restarting the host (as Azure does).")
        pkg = ctx.outputs["package"]
        storage = ctx.outputs.get("storage") or {}
        try:
            state = function_host.start(group, app, python=pkg["env_python"], app_dir=Path(pkg["app_dir"]),
                                        app_sha=pkg["app_sha"],
                                        blob_root=Path(storage["blob_root"]) if storage.get("blob_root") else None,
                                        log=ctx.log, cancel_event=ctx.cancel_event)
        except function_host.HostStartError as exc:
            raise StepFailed(str(exc), detail=exc.detail) from None
        return self._outputs(settings, refs, state)

    @staticmethod
    def _outputs(settings: dict[str, str], refs: dict[str, list[str]], state: function_host.HostState) -> dict[str, Any]:
        # Names only for secrets: the journal never sees a key.
        return {"settings": settings, "secret_settings": sorted(refs), "pid": state.pid, "port": state.port}


class FunctionKeysAction:
    def existing(self, ctx: StepContext) -> dict[str, Any] | None:
        return self.run(ctx) if "function-keys" in ctx.outputs else None

    def run(self, ctx: StepContext) -> dict[str, Any]:
        group = _require_group(ctx.profile)
        app = ctx.profile.function.app_name
        keys = rg.get_keys(group, "functions", app)
        if not keys.get("default"):
            raise StepFailed("The function app has no keys recorded; run deploy again.")
        state = function_host.read_state(group, app)
        if state is None:
            raise StepFailed("The function app is not running; run deploy again.")
        auth = (ctx.profile.function.trigger.auth_level or "function").lower()
        if ctx.profile.function.trigger.type == "http" and auth != "anonymous":
            # The host enforces the key like Azure: without it 401, with it the function runs (400 on `{}`).
            try:
                without, _, _ = _http("POST", state.port, "/api/score", b"{}", {"Content-Type": "application/json"})
                key = keys["master"] if auth == "admin" else keys["default"]
                with_key, _, _ = _http("POST", state.port, "/api/score", b"{}",
                                       {"Content-Type": "application/json", "x-functions-key": key})
            except (OSError, http.client.HTTPException) as exc:  # e.g. mid-restart by app-settings
                raise TransientError(f"The function app did not answer ({exc})") from None
            if without != 401 or with_key == 401:
                raise StepFailed(f"The functions host does not enforce its keys as expected (HTTP {without} without "
                                 f"a key, {with_key} with it); see {state.log_file}.")
        ctx.secrets["function_key"] = keys["default"]
        return {"key_names": list(FUNCTION_KEYS), "auth_level": auth, "auth_header": "x-functions-key",
                "invoke_url": f"http://127.0.0.1:{state.port}/api/score"}


class SmokeTestAction:
    CACHE_WAIT_S = 5.0

    def existing(self, ctx: StepContext) -> dict[str, Any] | None:
        return None  # always re-run: cheap, and it is the proof the deployment works now

    def _sample(self, profile: Profile) -> Any:
        if profile.model.sample_input is not None:
            return profile.model.sample_input
        if profile.model.source == "sample":
            from wizard.appgen.samples import ensure_sample

            return ensure_sample(profile.model.sample or "digits").sample_input
        return None

    def run(self, ctx: StepContext) -> dict[str, Any]:
        group = _require_group(ctx.profile)
        app = ctx.profile.function.app_name
        state = function_host.read_state(group, app)
        if state is None:
            raise StepFailed("The function app is not running; run deploy again.")
        # The cache must be reachable from the function (fail-open would hide a wrong host, port, CA or key).
        deadline = time.monotonic() + self.CACHE_WAIT_S
        health: dict[str, Any] = {}
        while True:
            try:
                status, _, body = _http("GET", state.port, "/api/health", timeout=10)
                health = json.loads(body) if status == 200 else {}
            except (OSError, ValueError, http.client.HTTPException):
                health = {}
            if health.get("cache") == "ok" or time.monotonic() > deadline:
                break
            ctx.wait(0.2)
        if health.get("cache") != "ok":
            raise StepFailed(
                f"The function answers but reports its cache as {health.get('cache', 'unknown')!r}; check the cache "
                f"settings and {state.log_file}.", detail=json.dumps(health),
            )
        outputs: dict[str, Any] = {"health": health}
        if ctx.profile.function.trigger.type != "http":
            ctx.log("The trigger is not HTTP; the smoke test checked the host's health only.")
            return outputs
        data = self._sample(ctx.profile)
        if data is None:
            ctx.log("The profile has no model.sample_input; the smoke test checked the host's health only.")
            return outputs
        key = rg.get_keys(group, "functions", app).get("default", "")
        try:
            status, headers, body = _http("POST", state.port, "/api/score", json.dumps(data).encode(),
                                          {"Content-Type": "application/json", "x-functions-key": key}, timeout=60)
        except (OSError, http.client.HTTPException) as exc:
            raise TransientError(f"The function did not answer the smoke test ({exc})") from None
        if status != 200:
            raise StepFailed(f"The smoke test POST answered HTTP {status}: {body[:300].decode(errors='replace')}",
                             detail=f"see {state.log_file}")
        ctx.log(f"Smoke test: HTTP 200, X-Cache {headers.get('x-cache', '?')}: {body[:200].decode(errors='replace')}")
        outputs.update({"status": status, "x_cache": headers.get("x-cache", "")})
        return outputs


# --- the target -------------------------------------------------------------------------------


class LocalTarget:
    """Deploys the profile onto this machine; resources keep running after the CLI exits."""

    name = "local"

    def steps(self, profile: Profile) -> list[Step]:
        cache_estimate = 4.0 if cache_shape(profile)["shards"] else 0.5
        return [
            Step("resource-group", "Create the resource group folder", f"local resource group {profile.resource_group.name}",
                 (), ResourceGroupAction(), estimate_s=0.1),
            Step("cache", "Start the Redis cache", f"redis-server cache {profile.cache.name}",
                 ("resource-group",), CacheAction(), estimate_s=cache_estimate, retries=1),
            Step("cache-access", "Fetch the cache access keys", "primary and secondary access keys",
                 ("cache",), CacheAccessAction(), estimate_s=0.1),
            Step("storage", "Create the storage folder", f"storage account stand-in {profile.function.storage_account}",
                 ("resource-group",), StorageAction(), estimate_s=0.1),
            Step("package", "Build the function app package", f"app package + Python environment for {profile.function.app_name}",
                 ("resource-group",), PackageAction(), estimate_s=3.0, retries=1),
            Step("plan", "Create the hosting plan", f"hosting plan {plan_name(profile)} ({profile.function.plan_sku})",
                 ("resource-group",), PlanAction(), estimate_s=0.1),
            Step("function-app", "Start the function app", f"functions host for {profile.function.app_name}",
                 ("package", "plan", "storage"), FunctionAppAction(), estimate_s=3.0, retries=1),
            Step("app-settings", "Apply the app settings", "cache connection settings (restarts the host)",
                 ("function-app", "cache-access"), AppSettingsAction(), estimate_s=3.0, retries=1),
            Step("function-keys", "Fetch the function keys", "default and master function keys",
                 ("function-app",), FunctionKeysAction(), estimate_s=0.2),
            Step("smoke-test", "Call the function", "a POST of the sample input",
                 ("app-settings", "function-keys"), SmokeTestAction(), estimate_s=0.5, retries=2),
        ]

    def endpoint(self, profile: Profile, outputs: dict[str, dict[str, Any]]) -> Endpoint:
        group = group_path(profile)
        app = profile.function.app_name
        state = function_host.read_state(group, app)
        port = state.port if state else (outputs.get("function-app") or {}).get("port")
        if not port:
            raise StepFailed(f"The function app {app} has not been deployed; run `mlfunc-wizard deploy` first.")
        keys = rg.get_keys(group, "functions", app)
        auth = (profile.function.trigger.auth_level or "function").lower()
        key = keys.get("master" if auth == "admin" else "default", "")
        base = f"http://127.0.0.1:{port}"
        return Endpoint(url=f"{base}/api/score", key=key, auth_header="x-functions-key", health_url=f"{base}/api/health")

    def resources(self, profile: Profile) -> list[str]:
        from wizard.targets.local.status import describe_group

        return describe_group(group_path(profile))

    def destroy(self, profile: Profile, log: Callable[[str], None], cancel_event: threading.Event,
                typed_name: str | None = None) -> None:
        # Local groups are always checked by their manifest (created-by), typed name or not.
        destroy_group(group_path(profile), log, cancel_event)


def destroy_group(folder: Path, log: Callable[[str], None], cancel_event: threading.Event) -> None:
    """Stop every process of the group by PID (SIGTERM, then SIGKILL), then delete its folder."""
    if not folder.exists():
        log(f"The resource group folder {folder} does not exist; nothing to delete.")
        return
    try:
        rg.refuse_if_foreign(folder)
    except rg.ResourceGroupError as exc:
        raise StepFailed(str(exc)) from None
    from wizard.targets.local.status import owned_processes

    # The function hosts first (they use the cache), then the cache nodes.
    for proc in sorted(owned_processes(folder), key=lambda p: p.get("role") != "function-host"):
        if cancel_event.is_set():
            log("Cancelled; the remaining processes and the folder are kept.")
            return
        pid = proc["pid"]
        if not proc["alive"]:
            continue
        if not proc["ours"]:
            log(f"pid {pid} is no longer a {proc['role']} of this group (another program has the number); left alone.")
            continue
        log(f"Stopping {proc['role']} {proc['resource']} {proc['node']} (pid {pid}, port {proc['port']}).")
        if not processes.stop_pid(pid, timeout=5.0):
            raise StepFailed(f"Could not stop pid {pid}; stop it yourself and run destroy again.")
    if cancel_event.is_set():
        return
    shutil.rmtree(folder, ignore_errors=True)
    if folder.exists():
        raise StepFailed(f"Could not delete {folder} completely; remove what is left and run destroy again.")
    log(f"Deleted {folder}.")
