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

import shutil
import threading
from pathlib import Path
from typing import Any, Callable

from wizard.i18n import _
from wizard.profile import Profile
from wizard.targets.base import Endpoint, Step, StepFailed
from wizard.targets.local import container_app, function_host, processes
from wizard.targets.local import resource_group as rg
from wizard.targets.local.cache_access_step import CacheAccessAction
from wizard.targets.local.cache_step import CacheAction
from wizard.targets.local.common import cache_shape, group_path, plan_name
from wizard.targets.local.function_app_step import FunctionAppAction
from wizard.targets.local.function_keys_step import FunctionKeysAction
from wizard.targets.local.group_step import ResourceGroupAction
from wizard.targets.local.hosting_plan_step import PlanAction
from wizard.targets.local.package_step import PackageAction
from wizard.targets.local.smoke_step import SmokeTestAction
from wizard.targets.local.storage_step import StorageAction

__all__ = ["LocalTarget", "destroy_group", "cache_shape", "CacheAction", "ResourceGroupAction"]


# --- the target -------------------------------------------------------------------------------


class LocalTarget:
    """Deploys the profile onto this machine; resources keep running after the CLI exits."""

    name = "local"

    def steps(self, profile: Profile) -> list[Step]:
        cache_estimate = 4.0 if cache_shape(profile)["shards"] else 0.5
        return container_app.with_containers(profile, [
            Step("resource-group", _("Create the resource group folder"),
                 _("local resource group {name}").format(name=profile.resource_group.name),
                 (), ResourceGroupAction(), estimate_s=0.1),
            Step("cache", _("Start the Redis cache"), _("redis-server cache {name}").format(name=profile.cache.name),
                 ("resource-group",), CacheAction(), estimate_s=cache_estimate, retries=1),
            Step("cache-access", _("Fetch the cache access keys"), _("primary and secondary access keys"),
                 ("cache",), CacheAccessAction(), estimate_s=0.1),
            Step("storage", _("Create the storage folder"),
                 _("storage account stand-in {name}").format(name=profile.function.storage_account),
                 ("resource-group",), StorageAction(), estimate_s=0.1),
            Step("package", _("Build the function app package"),
                 _("app package + Python environment for {app}").format(app=profile.function.app_name),
                 ("resource-group",), PackageAction(), estimate_s=3.0, retries=1),
            Step("plan", _("Create the hosting plan"),
                 _("hosting plan {name} ({sku})").format(name=plan_name(profile), sku=profile.function.plan_sku),
                 ("resource-group",), PlanAction(), estimate_s=0.1),
            Step("function-app", _("Start the function app with its app settings"),
                 _("functions host for {app} (app settings included)").format(app=profile.function.app_name),
                 ("package", "plan", "storage", "cache-access"), FunctionAppAction(), estimate_s=3.0, retries=1),
            Step("function-keys", _("Fetch the function keys"), _("default and master function keys"),
                 ("function-app",), FunctionKeysAction(), estimate_s=0.2),
            Step("smoke-test", _("Call the function"), _("a POST of the sample input"),
                 ("function-app", "function-keys"), SmokeTestAction(), estimate_s=0.5, retries=2),
        ])

    def endpoint(self, profile: Profile, outputs: dict[str, dict[str, Any]]) -> Endpoint:
        group = group_path(profile)
        app = profile.function.app_name
        state = function_host.read_state(group, app)
        port = state.port if state else (outputs.get("function-app") or {}).get("port")
        if not port:
            raise StepFailed(_("The function app {app} has not been deployed; run `mlfunc-wizard deploy` first.").format(app=app))
        keys = rg.get_keys(group, "functions", app)
        auth = (profile.function.trigger.auth_level or "function").lower()
        key = keys.get("master" if auth == "admin" else "default", "")
        base = f"http://127.0.0.1:{port}"
        return Endpoint(url=f"{base}/api/score", key=key, auth_header="x-functions-key", health_url=f"{base}/api/health")

    def resources(self, profile: Profile) -> list[str]:
        from wizard.targets.local.status import describe_group

        return describe_group(group_path(profile))

    def before_run(self, profile: Profile) -> Any:
        from wizard.targets.local import failed_run, packaging  # issue 12 items 3 and 11 (H1)

        packaging.remove_stale_builds_quietly()  # every run, even when the package step is adopted
        return failed_run.snapshot(profile)

    def after_failed_run(self, profile: Profile, before: Any, *, first_run: bool, log: Callable[[str], None]) -> None:
        from wizard.targets.local import failed_run

        failed_run.after_failed_run(profile, before, first_run=first_run, log=log)

    def destroy(self, profile: Profile, log: Callable[[str], None], cancel_event: threading.Event,
                typed_name: str | None = None) -> None:
        # Local groups are always checked by their manifest (created-by), typed name or not.
        container_app.remove_containers(profile, log)
        destroy_group(group_path(profile), log, cancel_event)


def destroy_group(folder: Path, log: Callable[[str], None], cancel_event: threading.Event) -> None:
    """Stop every process of the group by PID (SIGTERM, then SIGKILL), then delete its folder."""
    if not folder.exists():
        log(_("The resource group folder {folder} does not exist; nothing to delete.").format(folder=folder))
        return
    try:
        rg.refuse_if_foreign(folder)
    except rg.ResourceGroupError as exc:
        raise StepFailed(str(exc)) from None
    from wizard.targets.local.status import owned_processes

    # The function hosts first (they use the cache), then the cache nodes.
    for proc in sorted(owned_processes(folder), key=lambda p: p.get("role") != "function-host"):
        if cancel_event.is_set():
            log(_("Cancelled; the remaining processes and the folder are kept."))
            return
        pid = proc["pid"]
        if not proc["alive"]:
            continue
        if not proc["ours"]:
            log(proc.get("why_not_ours") or _("pid {pid} is not provably a {role} of this group; left alone.").format(
                pid=pid, role=proc["role"]))
            continue
        log(_("Stopping {role} {resource} {node} (pid {pid}, port {port}).").format(
            role=proc["role"], resource=proc["resource"], node=proc["node"], pid=pid, port=proc["port"]))
        if not processes.stop_owned(proc, timeout=5.0, log=log):
            raise StepFailed(_("Could not stop pid {pid}; stop it yourself and run destroy again.").format(pid=pid))
    if cancel_event.is_set():
        return
    shutil.rmtree(folder, ignore_errors=True)
    if folder.exists():
        raise StepFailed(_("Could not delete {folder} completely; remove what is left and run destroy again.").format(
            folder=folder))
    log(_("Deleted {folder}.").format(folder=folder))
