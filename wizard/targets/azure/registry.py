"""The container image of the function app: an ACR registry, an ACR Tasks build of the generated app folder
(route "acr-build"), an already pushed image (route "docker"), and how the app may pull it (AcrPull for its
managed identity, else registry credentials)."""

from __future__ import annotations

import base64
import gzip
import io
import re
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, ClassVar, Mapping
from urllib.parse import quote, unquote, unquote_plus, urlsplit

import requests
from azure.core.exceptions import HttpResponseError
from azure.mgmt.containerregistry.v2019_06_01_preview.models import Argument, DockerBuildRequest, PlatformProperties
from azure.mgmt.containerregistry.v2025_04_01.models import Registry, RegistryUpdateParameters, Sku

from wizard.i18n import _
from wizard.profile import Profile
from wizard.secrets import registry as secret_registry
from wizard.secrets import scrub
from wizard.targets.azure import roles
from wizard.targets.azure.clients import AzureClients
from wizard.targets.azure.config import polling_interval, verify_setting
from wizard.targets.azure.errors import azure_call, error_code_and_message, translate
from wizard.targets.azure.groups import our_tags
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
from wizard.targets.azure.polling import existing_and_ready, resume_or_create, wait_lro, wait_until
from wizard.targets.base import Change, FirstInterface, Observed, Outputs, StepContext, StepFailed, TransientError

BUILD_ESTIMATE_S = 8 * 60.0
_RUN_DONE = {"succeeded"}
_RUN_BAD = {"failed", "canceled", "error", "timeout"}


def registry_name(profile: Profile) -> str:
    """The ACR name: function.registry, else one made from the app name (5-50 letters and digits)."""
    if profile.function.registry:
        return profile.function.registry.split(".")[0].split("/")[0]
    base = re.sub(r"[^a-z0-9]", "", profile.function.app_name.lower()) + "acr"
    return (base + "registry")[:50] if len(base) < 5 else base[:50]


def registry_body(profile: Profile) -> Registry:
    """The registry's PUT body (also what the template export writes: wizard/targets/azure/export.py)."""
    return Registry(location=profile.azure.location, sku=Sku(name="Basic"), admin_user_enabled=False, tags=our_tags(profile))


def repository(profile: Profile) -> str:
    return re.sub(r"[^a-z0-9._-]", "-", profile.function.app_name.lower())


def register_sas(url: str | None) -> None:
    """A SAS URL's signature grants access to the blob: mask it wherever the URL shows up (e.g. debug logs)."""
    # Register the raw spelling too: decoding turns a base64 "+" into a space (or %2B into "+"), and logs
    # show the URL as it was sent.
    for part in urlsplit(url or "").query.split("&"):
        name, _eq, raw = part.partition("=")
        if name.lower() == "sig":
            secret_registry.add(raw)
            secret_registry.add(unquote(raw))
            secret_registry.add(unquote_plus(raw))


def find_registry(clients: AzureClients, name: str = "", *, login_server: str = "") -> Any | None:
    """A registry of this subscription by name or by login server (it may live in another resource group,
    e.g. Azure ML's)."""
    for reg in azure_call(_("listing the container registries"), lambda: list(clients.acr.registries.list())):
        if (name and reg.name.lower() == name.lower()) or (login_server and (reg.login_server or "").lower() == login_server.lower()):
            return reg
    return None


def _registry_group(ctx: StepContext) -> str:
    """The registry's own resource group (a reused registry may live outside the deployment's group)."""
    reg = ctx.outputs["registry"]
    return reg.get("resource_group") or (group_of(reg["id"]) if reg.get("id") else ctx.profile.resource_group.name)


def group_of(resource_id: str) -> str:
    match = re.search(r"/resourcegroups/([^/]+)", resource_id, re.IGNORECASE)
    if not match:
        raise ValueError(f"not a resource id: {resource_id}")
    return match.group(1)


@dataclass(frozen=True)
class RegistryOutputs(Outputs):
    registry: str
    login_server: str = ""
    id: str = ""
    resource_group: str = ""


