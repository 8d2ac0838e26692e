"""Run, find, stop and remove the app's containers by label; never touch a container without our labels."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

from docker.errors import DockerException, NotFound
from requests.exceptions import RequestException

from wizard.containers.engine import Engine
from wizard.core.errors import WizardError
from wizard.i18n import _

OWNER_LABEL = "io.mlfunc.created-by"
DEPLOYMENT_LABEL = "io.mlfunc.deployment"
GROUP_LABEL = "io.mlfunc.resource-group"
APP_LABEL = "io.mlfunc.app"
SETTINGS_LABEL = "io.mlfunc.settings-sha"
STOP_TIMEOUT_S = 5


class ContainerError(WizardError):
    """A container could not be started or removed; the message says what to do."""


@dataclass
class RunningContainer:
    id: str
    name: str
    image_id: str
    pid: int
    running: bool
    labels: dict[str, str]


def use_host_network() -> bool:
    # Docker on Linux shares the host's loopback with --network host; Docker Desktop (macOS, Windows) does not.
    return sys.platform.startswith("linux")


def container_name(group: str, app: str) -> str:
    safe = "".join(c if c.isalnum() or c in "_.-" else "-" for c in f"mlfunc-{group}-{app}")
    return safe[:120]


def _info(engine: Engine, ident: str) -> RunningContainer | None:
    try:
        data = engine.client.inspect_container(ident)
    except NotFound:
        return None
    state = data.get("State") or {}
    return RunningContainer(id=data["Id"], name=data.get("Name", "").lstrip("/"), image_id=data.get("Image", ""),
                            pid=int(state.get("Pid") or 0), running=bool(state.get("Running")),
                            labels=(data.get("Config") or {}).get("Labels") or {})


def find(engine: Engine, *, group: str, app: str | None = None) -> list[RunningContainer]:
    """Our containers of a resource group (and app), running or not, found by label (survives a kill -9 of the CLI)."""
    filters = [f"{OWNER_LABEL}=mlfunc-wizard", f"{GROUP_LABEL}={group}"]
    if app:
        filters.append(f"{APP_LABEL}={app}")
    try:
        listed = engine.client.containers(all=True, filters={"label": filters})
    except (DockerException, RequestException) as exc:
        raise ContainerError(_("Docker could not list containers ({error}); check that the engine is running.").format(
            error=exc)) from None
    found = [_info(engine, c["Id"]) for c in listed]
    return [c for c in found if c is not None]


def remove(engine: Engine, container: RunningContainer) -> None:
    if container.labels.get(OWNER_LABEL) != "mlfunc-wizard":
        raise ContainerError(_("Container {name} was not created by mlfunc-wizard; it is left alone.").format(
            name=container.name))
    try:
        if container.running:
            engine.client.stop(container.id, timeout=STOP_TIMEOUT_S)
        engine.client.remove_container(container.id, force=True)
    except NotFound:
        return
    except (DockerException, RequestException) as exc:
        raise ContainerError(_("Docker could not remove container {name} ({error}); remove it with "
                               "`docker rm -f {name}` and try again.").format(name=container.name, error=exc)) from None


def run(engine: Engine, *, image: str, name: str, env: dict[str, str], labels: dict[str, str], port: int,
        binds: list[str] | None = None) -> RunningContainer:
    """Start the app container serving on 127.0.0.1:`port` (host network on Linux, else a published loopback port)."""
    host_net = use_host_network()
    env = dict(env)
    if host_net:
        env["ASPNETCORE_URLS"] = f"http://127.0.0.1:{port}"
    host_config: dict[str, Any] = {
        "binds": list(binds or []),  # "HOST:CONTAINER:ro|rw"
        "restart_policy": {"Name": "unless-stopped"},  # like a cloud app: it outlives the CLI and engine restarts
        "init": True,
    }
    if host_net:
        host_config["network_mode"] = "host"
    else:
        host_config["port_bindings"] = {80: ("127.0.0.1", port)}
        host_config["extra_hosts"] = {"host.docker.internal": "host-gateway"}
    try:
        created = engine.client.create_container(
            image, name=name, environment=env, labels={**labels, OWNER_LABEL: "mlfunc-wizard"},
            host_config=engine.client.create_host_config(**host_config),
            ports=None if host_net else [80], detach=True, stop_signal="SIGTERM",
        )
        engine.client.start(created["Id"])
    except (DockerException, RequestException) as exc:
        raise ContainerError(_("Docker could not start the function app container ({error}); see the engine's log, "
                               "then deploy again.").format(error=str(exc)[:300])) from None
    info = _info(engine, created["Id"])
    if info is None:
        raise ContainerError(_("The function app container vanished right after it started; deploy again."))
    return info


def logs_tail(engine: Engine, ident: str, lines: int = 30) -> str:
    try:
        return engine.client.logs(ident, tail=lines).decode("utf-8", "replace")
    except (DockerException, RequestException):
        return ""
