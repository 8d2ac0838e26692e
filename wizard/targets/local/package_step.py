"""The local package step: the generated function app and its Python environment."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from wizard.profile import Profile
from wizard.targets.base import StepContext, StepFailed
from wizard.targets.local import function_host
from wizard.targets.local.common import (
    package_folder,
    require_group,
)
from wizard.targets.local.packaging import PackageError, ensure_env


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
        require_group(ctx.profile)
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