class RegistryAction(FirstInterface):
    """Create (or reuse) the ACR registry that ACR Tasks builds into. Admin user stays off.

    Registry names are global: one the profile names that already lives in another group of the subscription
    is reused where it is (a PUT in our group would get 409 AlreadyInUse); the app then gets AcrPull on it.
    A registry that exists is adopted as it is: the profile sets none of its settings (the SKU is Basic only
    when created; the admin user is the credentials fallback's to switch on), so nothing is compared."""

    outputs_type: ClassVar[type[Outputs]] = RegistryOutputs
    replace_on: ClassVar[Mapping[str, str]] = {}

    def __init__(self, clients_for: Callable[[Profile], AzureClients]):
        self._clients_for = clients_for

    def _elsewhere(self, clients: AzureClients, profile: Profile) -> Any | None:
        found = find_registry(clients, registry_name(profile))
        if found is not None and group_of(found.id).lower() != profile.resource_group.name.lower():
            return found
        return None

    def desired(self, ctx: StepContext) -> dict[str, Any]:
        return {}

    def observe(self, ctx: StepContext) -> Observed | None:
        clients = self._clients_for(ctx.profile)
        name = registry_name(ctx.profile)
        found = existing_and_ready(
            _("looking for the container registry"), lambda: clients.acr.registries.get(ctx.profile.resource_group.name, name)
        )
        if found is None:
            found = self._elsewhere(clients, ctx.profile)
        return Observed({}, self._outputs(found)) if found is not None else None

    def adopt(self, ctx: StepContext, observed: Observed) -> Outputs:
        assert observed.outputs is not None
        return observed.outputs

    def update(self, ctx: StepContext, observed: Observed, change: Change) -> Outputs:
        return self.adopt(ctx, observed)

    def delete(self, ctx: StepContext, observed: Observed) -> None:
        raise StepFailed(_("The container registry is never replaced; destroy the deployment to delete it."))

    def create(self, ctx: StepContext) -> RegistryOutputs:
        profile = ctx.profile
        clients = self._clients_for(profile)
        group, name = profile.resource_group.name, registry_name(profile)
        elsewhere = self._elsewhere(clients, profile)
        if elsewhere is not None:
            ctx.log(_("Reusing the container registry {name} in the resource group {group}.").format(
                name=elsewhere.name, group=group_of(elsewhere.id)))
            return self._outputs(elsewhere)
        body = registry_body(profile)
        found = resume_or_create(
            ctx,
            lambda: clients.acr.registries.get(group, name),
            lambda: clients.acr.registries.begin_create(group, name, body),
            _("creating the container registry"),
            estimate_s=60,
            name=name,
            name_field="function.registry",
        )
        return self._outputs(found)

    @staticmethod
    def _outputs(found: Any) -> RegistryOutputs:
        # login_server comes from the resource: azurecr.io, azurecr.cn or azurecr.us depending on the cloud.
        return RegistryOutputs(registry=found.name, login_server=found.login_server or "", id=found.id or "",
                               resource_group=group_of(found.id))


# --- the build context ----------------------------------------------------------------------


def build_context(folder: Path) -> bytes:
    """A reproducible tar.gz of the app folder (sorted names, zeroed times), so the same app gives the
    same bytes, the same tag, and a re-run can see that the image already exists."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            info = tar.gettarinfo(str(path), arcname=path.relative_to(folder).as_posix())
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.mode = 0o644
            with path.open("rb") as fh:
                tar.addfile(info, fh)
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def build_app_folder(ctx: StepContext, model_path: Path | None = None) -> tuple[Any, Path]:
    """The generated function app (wizard.appgen.builder) in the deployment's state folder."""
    from wizard.appgen.builder import BuildError, build_app  # imported late: it pulls in scikit-learn

    out = Path(ctx.state_dir) / "app"
    try:
        built = build_app(ctx.profile, out, model_path=model_path)
    except BuildError as exc:
        raise StepFailed(str(exc)) from exc
    return built, Path(built.path)


# --- the build ----------------------------------------------------------------------------------

# Put Blob takes at most 256 MiB in one request on older storage service versions (5000 MiB on current ones;
# learn.microsoft.com/rest/api/storageservices/put-blob): larger contexts go as Put Block + Put Block List.
UPLOAD_BLOCK_BYTES = 32 * 1024 * 1024

TASKS_NOT_ALLOWED = (
    "ACR Tasks are not allowed for this subscription (free trial and some credit offers disable them), so the image "
    'cannot be built in Azure: use the "docker" packaging route instead (function.packaging = "docker"; with a '
    "registry name in function.registry the wizard builds the image on this machine with Docker and pushes it), "
    "then deploy again."
)


