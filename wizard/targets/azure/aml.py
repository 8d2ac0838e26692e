"""Route "azureml": package a registered Azure ML model for Functions with SDK v1 (azureml-core +
azureml-contrib-functions). The ONLY module that imports azureml: SDK v1 is out of support since 2026-06-30,
so this route must stay removable without touching anything else."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Callable, ClassVar, Mapping

from azure.core.credentials import TokenCredential

from wizard.i18n import _
from wizard.profile import Profile
from wizard.secrets import registry as secret_registry
from wizard.secrets import scrub
from wizard.targets.azure.clients import AzureClients
from wizard.targets.azure.config import polling_interval
from wizard.targets.azure.package import ContentTag, PackageOutputs, app_facts, never_replaced, previous
from wizard.targets.azure.registry import build_app_folder, find_registry
from wizard.targets.base import Change, FirstInterface, Observed, Outputs, StepContext, StepFailed, TransientError

BUILD_ESTIMATE_S = 12 * 60.0
AZUREML_DEFAULTS = "azureml-defaults>=1.0.45"  # the package service refuses environments without it
_TRIGGERS = {"http": "http", "blob": "blob", "service-bus-queue": "service_bus_queue"}


def _auth(credential: TokenCredential) -> Any:
    """An azureml TokenAuthentication fed by azure-identity: no old CLI login, no token on disk."""
    from azureml.core.authentication import TokenAuthentication

    def get_token_for_audience(audience: str) -> str:
        scope = audience.rstrip("/") + "/.default"
        return credential.get_token(scope).token

    return TokenAuthentication(get_token_for_audience)


def workspace(profile: Profile, credential: TokenCredential) -> Any:
    from azureml.core import Workspace

    source = profile.model.azureml
    try:
        return Workspace(
            subscription_id=source.subscription_id or profile.azure.subscription_id,
            resource_group=source.resource_group,
            workspace_name=source.workspace,
            auth=_auth(credential),
        )
    except Exception as exc:  # azureml raises its own exception family
        raise StepFailed(
            _("Could not open the Azure ML workspace {workspace} in {group}: check model.azureml (subscription, "
              "resource group, workspace) and that your account can read it.").format(
                workspace=source.workspace, group=source.resource_group),
            scrub(str(exc)),
        ) from exc


def list_models(profile: Profile, credential: TokenCredential) -> list[tuple[str, str]]:
    """(name, version) of each registered model; pickers.list_aml_models turns them into choices."""
    from azureml.core.model import Model

    ws = workspace(profile, credential)
    return [(m.name, str(m.version)) for m in Model.list(ws)]


def environment(profile: Profile, requirements: list[str]) -> Any:
    """The inference environment: the app's pinned requirements plus azureml-defaults, on the profile's Python."""
    from azureml.core import Environment
    from azureml.core.conda_dependencies import CondaDependencies

    pip = [AZUREML_DEFAULTS]
    for requirement in requirements:
        name = re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower()
        # The package service brings its own functions worker and azureml-defaults.
        if name and name not in ("azureml-defaults", "azure-functions") and requirement not in pip:
            pip.append(requirement)
    env = Environment(name=f"mlfunc-{re.sub(r'[^a-z0-9-]', '-', profile.function.app_name.lower())}")
    env.python.conda_dependencies = CondaDependencies.create(
        python_version=profile.function.python_version or "3.11", pip_packages=pip
    )
    return env


def inference_config(profile: Profile, app_folder: Path, requirements: list[str]) -> Any:
    """InferenceConfig with the generated cache-aside score.py (init()/run()) and its runtime folder."""
    from azureml.core.model import InferenceConfig

    return InferenceConfig(entry_script="score.py", source_directory=str(app_folder), environment=environment(profile, requirements))


def trigger_options(profile: Profile) -> tuple[str, dict[str, Any]]:
    """`trigger` and its options as package() takes them."""
    trigger = profile.function.trigger
    kind = _TRIGGERS.get(trigger.type)
    if kind is None:
        raise StepFailed(_('The trigger "{trigger}" cannot be packaged by Azure ML; use http, blob or service-bus-queue.').format(
            trigger=trigger.type))
    if kind == "http":
        return kind, {"auth_level": trigger.auth_level or "function"}
    if kind == "blob":
        return kind, {"input_path": trigger.input_path, "output_path": trigger.output_path}
    return kind, {"input_queue_name": trigger.input_queue, "output_queue_name": trigger.output_queue}


def source_tag(folder: Path) -> str:
    """Hash of the generated app folder without the model (entry script, requirements, functions, Dockerfile)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


MODEL = "model.azureml"  # setting: name:version of the registered model
SOURCE = "app package"  # setting: the generated app's content hash


