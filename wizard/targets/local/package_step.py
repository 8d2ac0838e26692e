"""The local package step: the generated function app and its Python environment."""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Mapping

from wizard.i18n import _
from wizard.profile import Profile
from wizard.targets.base import Change, FirstInterface, Observed, Outputs, OutputsMismatch, StepContext, StepFailed
from wizard.targets.local import function_host
from wizard.targets.local.common import (
    package_folder,
    require_group,
)
from wizard.targets.local.packaging import PackageError, ensure_env


@dataclass(frozen=True)
class PackageOutputs(Outputs):
    app_dir: str
    app_sha: str
    model_name: str
    model_version: str
    env_python: str
    function_names: tuple[str, ...] = ()
    routes: tuple[str, ...] = ()
    env_sha: str = ""
    env_reused: bool = False
    env_fallback: bool = False


def package_sha(folder: Path) -> str:
    """The package's fingerprint: the files the app serves (the same hash the image routes tag with; the app
    settings example is left out, it changes with settings that belong to the function app)."""
    from wizard.appgen.builder import app_fingerprint  # late: the builder pulls in scikit-learn

    return app_fingerprint(folder)


class PackageAction(FirstInterface):
    RECORD = "package.json"
    outputs_type: ClassVar[type[Outputs]] = PackageOutputs
    replace_on: ClassVar[Mapping[str, str]] = {}

    def __init__(self) -> None:
        self._fresh: tuple[object, str] | None = None  # (profile, sha of a fresh build): desired() runs once per use

    def _record_file(self, profile: Profile) -> Path:
        return package_folder(profile).parent / f"{profile.function.app_name}.{self.RECORD}"

    def desired(self, ctx: StepContext) -> dict[str, Any]:
        """The hash a fresh build would have: build into a scratch folder (cheap; deterministic)."""
        if self._fresh is None or self._fresh[0] is not ctx.profile:
            from wizard.appgen.builder import BuildError, build_app

            scratch = Path(tempfile.mkdtemp(prefix=f".check-{ctx.profile.function.app_name}-"))
            try:
                build_app(ctx.profile, scratch / "app")
                self._fresh = (ctx.profile, package_sha(scratch / "app"))
            except BuildError as exc:
                raise StepFailed(str(exc)) from None
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
        return {"app package": self._fresh[1]}

    def observe(self, ctx: StepContext) -> Observed | None:
        try:
            record = json.loads(self._record_file(ctx.profile).read_text(encoding="utf-8"))
            outputs = PackageOutputs.from_dict(record)
        except (OSError, ValueError, TypeError, OutputsMismatch):
            return None
        app_dir = package_folder(ctx.profile)
        if not app_dir.is_dir():
            return None
        # An edited or half-written package shows as a different hash.
        have = package_sha(app_dir)
        repair = "" if Path(outputs.env_python).exists() else _("its Python environment is gone; deploy builds it again")
        return Observed({"app package": have}, outputs, repair=repair)

    def create(self, ctx: StepContext) -> PackageOutputs:
        return self._build(ctx)

    def update(self, ctx: StepContext, observed: Observed, change: Change) -> PackageOutputs:
        return self._build(ctx)  # the folder is regenerated in place; the environment is reused when it fits

    def adopt(self, ctx: StepContext, observed: Observed) -> Outputs:
        assert observed.outputs is not None
        return observed.outputs

    def delete(self, ctx: StepContext, observed: Observed) -> None:
        shutil.rmtree(package_folder(ctx.profile), ignore_errors=True)

    def _build(self, ctx: StepContext) -> PackageOutputs:
        from wizard.appgen.builder import BuildError, build_app

        if ctx.profile.function.trigger.type == "service-bus-queue":
            raise StepFailed(_("A Service Bus queue trigger needs Azure Service Bus; the local target serves HTTP "
                               "and blob triggers. Deploy this profile to Azure, or set function.trigger.type to "
                               "http or blob."))
        require_group(ctx.profile)
        app_dir = package_folder(ctx.profile)
        app_dir.parent.mkdir(parents=True, exist_ok=True)
        ctx.report(0.05, _("Generating the function app"))
        try:
            built = build_app(ctx.profile, app_dir)
        except BuildError as exc:
            raise StepFailed(str(exc)) from None
        for warning in built.warnings:
            ctx.log(_("warning: {warning}").format(warning=warning))
        ctx.log(_("Generated the function app in {app_dir} (model {model_name} {model_version}).").format(
            app_dir=app_dir, model_name=built.model_name, model_version=built.model_version))
        ctx.check_cancelled()
        ctx.report(0.2, _("Building the app's Python environment"))
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
        return PackageOutputs.from_dict(record)
