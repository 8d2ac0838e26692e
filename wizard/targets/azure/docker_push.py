"""Azure route "docker": build the function app image here (live build lines), push it to the profile's ACR.

Sign-in is `az acr login`'s: the ARM token is exchanged at https://<login server>/oauth2/exchange for an ACR
refresh token (user 00000000-0000-0000-0000-000000000000), used for this push only and masked everywhere. The
function app then runs exactly the pushed digest (<login server>/<repository>@sha256:...), pulled with its
managed identity (the registry-access step gives it AcrPull).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Callable

from wizard.profile import Profile
from wizard.secrets import registry as secret_registry
from wizard.targets.azure.clients import AzureClients
from wizard.targets.azure.config import verify_setting
from wizard.targets.azure.registry import app_outputs, build_app_folder, repository
from wizard.targets.base import Cancelled, StepContext, StepFailed

BUILD_ESTIMATE_S = 120


def _app_tag(folder: Path) -> str:
    """A tag from the app's files: the same app gets the same tag (and the registry says "already exists")."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


class DockerPushAction:
    def __init__(self, clients_for: Callable[[Profile], AzureClients]):
        self._clients_for = clients_for

    def existing(self, ctx: StepContext) -> dict[str, Any] | None:
        return None  # a re-run rebuilds from the layer cache and the registry keeps the layers: cheap and always right

    def run(self, ctx: StepContext) -> dict[str, Any]:
        from wizard.containers.app_image import build_app_image
        from wizard.containers.base_image import BaseImageError, ensure_base_image
        from wizard.containers.build import BuildCancelled, BuildFailed
        from wizard.containers.engine import EngineUnavailable, connect
        from wizard.containers.proc import CommandCancelled, CommandFailed
        from wizard.containers.registry import PushCancelled, RegistryError, acr_exchange, push

        profile = ctx.profile
        reg = ctx.outputs["registry"]
        login_server = reg["login_server"]
        built, app_dir = build_app_folder(ctx)
        tag = _app_tag(app_dir)
        try:
            engine = connect()
        except EngineUnavailable as exc:
            raise StepFailed(exc.message, detail=exc.detail) from None
        try:
            ctx.report(0.05, "Preparing the base image")
            base = ensure_base_image(engine, profile.function.python_version or "3.11", log=ctx.log,
                                     cancel_event=ctx.cancel_event)
            ctx.log(base.reason)
            if base.kind == "stand-in":
                ctx.log("Azure will run the local stand-in base, not the official Functions image: fine for a test "
                        "registry; for Azure itself make mcr.microsoft.com reachable and deploy again.")

            def on_step(n: int, m: int) -> None:
                ctx.report(0.1 + 0.6 * (n - 1) / max(m, 1), f"Docker build step {n}/{m}")

            result = build_app_image(engine, app_dir, tag=f"mlfunc-wizard/{profile.name}:{tag}", base_image=base.ref,
                                     python_version=profile.function.python_version or "3.11", deployment=profile.name,
                                     on_line=ctx.log, on_step=on_step, cancel_event=ctx.cancel_event)
            ctx.report(0.7, f"Signing in to {login_server}")
            cloud = self._clients_for(profile).cloud
            arm_token = self._clients_for(profile).credential.get_token(cloud.scope).token
            secret_registry.add(arm_token)
            auth = acr_exchange(login_server, arm_token, tenant=profile.azure.tenant_id, verify=verify_setting())
            secret_registry.add(auth.password)
            ctx.report(0.75, f"Pushing to {login_server}")
            remote = f"{login_server}/{repository(profile)}"
            digest = push(engine, result.image_id, repository=remote, tag=tag, auth=auth, on_line=ctx.log,
                          cancel_event=ctx.cancel_event)
        except (BuildCancelled, CommandCancelled, PushCancelled):
            raise Cancelled() from None
        except (BuildFailed, CommandFailed, BaseImageError, RegistryError) as exc:
            raise StepFailed(exc.message, detail=exc.detail) from None
        finally:
            engine.close()
        return {"image": f"{remote}@{digest}", "tag": f"{remote}:{tag}", "digest": digest, "login_server": login_server,
                "registry": reg["registry"], "registry_id": reg.get("id") or reg.get("registry_id", ""),
                "base_image": base.ref, **app_outputs(built, profile)}
