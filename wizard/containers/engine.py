"""Connect to a Docker engine the way the docker CLI does (DOCKER_HOST, then the current context), with a short timeout."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import docker
from docker import APIClient
from docker.errors import DockerException
from requests.exceptions import RequestException

from wizard.containers.paths import private_engine_socket
from wizard.core.errors import WizardError
from wizard.i18n import _

log = logging.getLogger(__name__)

PING_TIMEOUT_S = 3.0
DEFAULT_HOST = "unix:///var/run/docker.sock"
NOT_RUNNING = ("Docker is not running: start Docker Desktop, or `sudo systemctl start docker`; "
               "or choose another packaging.")


class EngineUnavailable(WizardError):
    """No Docker engine answers; the message is the one sentence the user sees."""


@dataclass
class Engine:
    client: APIClient
    host: str  # the URL it answers on, e.g. unix:///var/run/docker.sock
    source: str  # "DOCKER_HOST", "context <name>", "default" or "private engine"
    version: str

    def close(self) -> None:
        self.client.close()


def _current_context_name() -> str:
    if os.environ.get("DOCKER_CONTEXT"):
        return os.environ["DOCKER_CONTEXT"]
    config_dir = Path(os.environ.get("DOCKER_CONFIG") or Path.home() / ".docker")
    try:
        return json.loads((config_dir / "config.json").read_text(encoding="utf-8")).get("currentContext") or "default"
    except (OSError, ValueError):
        return "default"


def candidates() -> list[tuple[str, str, object]]:
    """(host, source, tls) to try in order. DOCKER_HOST or a chosen context is the only candidate, as for the CLI."""
    if os.environ.get("DOCKER_HOST"):
        tls = docker.utils.kwargs_from_env().get("tls")
        return [(os.environ["DOCKER_HOST"], "DOCKER_HOST", tls)]
    name = _current_context_name()
    if name != "default":
        try:
            from docker.context import ContextAPI

            ctx = ContextAPI.get_context(name)
        except DockerException:
            ctx = None
        if ctx is not None and ctx.Host:
            return [(ctx.Host, f"context {name}", ctx.TLSConfig or None)]
    found: list[tuple[str, str, object]] = [(DEFAULT_HOST, "default", None)]
    private = private_engine_socket()
    if private.exists():
        found.append((f"unix://{private}", "private engine", None))
    return found


def connect(timeout: float = PING_TIMEOUT_S) -> Engine:
    """The first engine that answers a ping within `timeout`; else EngineUnavailable (never a hang or a traceback)."""
    tried = []
    for host, source, tls in candidates():
        try:
            client = APIClient(base_url=host, tls=tls or False, timeout=timeout, version="auto")
        except (DockerException, RequestException, OSError, ValueError) as exc:
            tried.append(f"{host} ({source}): {type(exc).__name__}: {exc}")
            continue
        try:
            version = client.version().get("Version", "?")
        except (DockerException, RequestException, OSError, ValueError) as exc:
            client.close()
            tried.append(f"{host} ({source}): {type(exc).__name__}: {exc}")
            continue
        # Builds and pushes may be quiet for minutes between lines: no read timeout after the ping.
        client.timeout = None
        return Engine(client=client, host=host, source=source, version=version)
    raise EngineUnavailable(_(NOT_RUNNING), detail="\n".join(tried))