class AmlPackageAction(FirstInterface):
    """package(ws, models, inference_config, functions_enabled=True, trigger=...) with live logs; the image
    lands in the workspace's registry, whose credentials come from get_container_registry().

    Desired state: the registered model (name:version) and the generated app's content hash (built without the
    model, which Azure ML mounts). The package service keeps no index to query by content, so observed is what
    the last deploy packaged (the journal), provided its image's registry is still an ACR of this subscription
    (read through ARM; the app pulls with that registry's credentials). "latest" (no model.azureml.version) always
    packages again: which version it means is known only after asking the workspace."""

    outputs_type: ClassVar[type[Outputs]] = PackageOutputs
    replace_on: ClassVar[Mapping[str, str]] = {}

    def __init__(self, clients_for: Callable[[Profile], AzureClients], credential: Callable[[], TokenCredential]):
        self._clients_for = clients_for
        self._credential = credential
        self._content = ContentTag(source_tag, model_in_workspace=True)

    def desired(self, ctx: StepContext) -> dict[str, Any]:
        source = ctx.profile.model.azureml
        if not source.version:
            return {MODEL: f"{source.name}:latest"}
        return {MODEL: f"{source.name}:{source.version}", SOURCE: self._content(ctx)[1]}

    def observe(self, ctx: StepContext) -> Observed | None:
        last = previous(ctx)
        if last is None or not last.model_ref or not last.registry_id:
            return None  # never packaged, or its registry's credentials cannot be read again: package
        found = find_registry(self._clients_for(ctx.profile), login_server=last.login_server)
        if found is None:
            return None
        return Observed({MODEL: last.model_ref, SOURCE: last.content}, last)

    def adopt(self, ctx: StepContext, observed: Observed) -> Outputs:
        assert observed.outputs is not None
        return observed.outputs

    def update(self, ctx: StepContext, observed: Observed, change: Change) -> PackageOutputs:
        return self.create(ctx)  # another model version or app: package again (a new image)

    def delete(self, ctx: StepContext, observed: Observed) -> None:
        raise never_replaced()

    def create(self, ctx: StepContext) -> PackageOutputs:
        from azureml.contrib.functions import package
        from azureml.core.model import Model

        profile = ctx.profile
        source = profile.model.azureml
        ws = workspace(profile, self._credential())
        try:
            model = Model(ws, name=source.name, version=int(source.version) if source.version else None)
        except Exception as exc:
            raise StepFailed(
                _("The model {name} (version {version}) is not registered in the workspace {workspace}. Pick one from "
                  "the list and deploy again.").format(name=source.name, version=source.version or "latest",
                                                       workspace=source.workspace),
                scrub(str(exc)),
            ) from exc
        # The generated entry script and runtime go in as the source directory; the model file too, so the
        # same score.py runs here and in the local target.
        ctx.report(0.02, _("Downloading the model and generating the entry script"))
        try:
            downloaded = Path(model.download(target_dir=str(Path(ctx.state_dir) / "aml-model"), exist_ok=True))
        except Exception as exc:
            raise TransientError(_("Downloading the model from Azure ML failed ({error}); trying again.").format(
                error=scrub(str(exc))[:200])) from exc
        model_file = downloaded if downloaded.is_file() else next(p for p in sorted(downloaded.rglob("*")) if p.is_file())
        content = self._content(ctx)[1] if source.version else ""
        built, folder = build_app_folder(ctx, model_path=model_file)
        kind, options = trigger_options(profile)
        try:
            pkg = package(ws, [model], inference_config(profile, folder, list(built.requirements)), functions_enabled=True, trigger=kind, **options)
        except Exception as exc:
            raise TransientError(_("Azure ML did not accept the packaging request ({error}); trying again.").format(
                error=scrub(str(exc))[:200])) from exc
        offset = 0
        while True:
            ctx.wait(max(polling_interval(), 0.05))
            pkg.update_creation_state()
            text = pkg.get_logs(decode=True, offset=offset) or ""
            if text:
                offset += len(text.encode("utf-8"))
                for line in text.splitlines():
                    ctx.log(line)
            state = str(pkg.state)
            if state in ("Succeeded", "Failed", "Cancelled", "TimedOut"):
                break
            ctx.report(0.5, _("Azure ML is building the image ({state})").format(state=state))
        if state != "Succeeded":
            raise StepFailed(
                _("Azure ML packaging ended {state}. The build log above says why; fix the entry script or the "
                  "requirements and deploy again.").format(state=state),
                scrub(str(getattr(pkg, "error", "")))
            )
        reg = pkg.get_container_registry()
        secret_registry.add(reg.password)
        ctx.secrets["registry_username"] = reg.username
        ctx.secrets["registry_password"] = reg.password
        found = find_registry(self._clients_for(profile), reg.address.split(".")[0])
        return PackageOutputs(
            image=pkg.location,
            login_server=reg.address,
            registry=reg.address.split(".")[0],
            registry_id=found.id if found is not None else "",
            pull="credentials",
            model_ref=f"{source.name}:{model.version}",
            content=content,
            **app_facts(built, profile),
        )
