"""The local target with function.packaging = "docker": the package step builds an image, the function app is a container.

Steps (observe -> compare -> act, like every step; see docs/step-contract.md):
  docker-engine   a check: a Docker engine answers (first, so "no engine" creates nothing)
  package         desired: the image tagged with the app's fingerprint; observed: the image the last build recorded,
                  if the engine still has it. Create/update: generate the app, then `docker build` it on the
                  official Functions image or the local stand-in, every build line a log event as it arrives
  function-app    desired: that image and the app settings; observed: the labelled running container. Create/update:
                  run the image as a container labelled with the deployment (host network on Linux); adopted by
                  label after a resume or a kill -9; new settings recreate it (a container's environment is fixed)
The container's state file (functions/<app>/host-state.json, pid 0: nothing to signal) gives the port to the
function-keys and smoke-test steps, `invoke` and `status`, as the host process's does.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Mapping

from wizard.i18n import _
from wizard.profile import Profile
from wizard.targets.base import (
    Cancelled,
    Change,
    FirstInterface,
    Observed,
    Outputs,
    OutputsMismatch,
    Step,
    StepContext,
    StepFailed,
)
from wizard.targets.local import function_host, processes
from wizard.targets.local import resource_group as rg
from wizard.targets.local.common import (
    FUNCTION_KEYS,
    http_call,
    package_folder,
    require_group,
)
from wizard.targets.local.function_app_step import FunctionAppAction, FunctionAppOutputs
from wizard.targets.local.package_step import PackageOutputs

if TYPE_CHECKING:
    from wizard.containers.engine import Engine

START_TIMEOUT_S = 90.0
# The Docker SDK (~0.3 s to import) loads only when a docker-packaged deployment runs a step.
DEPLOYMENT_LABEL = "io.mlfunc.deployment"
IMAGE_RECORD = "image.json"
# "1": build every layer again (as `docker build --no-cache`), e.g. after the base image or a wheel changed in place.
NO_CACHE_VAR = "MLFUNC_WIZARD_DOCKER_NO_CACHE"


def is_docker(profile: Profile) -> bool:
    return profile.function.packaging == "docker"


def _engine() -> Engine:
    from wizard.containers.engine import EngineUnavailable, connect

    try:
        return connect()
    except EngineUnavailable as exc:
        raise StepFailed(exc.message, detail=exc.detail) from None


# --- docker-engine --------------------------------------------------------------------------


@dataclass(frozen=True)
class EngineOutputs(Outputs):
    host: str
    source: str
    version: str


class EngineCheckAction:
    """A check, run every time: the engine may have stopped since the last run."""

    outputs_type: ClassVar[type[Outputs]] = EngineOutputs

    def check(self, ctx: StepContext) -> EngineOutputs:
        engine = _engine()
        try:
            return EngineOutputs(host=engine.host, source=engine.source, version=engine.version)
        finally:
            engine.close()


# --- package: the image ---------------------------------------------------------------------


def _record_file(profile: Profile) -> Path:
    return package_folder(profile).parent / f"{profile.function.app_name}.{IMAGE_RECORD}"


@dataclass(frozen=True)
class ImageOutputs(PackageOutputs):
    """The package as an image: what the host route's package gives (readers of PackageOutputs get it), plus the image."""

    image: str = ""
    image_id: str = ""
    base_image: str = ""
    base_kind: str = ""


