"""The local function-app step: a functions host serving the package with its app settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wizard.targets.base import StepContext, StepFailed
from wizard.targets.local import function_host
from wizard.targets.local import resource_group as rg
from wizard.targets.local.common import (
    FUNCTION_KEYS,
    require_group,
)


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
        group = require_group(ctx.profile)
        if not rg.get_keys(group, "functions", ctx.profile.function.app_name).get("default"):
            return None
        a = self._args(ctx)
        state = function_host.running_and_right(group, ctx.profile.function.app_name, python=a["python"],
                                                app_dir=a["app_dir"], app_sha=a["app_sha"])
        return self._outputs(state) if state else None

    def run(self, ctx: StepContext) -> dict[str, Any]:
        group = require_group(ctx.profile)
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
        group = require_group(ctx.profile)
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
        group = require_group(ctx.profile)
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
