"""The Azure package step's typed outputs and what its routes share for observe -> compare: the content-tagged
image the profile asks for, computed from an app folder generated in a temporary folder (a preview writes nothing)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from wizard.i18n import _
from wizard.profile import Profile
from wizard.targets.base import Observed, Outputs, StepContext, StepFailed

IMAGE = "image"  # the one setting the image routes compare: <login server>/<repository>:<content tag>


@dataclass(frozen=True)
class PackageOutputs(Outputs):
    """What the function-app, registry-access and app-settings steps read from the package step."""

    image: str  # what the function app runs: a tag reference, or <repository>@<digest> (docker route)
    login_server: str = ""
    registry: str = ""
    registry_id: str = ""  # "" when the registry is not an ACR of this subscription
    tag: str = ""  # the content-tagged reference (<login server>/<repository>:<tag>): the desired state
    digest: str = ""
    run_id: str = ""  # acr-build: the ACR Tasks run that pushed the tag
    base_image: str = ""  # docker route: the base the image was built on
    pull: str = ""  # "credentials" when the image's registry needs them (Azure ML)
    model_ref: str = ""  # Azure ML: name:version of the registered model
    content: str = ""  # Azure ML: hash of the generated app folder (without the model)
    app_settings: dict[str, str] = field(default_factory=dict)
    model_name: str = ""
    model_version: str = ""
    function_names: tuple[str, ...] = ()
    routes: tuple[str, ...] = ()
    requirements: tuple[str, ...] = ()

    @property
    def content_ref(self) -> str:
        """The content-tagged reference this outputs stands for (older journals kept only `image`)."""
        return self.tag or self.image


def app_facts(built: Any, profile: Profile) -> dict[str, Any]:
    """Non-secret facts of the generated app the later steps need, as PackageOutputs fields."""
    from wizard.appgen.builder import app_settings

    return {
        "app_settings": dict(app_settings(profile, built)),
        "model_name": built.model_name,
        "model_version": str(built.model_version),
        "function_names": tuple(built.function_names),
        "routes": tuple(built.routes),
        "requirements": tuple(built.requirements),
    }


def previous(ctx: StepContext) -> PackageOutputs | None:
    """The package step's outputs of the last deploy (the journal), if any."""
    found = ctx.outputs.get("package")
    if isinstance(found, PackageOutputs):
        return found
    if isinstance(found, Mapping) and found.get("image"):
        return PackageOutputs.from_dict(found)
    return None


def registry_of(ctx: StepContext) -> Mapping[str, Any] | None:
    """The registry step's outputs (observed in this run or journaled), or None when it has none yet."""
    found = ctx.outputs.get("registry")
    return found if found is not None and found.get("login_server") else None


class ContentTag:
    """The app's content tag for one step context, generated once per context into a temporary folder:
    observe() and desired() both need it, and neither may write the deployment's app folder."""

    def __init__(self, fingerprint: Callable[[Path], str], *, model_in_workspace: bool = False):
        self._fingerprint = fingerprint
        self._model_in_workspace = model_in_workspace
        self._memo: tuple[StepContext, Any, str] | None = None

    def __call__(self, ctx: StepContext) -> tuple[Any, str]:
        """(the generated app's facts, its content tag)."""
        memo = self._memo
        if memo is not None and memo[0] is ctx:
            return memo[1], memo[2]
        from wizard.appgen.builder import BuildError, build_app  # imported late: it pulls in scikit-learn

        with tempfile.TemporaryDirectory(prefix="mlfunc-package-") as tmp:
            try:
                built = build_app(ctx.profile, Path(tmp) / "app", model_in_workspace=self._model_in_workspace)
            except BuildError as exc:
                raise StepFailed(str(exc)) from exc
            tag = self._fingerprint(Path(built.path))
        self._memo = (ctx, built, tag)
        return built, tag


def changed_from(ctx: StepContext) -> Observed | None:
    """The wanted image is not in the registry: the image the last deploy made is what changes (an update,
    image old -> new), or, without one, the image is created."""
    last = previous(ctx)
    if last is None:
        return None
    return Observed({IMAGE: last.content_ref}, handle=last)


def never_replaced() -> StepFailed:
    return StepFailed(_("The package step builds a new image instead of replacing one; run deploy again."))