class ImagePackageAction(FirstInterface):
    outputs_type: ClassVar[type[Outputs]] = ImageOutputs
    replace_on: ClassVar[Mapping[str, str]] = {}

    def __init__(self) -> None:
        self._fresh: tuple[object, str] | None = None  # (profile, tag of a fresh build): desired() builds once per profile

    def desired(self, ctx: StepContext) -> dict[str, Any]:
        """The image a build would make: the app generated into a scratch folder, tagged with its fingerprint."""
        if self._fresh is None or self._fresh[0] is not ctx.profile:
            from wizard.appgen.builder import BuildError, build_app
            from wizard.containers.app_image import image_repo

            with tempfile.TemporaryDirectory(prefix=f".check-{ctx.profile.function.app_name}-") as scratch:
                try:
                    build_app(ctx.profile, Path(scratch) / "app")
                except BuildError as exc:
                    raise StepFailed(str(exc)) from None
                tag = f"{image_repo(ctx.profile.name)}:{function_host.tree_sha(Path(scratch) / 'app')}"
            self._fresh = (ctx.profile, tag)
        return {"image": self._fresh[1]}

    def observe(self, ctx: StepContext) -> Observed | None:
        """The image the last build recorded; a repair when the engine no longer has it (pruned by hand)."""
        try:
            outputs = ImageOutputs.from_dict(json.loads(_record_file(ctx.profile).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, OutputsMismatch):
            return None
        if not Path(outputs.app_dir).is_dir() or not outputs.image_id:
            return None
        engine = _engine()
        try:
            engine.client.inspect_image(outputs.image_id)
            repair = ""
        except Exception:  # noqa: BLE001 - any failure means the image is not usable: build it again
            repair = _("the image {image} is no longer in the Docker engine; deploy builds it again").format(
                image=outputs.image)
        finally:
            engine.close()
        return Observed({"image": outputs.image}, outputs, repair=repair)

    def create(self, ctx: StepContext) -> ImageOutputs:
        return ImageOutputs.from_dict(self.run(ctx))

    def update(self, ctx: StepContext, observed: Observed, change: Change) -> ImageOutputs:
        return self.create(ctx)  # a new tag: Docker reuses the unchanged layers

    def adopt(self, ctx: StepContext, observed: Observed) -> Outputs:
        assert observed.outputs is not None
        return observed.outputs

    def delete(self, ctx: StepContext, observed: Observed) -> None:
        raise StepFailed(_("The image is never replaced; a new app is built under a new tag."))

    def run(self, ctx: StepContext) -> dict[str, Any]:
        from wizard.appgen.builder import BuildError, build_app, profile_hash
        from wizard.containers.app_image import build_app_image, image_repo
        from wizard.containers.base_image import BaseImageError, ensure_base_image
        from wizard.containers.build import BuildCancelled, BuildFailed
        from wizard.containers.proc import CommandCancelled, CommandFailed

        profile = ctx.profile
        if profile.function.trigger.type == "service-bus-queue":
            raise StepFailed(_("A Service Bus queue trigger needs Azure Service Bus; the local target serves HTTP and "
                               "blob triggers. Deploy this profile to Azure, or set function.trigger.type to http or "
                               "blob."))
        require_group(profile)
        app_dir = package_folder(profile)
        app_dir.parent.mkdir(parents=True, exist_ok=True)
        ctx.report(0.02, _("Generating the function app"))
        try:
            built = build_app(profile, app_dir)
        except BuildError as exc:
            raise StepFailed(str(exc)) from None
        for warning in built.warnings:
            ctx.log(_("warning: {warning}").format(warning=warning))
        app_sha = function_host.tree_sha(app_dir)
        engine = _engine()
        try:
            ctx.report(0.05, _("Preparing the base image"))
            try:
                base = ensure_base_image(engine, profile.function.python_version or "3.11", log=ctx.log,
                                         cancel_event=ctx.cancel_event)
            except BaseImageError as exc:
                raise StepFailed(exc.message, detail=exc.detail) from None
            ctx.log(base.reason)
            tag = f"{image_repo(profile.name)}:{app_sha}"
            ctx.report(0.1, _("Building the image"))

            def on_step(n: int, m: int) -> None:
                ctx.report(0.1 + 0.9 * (n - 1) / max(m, 1), _("Docker build step {n}/{m}").format(n=n, m=m))

            result = build_app_image(engine, app_dir, tag=tag, base_image=base.ref,
                                     python_version=profile.function.python_version or "3.11",
                                     deployment=profile.name, profile_hash=profile_hash(profile),
                                     on_line=ctx.log, on_step=on_step,
                                     cancel_event=ctx.cancel_event, work_dir=app_dir.parent,
                                     nocache=os.environ.get(NO_CACHE_VAR) == "1")
        except (BuildCancelled, CommandCancelled) as exc:
            # Say what is left: the log view and the CLI show it next to "Cancelled".
            ctx.log(exc.message)
            ctx.log(_("The generated app in {folder} is kept; no container was started.").format(folder=app_dir))
            raise Cancelled() from None
        except (BuildFailed, CommandFailed) as exc:
            raise StepFailed(exc.message, detail=exc.detail) from None
        finally:
            engine.close()
        ctx.log(_("Built {tag} ({image_id}) in {seconds} s on {base}.").format(
            tag=tag, image_id=result.image_id[:19], seconds=f"{result.seconds:.1f}", base=base.ref))
        record = {
            "app_dir": str(app_dir), "app_sha": app_sha, "model_name": built.model_name,
            "model_version": built.model_version, "function_names": list(built.function_names),
            "routes": list(built.routes), "env_python": f"docker:{result.image_id}", "image": tag,
            "image_id": result.image_id, "base_image": base.ref, "base_kind": base.kind,
        }
        tmp = _record_file(profile).with_suffix(".tmp")
        tmp.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        tmp.replace(_record_file(profile))
        return record


# --- function-app and app-settings: the container ----------------------------------------------


def _desired_settings(ctx: StepContext) -> tuple[dict[str, str], dict[str, list[str]]] | None:
    """The app settings for this deployment (like the host route's), or None before the cache exists."""
    from wizard.appgen.builder import BuiltApp, app_settings
    from wizard.containers import containers as ctr

    pkg, cache = ctx.outputs.get("package"), ctx.outputs.get("cache")
    if not pkg or not cache:
        return None
    built = BuiltApp(path=Path(pkg["app_dir"]), model_name=pkg["model_name"], model_version=pkg["model_version"],
                     requirements=[], function_names=list(pkg.get("function_names") or []),
                     routes=list(pkg.get("routes") or []))
    settings = dict(app_settings(ctx.profile, built))
    host = cache["host"]
    if not ctr.use_host_network() and host in ("127.0.0.1", "localhost"):
        host = "host.docker.internal"  # Docker Desktop: the host's loopback through its gateway name
    settings.update({"REDIS_HOST": host, "REDIS_PORT": str(cache["port"]),
                     "REDIS_SSL": "true" if cache["ssl"] else "false"})
    if cache.get("ca_file"):
        settings["REDIS_CA_FILE"] = cache["ca_file"]
    if cache.get("cluster"):
        settings["REDIS_CLUSTER"] = "true"
    return settings, {"REDIS_PASSWORD": ["caches", ctx.profile.cache.name, "primary"]}


def _container_env(group: Path, app: str, blob_root: Path | None) -> dict[str, str]:
    """The container's environment: the app settings (secrets resolved from keys.json) and the function keys,
    nothing of the CLI's own environment (no PATH or HOME from this machine)."""
    doc = function_host.read_settings(group, app)
    full = function_host.host_env(group, app, blob_root)
    wanted = set(doc.get("settings") or {}) | set(doc.get("secret_refs") or {}) | {
        "MLFUNC_FUNCTION_KEY", "MLFUNC_MASTER_KEY", "WEBSITE_SITE_NAME", "FUNCTIONS_WORKER_RUNTIME",
        "MLFUNC_BLOB_ROOT"}
    return {k: v for k, v in full.items() if k in wanted}


def _binds(env: dict[str, str]) -> list[str]:
    binds = []
    if env.get("REDIS_CA_FILE"):
        folder = str(Path(env["REDIS_CA_FILE"]).parent)
        binds.append(f"{folder}:{folder}:ro")
    if env.get("MLFUNC_BLOB_ROOT"):
        binds.append(f"{env['MLFUNC_BLOB_ROOT']}:{env['MLFUNC_BLOB_ROOT']}:rw")
    return binds


def _answers(group: Path, app: str, port: int) -> bool:
    """GET /admin/host/status with the master key answers {"state": "Running"} (the Functions host's status route)."""
    key = rg.get_keys(group, "functions", app).get("master", "")
    try:
        status, _headers, body = http_call("GET", port, "/admin/host/status", headers={"x-functions-key": key}, timeout=1.0)
        return status == 200 and json.loads(body).get("state") == "Running"
    except (OSError, ValueError, http.client.HTTPException):
        return False


def _labels(profile: Profile, image_id: str, settings_sha: str) -> dict[str, str]:
    from wizard.containers import containers as ctr

    return {DEPLOYMENT_LABEL: profile.name, ctr.GROUP_LABEL: profile.resource_group.name,
            ctr.APP_LABEL: profile.function.app_name, ctr.SETTINGS_LABEL: settings_sha, "io.mlfunc.image-id": image_id}


def _write_state(group: Path, app: str, *, port: int, pkg: Any, settings_sha: str, container: Any) -> Any:
    values = {"pid": 0, "port": port, "python": pkg["env_python"], "app_dir": pkg["app_dir"], "app_sha": pkg["app_sha"],
              "settings_sha": settings_sha, "log_file": f"`docker logs {container.name}`"}
    names = {f.name for f in dataclasses.fields(function_host.HostState)}
    if "role" in names:
        values["role"] = "container"
    state = function_host.HostState(**values)  # pid 0: a container, stopped through Docker, never signalled
    function_host.write_state(group, app, state)
    return state


def _outputs(state: Any, container: Any, settings_doc: dict[str, Any]) -> dict[str, Any]:
    base = f"http://127.0.0.1:{state.port}"
    return {"pid": 0, "port": state.port, "url": base, "invoke_url": f"{base}/api/score",
            "health_url": f"{base}/api/health", "log_file": state.log_file, "container": container.name,
            "container_id": container.id[:12], "image_id": container.image_id,
            "settings": settings_doc.get("settings") or {}, "secret_settings": sorted(settings_doc.get("secret_refs") or {})}


@dataclass(frozen=True)
class ContainerAppOutputs(FunctionAppOutputs):
    """The function app as a container: what the host route's function app gives, plus the container."""

    container: str = ""
    container_id: str = ""
    image_id: str = ""


class ContainerAppAction(FirstInterface):
    """function-app (app settings included): exactly one running container of this app, with the current image and
    settings. Desired and observed settings are named as the host route names them, plus `image`."""

    outputs_type: ClassVar[type[Outputs]] = ContainerAppOutputs
    replace_on: ClassVar[Mapping[str, str]] = {}

    def __init__(self, apply_settings: bool = True) -> None:
        self.apply_settings = apply_settings

    def _wanted(self, ctx: StepContext) -> tuple[Any, dict[str, Any]]:
        pkg = ctx.outputs.get("package")
        if not pkg:
            raise StepFailed(_("The package step has no outputs; run deploy again."))
        group = require_group(ctx.profile)
        app = ctx.profile.function.app_name
        desired = _desired_settings(ctx) if self.apply_settings else None
        if desired is not None:
            settings, refs = desired
            doc = {"settings": settings, "secret_refs": refs}
        else:
            doc = function_host.read_settings(group, app)
        return pkg, doc

    @staticmethod
    def _as_settings(image: str, doc: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"image": image}
        out.update(FunctionAppAction._as_settings("", "", doc.get("settings") or {}, doc.get("secret_refs") or {}))
        del out["app package"], out["python"]  # the image carries both
        return out

    def desired(self, ctx: StepContext) -> dict[str, Any]:
        pkg, doc = self._wanted(ctx)
        return self._as_settings(pkg["image"], doc)

    def observe(self, ctx: StepContext) -> Observed | None:
        """The labelled container(s) of this app, read only: extra or stale ones are removed by update()."""
        group = require_group(ctx.profile)
        app = ctx.profile.function.app_name
        if not rg.get_keys(group, "functions", app).get("default"):
            return None  # never created (the keys come with the app)
        from wizard.containers import containers as ctr

        doc = function_host.read_settings(group, app)
        engine = _engine()
        try:
            found = ctr.find(engine, group=ctx.profile.resource_group.name, app=app)
            tags = {c.id: (engine.client.inspect_image(c.image_id).get("RepoTags") or [c.image_id]) for c in found}
        finally:
            engine.close()
        running = [c for c in found if c.running]
        if not running:
            recorded = (ctx.outputs.get("package") or {}).get("image", "")
            return Observed(self._as_settings(recorded, doc), repair=_("no container of the app is running; deploy "
                                                                       "starts one"))
        keep = running[0]
        pkg = ctx.outputs.get("package") or {}
        image = pkg.get("image", "") if pkg.get("image") in tags[keep.id] else tags[keep.id][0]
        state = function_host.read_state(group, app)
        port = state.port if state else 0
        repair = ""
        if len(found) > 1:
            repair = _("{count} containers of the app exist; deploy keeps one").format(count=len(found))
        elif keep.labels.get(ctr.SETTINGS_LABEL) != function_host.settings_sha(doc):
            repair = _("the container runs with older app settings; deploy recreates it")
        elif not port or not _answers(group, app, port):
            repair = _("the container runs but does not answer; deploy recreates it")
        outputs = ContainerAppOutputs.from_dict(_outputs(state, keep, doc)) if state else None
        return Observed(self._as_settings(image, doc), outputs, handle=keep, repair=repair)

    def create(self, ctx: StepContext) -> ContainerAppOutputs:
        return ContainerAppOutputs.from_dict(self.run(ctx))

    def update(self, ctx: StepContext, observed: Observed, change: Change) -> ContainerAppOutputs:
        return self.create(ctx)  # new image or settings: one new container (its environment is fixed at start)

    def adopt(self, ctx: StepContext, observed: Observed) -> Outputs:
        assert observed.outputs is not None and observed.handle is not None
        ctx.log(_("Adopted the running container {name} ({id}).").format(name=observed.handle.name,
                                                                        id=observed.handle.id[:12]))
        return observed.outputs

    def delete(self, ctx: StepContext, observed: Observed) -> None:
        raise StepFailed(_("The function app is never replaced; destroy the deployment to delete it."))

    def run(self, ctx: StepContext) -> dict[str, Any]:
        group = require_group(ctx.profile)
        app = ctx.profile.function.app_name
        rg.ensure_keys(group, "functions", app, FUNCTION_KEYS)  # Azure creates the host keys with the app
        from wizard.containers import containers as ctr

        pkg, doc = self._wanted(ctx)
        if self.apply_settings:
            function_host.write_settings(group, app, doc["settings"], doc["secret_refs"])
            ctx.log(_("Applied the app settings: {names}; recreating the container (its environment is fixed when it "
                      "starts).").format(names=", ".join(sorted([*doc["settings"], *doc["secret_refs"]]))))
        storage = ctx.outputs.get("storage") or {}
        blob_root = Path(storage["blob_root"]) if storage.get("blob_root") else None
        env = _container_env(group, app, blob_root)
        settings_sha = function_host.settings_sha(doc)
        engine = _engine()
        try:
            for old in ctr.find(engine, group=ctx.profile.resource_group.name, app=app):
                ctx.log(_("Removing the previous container {name}.").format(name=old.name))
                ctr.remove(engine, old)
            previous = function_host.read_state(group, app)
            port = previous.port if previous and previous.port and not processes.port_open(previous.port) \
                else processes.free_port()
            name = ctr.container_name(ctx.profile.resource_group.name, app)
            try:
                container = ctr.run(engine, image=pkg["image_id"], name=name, env=env, binds=_binds(env), port=port,
                                    labels=_labels(ctx.profile, pkg["image_id"], settings_sha))
            except ctr.ContainerError as exc:
                raise StepFailed(exc.message, detail=exc.detail) from None
            state = _write_state(group, app, port=port, pkg=pkg, settings_sha=settings_sha, container=container)
            mode = _("host network") if ctr.use_host_network() else _("published on 127.0.0.1")
            ctx.log(_("Started container {name} ({id}) from {image} ({mode}) on {url}; waiting until it answers.").format(
                name=container.name, id=container.id[:12], image=pkg["image"], mode=mode, url=f"http://127.0.0.1:{port}"))
            self._wait_ready(ctx, engine, container, port, group)
            return _outputs(state, container, doc)
        finally:
            engine.close()

    @staticmethod
    def _wait_ready(ctx: StepContext, engine: Engine, container: Any, port: int, group: Path) -> None:
        from wizard.containers import containers as ctr

        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if _answers(group, container.labels.get(ctr.APP_LABEL, ""), port):
                return
            info = ctr.find(engine, group=container.labels.get(ctr.GROUP_LABEL, ""),
                            app=container.labels.get(ctr.APP_LABEL))
            alive = any(c.id == container.id and c.running for c in info)
            if not alive or time.monotonic() > deadline:
                detail = ctr.logs_tail(engine, container.id)
                ctr.remove(engine, container)
                message = _("The function app container exited; its last log lines are in the details.") if not alive \
                    else _("The function app container did not answer within {seconds} s; its last log lines are in "
                           "the details.").format(seconds=f"{START_TIMEOUT_S:.0f}")
                raise StepFailed(message, detail=detail)
            try:
                ctx.wait(0.2)
            except Cancelled:
                ctr.remove(engine, container)  # a half-started container goes; the next deploy starts it again
                raise


# --- wiring and destroy -----------------------------------------------------------------------


def with_containers(profile: Profile, steps: list[Step]) -> list[Step]:
    """The local step list, with packaging "docker": an engine check first, then image and container actions."""
    if not is_docker(profile):
        return steps
    replaced = []
    for step in steps:
        if step.name == "resource-group":
            step = dataclasses.replace(step, needs=(*step.needs, "docker-engine"))
        elif step.name == "package":
            step = dataclasses.replace(step, title="Build the function app image",
                                       creates=f"container image for {profile.function.app_name}",
                                       action=ImagePackageAction(), estimate_s=30.0)
        elif step.name == "function-app":
            step = dataclasses.replace(step, title="Start the function app container",
                                       creates=f"container for {profile.function.app_name} (app settings included)",
                                       action=ContainerAppAction())
        replaced.append(step)
    engine_step = Step("docker-engine", "Check the Docker engine", "nothing (checks that a Docker engine answers)",
                       (), EngineCheckAction(), estimate_s=0.1, retries=0)
    return [engine_step, *replaced]


def remove_containers(profile: Profile, log: Callable[[str], None], *, remove_images: bool = False) -> None:
    """destroy: remove the group's containers; say which image tags are left (or remove them)."""
    if not is_docker(profile):
        return
    from wizard.containers import containers as ctr

    engine = _engine()
    try:
        for container in ctr.find(engine, group=profile.resource_group.name):
            log(_("Removing container {name} ({id}).").format(name=container.name, id=container.id[:12]))
            try:
                ctr.remove(engine, container)
            except ctr.ContainerError as exc:
                raise StepFailed(exc.message) from None
        tags = image_tags(engine, profile.name)
        if remove_images:
            for tag in tags:
                engine.client.remove_image(tag, force=False)
            if tags:
                log(_("Removed the images {images}.").format(images=", ".join(tags)))
        elif tags:
            log(_("The images {images} are kept (Docker reuses their layers); remove them with "
                  "`mlfunc-wizard prune {name}` or `docker rmi`.").format(images=", ".join(tags), name=profile.name))
    finally:
        engine.close()


def image_tags(engine: Engine, deployment: str) -> list[str]:
    from wizard.containers.app_image import image_repo

    images = engine.client.images(filters={"label": f"{DEPLOYMENT_LABEL}={deployment}"})
    repo = image_repo(deployment)
    return sorted(t for img in images for t in (img.get("RepoTags") or []) if t.startswith(repo + ":"))


def status_lines(profile: Profile) -> list[str]:
    """`status`: the deployment's containers, one line each like the host process line (name, short id, image,
    state, port, health); a sentence when the engine does not answer."""
    if not is_docker(profile):
        return []
    from wizard.containers import containers as ctr
    from wizard.containers.engine import EngineUnavailable, connect

    try:
        engine = connect()
    except EngineUnavailable as exc:
        return [_("container     (not listed: {reason})").format(reason=exc.message)]
    try:
        group = rg.group_dir(profile.resource_group.name)
        lines = []
        for found in ctr.find(engine, group=profile.resource_group.name):
            lines.append(_container_line(engine, found, group))
        return lines
    except ctr.ContainerError as exc:
        return [_("container     (not listed: {reason})").format(reason=exc.message)]
    finally:
        engine.close()


def _container_line(engine: Engine, found: Any, group: Path) -> str:
    from docker.errors import DockerException
    from requests.exceptions import RequestException

    from wizard.containers import containers as ctr

    app = found.labels.get(ctr.APP_LABEL, "")
    try:
        data = engine.client.inspect_container(found.id)
        tags = engine.client.inspect_image(found.image_id).get("RepoTags") or []
    except (DockerException, RequestException):
        data, tags = {}, []
    image = tags[0] if tags else found.image_id[:19]
    state = ((data.get("State") or {}).get("Status")) or ("running" if found.running else "stopped")
    published = ((data.get("NetworkSettings") or {}).get("Ports") or {}).get("80/tcp") or []
    if published:
        port = str(published[0].get("HostPort") or "-")
    else:  # host network: the port the app serves on is in its state file
        recorded = function_host.read_state(group, app)
        port = str(recorded.port) if recorded and recorded.port else "-"
    health = "-"
    if found.running and port.isdigit():
        health = "ok" if _answers(group, app, int(port)) else "no answer"
    return (f"{'container':<13} {found.name:<40} id {found.id[:12]} image {image} port {port:<6} "
            f"{state}, health {health}")
