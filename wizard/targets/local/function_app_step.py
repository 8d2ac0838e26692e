"""The local function-app step: a functions host serving the package, started once with its app settings.

The app settings are part of the app's desired state (as on Azure, where a site is created with its
siteConfig): a fresh deploy writes them before the first start, a settings change restarts the host
once, and a new package never drops them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Mapping

from wizard.i18n import _
from wizard.targets.base import Change, FirstInterface, Observed, Outputs, StepContext, StepFailed
from wizard.targets.local import function_host
from wizard.targets.local import resource_group as rg
from wizard.targets.local.cache_step import CacheOutputs
from wizard.targets.local.common import FUNCTION_KEYS, group_path, require_group
from wizard.targets.local.package_step import PackageOutputs
from wizard.targets.local.storage_step import StorageOutputs

# App settings that carry a profile setting, shown by the profile's name in plan and status.
SETTING_NAMES = {
    "CACHE_TTL_SECONDS": "cache_policy.ttl_seconds",
    "CACHE_KEY_PREFIX": "cache_policy.key_prefix",
    "CACHE_TIMEOUT_MS": "cache_policy.timeout_ms",
    "MODEL_NAME": "model.name",
    "MODEL_VERSION": "model.version",
}


@dataclass(frozen=True)
class FunctionAppOutputs(Outputs):
    pid: int
    port: int
    url: str
    invoke_url: str
    health_url: str
    log_file: str
    settings: dict[str, str] = field(default_factory=dict)  # non-secret app settings
    secret_settings: tuple[str, ...] = ()  # names only: the journal never sees a key


def setting_label(name: str) -> str:
    return SETTING_NAMES.get(name, f"app_settings.{name}")


class FunctionAppAction(FirstInterface):
    outputs_type: ClassVar[type[Outputs]] = FunctionAppOutputs
    replace_on: ClassVar[Mapping[str, str]] = {}

    # --- desired ------------------------------------------------------------------------

    def _app_settings(self, ctx: StepContext) -> tuple[dict[str, str], dict[str, list[str]]]:
        from wizard.appgen.builder import BuiltApp, app_settings

        pkg = ctx.output(PackageOutputs)
        built = BuiltApp(path=Path(pkg.app_dir), model_name=pkg.model_name, model_version=pkg.model_version,
                         requirements=[], function_names=list(pkg.function_names), routes=list(pkg.routes))
        cache = ctx.output(CacheOutputs)
        settings = dict(app_settings(ctx.profile, built))
        settings.update({
            "REDIS_HOST": cache.host,
            "REDIS_PORT": str(cache.port),
            "REDIS_SSL": "true" if cache.ssl else "false",
        })
        if cache.ca_file:
            settings["REDIS_CA_FILE"] = cache.ca_file
        if cache.cluster:
            settings["REDIS_CLUSTER"] = "true"
        refs = {"REDIS_PASSWORD": ["caches", ctx.profile.cache.name, "primary"]}
        return settings, refs

    @staticmethod
    def _as_settings(python: str, app_sha: str, settings: Mapping[str, Any], refs: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"app package": app_sha, "python": python}
        out.update({setting_label(k): v for k, v in sorted(settings.items())})
        out.update({f"app_settings.{k}": "key " + "/".join(v) for k, v in sorted(refs.items())})
        return out

    def desired(self, ctx: StepContext) -> dict[str, Any]:
        pkg = ctx.output(PackageOutputs)
        settings, refs = self._app_settings(ctx)
        return self._as_settings(pkg.env_python, pkg.app_sha, settings, refs)

    # --- observed -----------------------------------------------------------------------

    def observe(self, ctx: StepContext) -> Observed | None:
        group = group_path(ctx.profile)
        app = ctx.profile.function.app_name
        if not rg.is_ours(group) or not rg.get_keys(group, "functions", app).get("default"):
            return None  # the app was never created (Azure creates the host keys with the app)
        state = function_host.read_state(group, app)
        doc = function_host.read_settings(group, app)
        settings, refs = dict(doc.get("settings") or {}), dict(doc.get("secret_refs") or {})
        if state is None:
            return Observed(self._as_settings("", "", settings, refs), repair=_("the functions host was never started"))
        have = self._as_settings(state.python, state.app_sha, settings, refs)
        repair = ""
        if state.settings_sha != function_host.settings_sha(doc):
            repair = _("the running host has older app settings; deploy restarts it")
        elif state.app_dir != str(Path(ctx.output(PackageOutputs).app_dir)):
            repair = _("the host serves another folder; deploy restarts it")
        elif not function_host.is_our_host(state) or not function_host.status_ok(state.port, master_key=function_host.master_key(group, app)):
            repair = _("the functions host is not running; deploy starts it")
        return Observed(have, self._outputs(state, settings, refs), handle=state, repair=repair)

    # --- acting -------------------------------------------------------------------------

    def create(self, ctx: StepContext) -> FunctionAppOutputs:
        group = require_group(ctx.profile)
        # Azure creates the host keys with the app; the host reads them at start.
        rg.ensure_keys(group, "functions", ctx.profile.function.app_name, FUNCTION_KEYS)
        return self._apply_and_start(ctx)

    def update(self, ctx: StepContext, observed: Observed, change: Change) -> FunctionAppOutputs:
        return self._apply_and_start(ctx)  # new settings or package: one restart, as Azure restarts the site

    def adopt(self, ctx: StepContext, observed: Observed) -> Outputs:
        assert observed.outputs is not None
        return observed.outputs

    def delete(self, ctx: StepContext, observed: Observed) -> None:
        raise StepFailed(_("The function app is never replaced; destroy the deployment to delete it."))

    def _apply_and_start(self, ctx: StepContext) -> FunctionAppOutputs:
        group = require_group(ctx.profile)
        app = ctx.profile.function.app_name
        settings, refs = self._app_settings(ctx)
        function_host.write_settings(group, app, settings, refs)
        ctx.log(_("App settings: {settings}.").format(settings=", ".join(sorted([*settings, *refs]))))
        pkg = ctx.output(PackageOutputs)
        storage = ctx.output(StorageOutputs)
        ctx.report(0.2, _("Starting the functions host"))
        try:
            state = function_host.start(group, app, python=pkg.env_python, app_dir=Path(pkg.app_dir),
                                        app_sha=pkg.app_sha, blob_root=Path(storage.blob_root) if storage.blob_root else None,
                                        log=ctx.log, cancel_event=ctx.cancel_event)
        except function_host.HostStartError as exc:
            raise StepFailed(str(exc), detail=exc.detail) from None
        return self._outputs(state, settings, refs)

    @staticmethod
    def _outputs(state: function_host.HostState, settings: Mapping[str, str], refs: Mapping[str, Any]) -> FunctionAppOutputs:
        base = f"http://127.0.0.1:{state.port}"
        return FunctionAppOutputs(pid=state.pid, port=state.port, url=base, invoke_url=f"{base}/api/score",
                                  health_url=f"{base}/api/health", log_file=state.log_file,
                                  settings=dict(settings), secret_settings=tuple(sorted(refs)))
