"""Azure route "docker": build the function app image here (live build lines), push it to the profile's ACR.

Sign-in is `az acr login`'s: the ARM token is exchanged at https://<login server>/oauth2/exchange for an ACR
refresh token (user 00000000-0000-0000-0000-000000000000), used for this push only and masked everywhere. The
function app then runs exactly the pushed digest (<login server>/<repository>@sha256:...), pulled with its
managed identity (the registry-access step gives it AcrPull).

Desired state: `<login server>/<repository>:<content tag>` (the tag hashes the app folder's files). Observed:
whether the registry serves a manifest for that tag (a HEAD on its data plane, the same sign-in as the push).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, ClassVar, Mapping

from wizard.i18n import _
from wizard.profile import Profile
from wizard.secrets import registry as secret_registry
from wizard.targets.azure.acr_tags import manifest_digest
from wizard.targets.azure.clients import AzureClients
from wizard.targets.azure.config import verify_setting
from wizard.targets.azure.package import (
    IMAGE,
    ContentTag,
    PackageOutputs,
    app_facts,
    changed_from,
    never_replaced,
    previous,
    registry_of,
)
from wizard.targets.azure.registry import build_app_folder, registry_name, repository
from wizard.targets.base import Cancelled, Change, FirstInterface, Observed, Outputs, StepContext, StepFailed

BUILD_ESTIMATE_S = 120


def _app_tag(folder: Path) -> str:
    """A tag from the app's files as the image holds them: the same app gets the same tag (and the registry says
    "already exists")."""
    from wizard.appgen.builder import app_fingerprint

    return app_fingerprint(folder)


class DockerPushAction(FirstInterface):
    """Build the app image with the local Docker engine and push it under its content tag. Found in the registry:
    no change. Not found: an update (image old -> new) when the last deploy pushed another tag, else a create."""

    outputs_type: ClassVar[type[Outputs]] = PackageOutputs
    replace_on: ClassVar[Mapping[str, str]] = {}

    def __init__(self, clients_for: Callable[[Profile], AzureClients]):
        self._clients_for = clients_for
        self._content = ContentTag(_app_tag)

    def _arm_token(self, profile: Profile) -> str:
        clients = self._clients_for(profile)
        token = clients.credential.get_token(clients.cloud.scope).token
        secret_registry.add(token)
        return token

    def desired(self, ctx: StepContext) -> dict[str, Any]:
        _built, tag = self._content(ctx)
        reg = registry_of(ctx)
        login_server = reg["login_server"] if reg is not None else registry_name(ctx.profile)
        return {IMAGE: f"{login_server}/{repository(ctx.profile)}:{tag}"}

    def observe(self, ctx: StepContext) -> Observed | None:
        reg = registry_of(ctx)
        if reg is None:
            return None  # no registry yet: nothing was pushed
        built, tag = self._content(ctx)
        login_server = reg["login_server"]
        remote = f"{login_server}/{repository(ctx.profile)}"
        digest = manifest_digest(login_server, repository(ctx.profile), tag, self._arm_token(ctx.profile),
                                 tenant=ctx.profile.azure.tenant_id, verify=verify_setting())
        if digest is None:
            return changed_from(ctx)
        last = previous(ctx)
        base = last.base_image if last is not None and last.content_ref == f"{remote}:{tag}" else ""
        outputs = PackageOutputs(image=f"{remote}@{digest}" if digest else f"{remote}:{tag}", tag=f"{remote}:{tag}",
                                 digest=digest, login_server=login_server, registry=reg["registry"],
                                 registry_id=reg.get("id") or "", base_image=base, **app_facts(built, ctx.profile))
        return Observed({IMAGE: f"{remote}:{tag}"}, outputs)

    def adopt(self, ctx: StepContext, observed: Observed) -> Outputs:
        assert observed.outputs is not None
        return observed.outputs

    def update(self, ctx: StepContext, observed: Observed, change: Change) -> PackageOutputs:
        return self.create(ctx)  # a new tag: build it and push it (the registry keeps the shared layers)

    def delete(self, ctx: StepContext, observed: Observed) -> None:
        raise never_replaced()

    def create(self, ctx: StepContext) -> PackageOutputs:
        from wizard.appgen.builder import profile_hash
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
            ctx.report(0.05, _("Preparing the base image"))
            base = ensure_base_image(engine, profile.function.python_version or "3.11", log=ctx.log,
                                     cancel_event=ctx.cancel_event)
            ctx.log(base.reason)
            if base.kind == "stand-in":
                ctx.log(_("Azure will run the local stand-in base, not the official Functions image: fine for a test "
                          "registry; for Azure itself make mcr.microsoft.com reachable and deploy again."))

            def on_step(n: int, m: int) -> None:
                ctx.report(0.1 + 0.6 * (n - 1) / max(m, 1), _("Docker build step {step}/{steps}").format(step=n, steps=m))

            result = build_app_image(engine, app_dir, tag=f"mlfunc-wizard/{profile.name}:{tag}", base_image=base.ref,
                                     python_version=profile.function.python_version or "3.11", deployment=profile.name,
                                     profile_hash=profile_hash(profile),
                                     on_line=ctx.log, on_step=on_step, cancel_event=ctx.cancel_event)
            ctx.report(0.7, _("Signing in to {server}").format(server=login_server))
            auth = acr_exchange(login_server, self._arm_token(profile), tenant=profile.azure.tenant_id, verify=verify_setting())
            secret_registry.add(auth.password)
            ctx.report(0.75, _("Pushing to {server}").format(server=login_server))
            remote = f"{login_server}/{repository(profile)}"
            digest = push(engine, result.image_id, repository=remote, tag=tag, auth=auth, on_line=ctx.log,
                          cancel_event=ctx.cancel_event)
        except (BuildCancelled, CommandCancelled, PushCancelled):
            raise Cancelled() from None
        except (BuildFailed, CommandFailed, BaseImageError, RegistryError) as exc:
            raise StepFailed(exc.message, detail=exc.detail) from None
        finally:
            engine.close()
        return PackageOutputs(image=f"{remote}@{digest}", tag=f"{remote}:{tag}", digest=digest, login_server=login_server,
                              registry=reg["registry"], registry_id=reg.get("id") or reg.get("registry_id", ""),
                              base_image=base.ref, **app_facts(built, profile))