def tasks_call(what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """An ACR Tasks call; a subscription without ACR Tasks (400 TasksOperationsNotAllowed) gets its own sentence."""
    try:
        return fn(*args, **kwargs)
    except HttpResponseError as exc:
        if error_code_and_message(exc)[0].lower() == "tasksoperationsnotallowed":
            raise StepFailed(_(
                "ACR Tasks are not allowed for this subscription (free trial and some credit offers disable them), so the image "
                'cannot be built in Azure: use the "docker" packaging route instead (function.packaging = "docker"; with a '
                "registry name in function.registry the wizard builds the image on this machine with Docker and pushes it), "
                "then deploy again."
            ), scrub(error_code_and_message(exc)[1])) from exc
        raise translate(exc, what) from exc


def _blob_put(url: str, data: bytes, headers: dict[str, str]) -> None:
    try:
        answer = requests.put(url, data=data, headers=headers, timeout=300, verify=verify_setting())
    except requests.RequestException as exc:
        raise TransientError(_("Uploading the build context failed ({error}); trying again.").format(
            error=scrub(str(exc)))) from exc
    if answer.status_code >= 500 or answer.status_code == 429:
        raise TransientError(_("The registry's upload answered {status}; trying again.").format(status=answer.status_code))
    if answer.status_code >= 400:
        raise StepFailed(_("The registry refused the build context upload ({status}).").format(status=answer.status_code),
                         scrub(answer.text[:500]))


def upload_context(url: str, context: bytes) -> None:
    """One Put Blob for a small context; Put Block per UPLOAD_BLOCK_BYTES + Put Block List for a large one."""
    if len(context) <= UPLOAD_BLOCK_BYTES:
        _blob_put(url, context, {"x-ms-blob-type": "BlockBlob", "Content-Type": "application/octet-stream"})
        return
    ids = []
    for index, start in enumerate(range(0, len(context), UPLOAD_BLOCK_BYTES)):
        block_id = base64.b64encode(f"block-{index:08d}".encode()).decode()  # ids of one blob share one length
        ids.append(block_id)
        _blob_put(f"{url}&comp=block&blockid={quote(block_id, safe='')}", context[start:start + UPLOAD_BLOCK_BYTES],
                  {"Content-Type": "application/octet-stream"})
    body = '<?xml version="1.0" encoding="utf-8"?><BlockList>' + "".join(f"<Latest>{i}</Latest>" for i in ids) + "</BlockList>"
    _blob_put(f"{url}&comp=blocklist", body.encode(), {"Content-Type": "application/xml"})


def context_tag(folder: Path) -> str:
    """The acr-build route's content tag: the app's fingerprint as the image holds it (the docker route's and the
    local target's too), imported late because the builder pulls in scikit-learn."""
    from wizard.appgen.builder import app_fingerprint

    return app_fingerprint(folder)


def _status(run: Any) -> str:
    return str(getattr(run.status, "value", run.status) or "").lower()


class AcrBuildAction(FirstInterface):
    """Route "acr-build": upload the app folder and let ACR Tasks build and push the image, with live logs.

    Desired state: `<login server>/<repository>:<content tag>`, the tag being the hash of the app folder's
    reproducible build context (model file, score.py, requirements, Dockerfile). Observed: a succeeded ACR Tasks
    run of the registry that pushed that tag (read through ARM, so the registry's data plane, which network rules
    may close, is not needed). Found: no change. Not found: an update (image old -> new) when the last deploy
    pushed another tag, else a create. Both build and push."""

    outputs_type: ClassVar[type[Outputs]] = PackageOutputs
    replace_on: ClassVar[Mapping[str, str]] = {}

    def __init__(self, clients_for: Callable[[Profile], AzureClients]):
        self._clients_for = clients_for
        self._content = ContentTag(context_tag)

    @staticmethod
    def _image(ctx: StepContext, login_server: str, tag: str) -> str:
        return f"{login_server}/{repository(ctx.profile)}:{tag}"

    def desired(self, ctx: StepContext) -> dict[str, Any]:
        _built, tag = self._content(ctx)
        reg = registry_of(ctx)
        login_server = reg["login_server"] if reg is not None else registry_name(ctx.profile)
        return {IMAGE: self._image(ctx, login_server, tag)}

    def observe(self, ctx: StepContext) -> Observed | None:
        reg = registry_of(ctx)
        if reg is None:
            return None  # no registry yet: nothing was pushed
        built, tag = self._content(ctx)
        clients = self._clients_for(ctx.profile)
        group, name = _registry_group(ctx), reg["registry"]
        runs = tasks_call(_("listing the registry's builds"), lambda: list(clients.acr_tasks.runs.list(group, name, top=50)))
        wanted = f"{repository(ctx.profile)}:{tag}"
        for run in runs:
            for out in run.output_images or []:
                if _status(run) in _RUN_DONE and f"{out.repository}:{out.tag}" == wanted:
                    image = self._image(ctx, reg["login_server"], tag)
                    outputs = PackageOutputs(image=image, tag=image, digest=out.digest or "", run_id=run.run_id,
                                             **self._registry_outputs(ctx), **app_facts(built, ctx.profile))
                    return Observed({IMAGE: image}, outputs)
        return changed_from(ctx)

    def adopt(self, ctx: StepContext, observed: Observed) -> Outputs:
        assert observed.outputs is not None
        return observed.outputs

    def update(self, ctx: StepContext, observed: Observed, change: Change) -> PackageOutputs:
        return self.create(ctx)  # a new tag: build and push it (the old image stays in the registry)

    def delete(self, ctx: StepContext, observed: Observed) -> None:
        raise never_replaced()

    def create(self, ctx: StepContext) -> PackageOutputs:
        profile = ctx.profile
        clients = self._clients_for(profile)
        group, name = _registry_group(ctx), ctx.outputs["registry"]["registry"]
        ctx.report(0.02, _("Generating the function app"))
        built, folder = build_app_folder(ctx)
        from wizard.appgen.builder import profile_hash  # late, as build_app_folder: the builder pulls in scikit-learn

        context = build_context(folder)
        tag = context_tag(folder)
        image = self._image(ctx, ctx.outputs["registry"]["login_server"], tag)
        ctx.log(_("Uploading the build context ({size} KiB) to {registry}").format(size=len(context) // 1024, registry=name))
        upload = tasks_call(_("asking the registry for an upload address"), clients.acr_tasks.registries.get_build_source_upload_url, group, name)
        register_sas(upload.upload_url)
        upload_context(upload.upload_url, context)
        request = DockerBuildRequest(
            source_location=upload.relative_path,
            docker_file_path="Dockerfile",
            # The profile's hash is the image's label only (a build argument), so settings outside the image
            # leave the Dockerfile and the content tag alone.
            arguments=[Argument(name="PROFILE_HASH", value=profile_hash(profile), is_secret=False)],
            image_names=[f"{repository(profile)}:{tag}"],
            is_push_enabled=True,
            platform=PlatformProperties(os="Linux", architecture="amd64"),
            timeout=3600,
        )
        run = wait_lro(
            ctx,
            lambda: tasks_call(_("starting the image build"), clients.acr_tasks.registries.begin_schedule_run, group, name, request),
            _("starting the image build"),
            estimate_s=10,
            span=(0.05, 0.1),
        )
        run_id = run.run_id
        ctx.log(_("ACR build {run} started for {image}").format(run=run_id, image=image))
        done = self._follow(ctx, clients, group, name, run_id)
        digest = next((o.digest or "" for o in done.output_images or [] if o.tag == tag), "")
        return PackageOutputs(image=image, tag=image, digest=digest, run_id=run_id, **self._registry_outputs(ctx),
                              **app_facts(built, profile))

    @staticmethod
    def _registry_outputs(ctx: StepContext) -> dict[str, Any]:
        reg = ctx.outputs["registry"]
        return {"registry": reg["registry"], "login_server": reg["login_server"], "registry_id": reg["id"]}

    def _follow(self, ctx: StepContext, clients: AzureClients, group: str, name: str, run_id: str) -> Any:
        """Poll the run, streaming new lines of its log as they arrive; fail with the log's tail."""
        offset = 0
        tail: list[str] = []
        log_link: str | None = None

        def read_log() -> None:
            nonlocal offset, log_link
            if log_link is None:
                try:
                    log_link = clients.acr_tasks.runs.get_log_sas_url(group, name, run_id).log_link
                    register_sas(log_link)
                except HttpResponseError:
                    return  # the log blob appears a moment after the run starts
            try:
                response = requests.get(log_link, headers={"Range": f"bytes={offset}-"}, timeout=30, verify=verify_setting())
            except requests.RequestException:
                return  # a missed chunk is read on the next poll
            if response.status_code not in (200, 206) or not response.content:
                return
            chunk = response.content
            end = chunk.rfind(b"\n") + 1  # only whole lines; the rest comes with the next read
            if end == 0:
                return
            offset += end
            for line in chunk[:end].decode("utf-8", "replace").splitlines():
                ctx.log(line)
                tail.append(line)
                del tail[:-20]

        def probe() -> Any | None:
            read_log()
            try:
                run = clients.acr_tasks.runs.get(group, name, run_id)
            except HttpResponseError as exc:
                raise translate(exc, _("following the image build")) from exc
            status = _status(run)
            return run if status in _RUN_DONE or status in _RUN_BAD else None

        run = wait_until(ctx, probe, _("building the image"), timeout_s=3600, estimate_s=BUILD_ESTIMATE_S, span=(0.1, 0.98),
                         interval_s=polling_interval())
        read_log()
        status = _status(run)
        if status not in _RUN_DONE:
            raise StepFailed(
                _("The image build {run} ended with status {status}. The last lines of its log are in the step's details; "
                  "fix the model, entry script or requirements and deploy again.").format(run=run_id, status=status),
                scrub("\n".join(tail)),
            )
        return run


class PushedImageAction(FirstInterface):
    """Route "docker": the image is already in a registry. function.registry is an ACR name of this subscription
    (the image is then `<its login server>/<app name>:latest`) or a full image reference `host/repo:tag`.

    Nothing is created: the desired image is the profile's reference; observed is the image the last deploy
    used (an update, image old -> new, when function.registry names another one), else the wanted one as it is."""

    outputs_type: ClassVar[type[Outputs]] = PackageOutputs
    replace_on: ClassVar[Mapping[str, str]] = {}

    def __init__(self, clients_for: Callable[[Profile], AzureClients]):
        self._clients_for = clients_for
        self._facts = ContentTag(lambda folder: "")

    def _wanted(self, ctx: StepContext) -> PackageOutputs:
        profile = ctx.profile
        ref = profile.function.registry
        if not ref:
            raise StepFailed(_(
                'The "docker" packaging route needs function.registry: an ACR name or a full image reference '
                "(myregistry.azurecr.io/my-app:1)."
            ))
        clients = self._clients_for(profile)
        if "/" in ref:
            image = ref if ":" in ref.split("/")[-1] else f"{ref}:latest"
            login_server = ref.split("/")[0]
            found = find_registry(clients, login_server=login_server)  # None: not an ACR of this subscription
            name = found.name if found is not None else login_server.split(".")[0]
        else:
            # The login server differs per cloud (azurecr.io, azurecr.cn, azurecr.us): read it from the registry.
            name = ref
            found = find_registry(clients, name)
            if found is None:
                raise StepFailed(_(
                    "The container registry {name} is not in this subscription. Give function.registry as the full image "
                    "reference (<login server>/<repository>:<tag>), or the name of a registry in this subscription."
                ).format(name=name))
            login_server = found.login_server
            image = f"{login_server}/{repository(profile)}:latest"
        registry_id = found.id if found is not None else ""
        built, _tag = self._facts(ctx)  # the same settings the image was built with
        return PackageOutputs(image=image, tag=image, login_server=login_server, registry=name, registry_id=registry_id,
                              **app_facts(built, profile))

    def desired(self, ctx: StepContext) -> dict[str, Any]:
        return {IMAGE: self._wanted(ctx).image}

    def observe(self, ctx: StepContext) -> Observed | None:
        wanted = self._wanted(ctx)
        last = previous(ctx)
        return Observed({IMAGE: last.content_ref if last is not None else wanted.image}, wanted)

    def adopt(self, ctx: StepContext, observed: Observed) -> Outputs:
        assert observed.outputs is not None
        return observed.outputs

    def update(self, ctx: StepContext, observed: Observed, change: Change) -> Outputs:
        return self.adopt(ctx, observed)  # observe() computed the new image's outputs

    def delete(self, ctx: StepContext, observed: Observed) -> None:
        raise never_replaced()

    def create(self, ctx: StepContext) -> PackageOutputs:
        return self._wanted(ctx)


# --- pull access -----------------------------------------------------------------------------


def role_assignment_name(scope: str, principal_id: str) -> str:
    """Deterministic, so a re-run finds (not duplicates) the assignment."""
    return roles.assignment_name(scope, principal_id, roles.ACR_PULL)


def registry_credentials(clients: AzureClients, registry_id: str, name: str) -> tuple[str, str]:
    """Admin user name and password of an ACR registry; a secret. Only reads: the app-settings step's preview
    calls it too, so switching the admin user on is the registry-access step's (enable_admin_user)."""
    group = group_of(registry_id)
    reg = azure_call(_("reading the container registry"), clients.acr.registries.get, group, name)
    if not reg.admin_user_enabled:
        raise StepFailed(_("The admin user of the container registry {name} is off, so the app cannot pull with its "
                           "credentials; deploy again to switch it on.").format(name=name))
    creds = azure_call(_("reading the registry credentials"), clients.acr.registries.list_credentials, group, name)
    password = creds.passwords[0].value
    secret_registry.add(password)
    return creds.username, password


def enable_admin_user(clients: AzureClients, registry_id: str, name: str) -> None:
    """Switch the registry's admin user on (the credentials fallback), unless it is on already."""
    group = group_of(registry_id)
    reg = azure_call(_("reading the container registry"), clients.acr.registries.get, group, name)
    if not reg.admin_user_enabled:
        wait_lro_plain(lambda: clients.acr.registries.begin_update(group, name, RegistryUpdateParameters(admin_user_enabled=True)))


def wait_lro_plain(start: Callable[[], Any]) -> Any:
    try:
        return start().result()
    except HttpResponseError as exc:
        raise translate(exc, _("updating the container registry")) from exc


@dataclass(frozen=True)
class RegistryAccessOutputs(Outputs):
    pull: str  # "managed-identity" | "credentials" | "anonymous"
    login_server: str = ""


class RegistryAccessAction(FirstInterface):
    """Let the function app pull its image: AcrPull for its managed identity when we may assign roles;
    otherwise (no permission, or not an ACR) registry credentials in the app settings.

    observe: the AcrPull assignment of the app's identity on the registry (a deterministic name), found or not;
    not found is a create (which falls back to credentials when roles may not be assigned, as before). Without
    a registry of ours there is nothing to create: the pull is anonymous or by the credentials the package has."""

    outputs_type: ClassVar[type[Outputs]] = RegistryAccessOutputs
    replace_on: ClassVar[Mapping[str, str]] = {}

    def __init__(self, clients_for: Callable[[Profile], AzureClients]):
        self._clients_for = clients_for

    def desired(self, ctx: StepContext) -> dict[str, Any]:
        return {}

    @staticmethod
    def _without_registry(package: Any) -> RegistryAccessOutputs:
        pull = "credentials" if package.get("pull") == "credentials" else "anonymous"
        return RegistryAccessOutputs(pull=pull, login_server=package["login_server"])

    def observe(self, ctx: StepContext) -> Observed | None:
        package = ctx.outputs.get("package", {})
        principal = ctx.outputs.get("function-app", {}).get("principal_id")
        scope = package.get("registry_id")
        if not scope:
            return Observed({}, self._without_registry(package)) if package else None
        if not principal or not roles.has(self._clients_for(ctx.profile), scope, principal, roles.ACR_PULL):
            return None
        return Observed({}, RegistryAccessOutputs(pull="managed-identity", login_server=package["login_server"]))

    def adopt(self, ctx: StepContext, observed: Observed) -> Outputs:
        assert observed.outputs is not None
        return observed.outputs

    def update(self, ctx: StepContext, observed: Observed, change: Change) -> Outputs:
        return self.adopt(ctx, observed)  # nothing is compared: found is right

    def delete(self, ctx: StepContext, observed: Observed) -> None:
        raise StepFailed(_("The AcrPull role assignment is never replaced."))

    def create(self, ctx: StepContext) -> RegistryAccessOutputs:
        package = ctx.outputs["package"]
        principal = ctx.outputs["function-app"].get("principal_id")
        scope = package.get("registry_id")
        if not scope:
            return self._without_registry(package)
        clients = self._clients_for(ctx.profile)
        try:
            roles.assign(ctx, clients, scope, principal, roles.ACR_PULL, _("giving the function app pull access to the registry"))
        except roles.RoleForbidden:
            ctx.log(_(
                "You may not assign roles on the registry (needs Owner or User Access Administrator); "
                "the app will pull with the registry's admin credentials instead."
            ))
            enable_admin_user(clients, scope, package["registry"])
            return RegistryAccessOutputs(pull="credentials", login_server=package["login_server"])
        ctx.log(_("Granted AcrPull on {registry} to the function app's identity.").format(registry=package["registry"]))
        return RegistryAccessOutputs(pull="managed-identity", login_server=package["login_server"])
