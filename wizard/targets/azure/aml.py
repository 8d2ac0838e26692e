"""Route "azureml": package a registered Azure ML model for Functions with SDK v1 (azureml-core +
azureml-contrib-functions). The ONLY module that imports azureml: SDK v1 is out of support since 2026-06-30,
so this route must stay removable without touching anything else."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

from azure.core.credentials import TokenCredential

from wizard.profile import Profile
from wizard.secrets import registry as secret_registry
from wizard.secrets import scrub
from wizard.targets.azure.clients import AzureClients
from wizard.targets.azure.config import polling_interval
from wizard.targets.azure.registry import app_outputs, build_app_folder, find_registry
from wizard.targets.base import StepContext, StepFailed, TransientError

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
            f"Could not open the Azure ML workspace {source.workspace} in {source.resource_group}: check "
            "model.azureml (subscription, resource group, workspace) and that your account can read it.",
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
        raise StepFailed(f'The trigger "{trigger.type}" cannot be packaged by Azure ML; use http, blob or service-bus-queue.')
    if kind == "http":
        return kind, {"auth_level": trigger.auth_level or "function"}
    if kind == "blob":
        return kind, {"input_path": trigger.input_path, "output_path": trigger.output_path}
    return kind, {"input_queue_name": trigger.input_queue, "output_queue_name": trigger.output_queue}


class AmlPackageAction:
    """package(ws, models, inference_config, functions_enabled=True, trigger=...) with live logs; the image
    lands in the workspace's registry, whose credentials come from get_container_registry()."""

    def __init__(self, clients_for: Callable[[Profile], AzureClients], credential: Callable[[], TokenCredential]):
        self._clients_for = clients_for
        self._credential = credential

    def existing(self, ctx: StepContext) -> dict[str, Any] | None:
        return None  # the package service keeps no index we could query by content; packaging is re-run

    def run(self, ctx: StepContext) -> dict[str, Any]:
        from azureml.contrib.functions import package
        from azureml.core.model import Model

        profile = ctx.profile
        source = profile.model.azureml
        ws = workspace(profile, self._credential())
        try:
            model = Model(ws, name=source.name, version=int(source.version) if source.version else None)
        except Exception as exc:
            raise StepFailed(
                f"The model {source.name} (version {source.version or 'latest'}) is not registered in the workspace "
                f"{source.workspace}. Pick one from the list and deploy again.",
                scrub(str(exc)),
            ) from exc
        # The generated entry script and runtime go in as the source directory; the model file too, so the
        # same score.py runs here and in the local target.
        ctx.report(0.02, "Downloading the model and generating the entry script")
        try:
            downloaded = Path(model.download(target_dir=str(Path(ctx.state_dir) / "aml-model"), exist_ok=True))
        except Exception as exc:
            raise TransientError(f"Downloading the model from Azure ML failed ({scrub(str(exc))[:200]}); trying again.") from exc
        model_file = downloaded if downloaded.is_file() else next(p for p in sorted(downloaded.rglob("*")) if p.is_file())
        built, folder = build_app_folder(ctx, model_path=model_file)
        kind, options = trigger_options(profile)
        try:
            pkg = package(ws, [model], inference_config(profile, folder, list(built.requirements)), functions_enabled=True, trigger=kind, **options)
        except Exception as exc:
            raise TransientError(f"Azure ML did not accept the packaging request ({scrub(str(exc))[:200]}); trying again.") from exc
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
            ctx.report(0.5, f"Azure ML is building the image ({state})")
        if state != "Succeeded":
            raise StepFailed(
                f"Azure ML packaging ended {state}. The build log above says why; fix the entry script or the "
                "requirements and deploy again.",
                scrub(str(getattr(pkg, "error", "")))
            )
        reg = pkg.get_container_registry()
        secret_registry.add(reg.password)
        ctx.secrets["registry_username"] = reg.username
        ctx.secrets["registry_password"] = reg.password
        found = find_registry(self._clients_for(profile), reg.address.split(".")[0])
        return {
            "image": pkg.location,
            "login_server": reg.address,
            "registry": reg.address.split(".")[0],
            "registry_id": found.id if found is not None else "",
            "pull": "credentials",
            **app_outputs(built, profile),
        }
