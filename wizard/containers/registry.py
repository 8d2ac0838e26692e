"""Push an image to a container registry with per-layer progress; sign in to ACR the way `az acr login` does.

ACR sign-in: the ARM (Entra) access token is exchanged at https://<login server>/oauth2/exchange for an ACR
refresh token, which is the password of the fixed user 00000000-0000-0000-0000-000000000000. The token is handed
to the engine per push (auth_config), never written to ~/.docker/config.json, a log or the journal.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable

import requests

from wizard.containers.build import STREAM_ERRORS, stream_call
from wizard.containers.engine import Engine
from wizard.core.errors import WizardError
from wizard.i18n import _

ACR_USER = "00000000-0000-0000-0000-000000000000"
EXCHANGE_TIMEOUT_S = 30.0


class RegistryError(WizardError):
    """Sign-in or push failed; the message says what to do."""


class PushCancelled(WizardError):
    """The user cancelled the push; layers already uploaded stay in the registry (it reuses them next time)."""


@dataclass
class RegistryAuth:
    login_server: str  # e.g. myacr.azurecr.io (host[:port])
    username: str
    password: str  # a secret: mask it wherever it could be shown

    def auth_config(self) -> dict[str, str]:
        return {"username": self.username, "password": self.password, "serveraddress": self.login_server}


def acr_exchange(login_server: str, arm_token: str, *, tenant: str = "", verify: bool | str = True,
                 timeout: float = EXCHANGE_TIMEOUT_S) -> RegistryAuth:
    """Exchange an ARM access token for an ACR refresh token (POST /oauth2/exchange, grant_type=access_token)."""
    form = {"grant_type": "access_token", "service": login_server, "access_token": arm_token}
    if tenant:
        form["tenant"] = tenant
    try:
        response = requests.post(f"https://{login_server}/oauth2/exchange", data=form, timeout=timeout, verify=verify)
    except requests.RequestException as exc:
        raise RegistryError(_("Could not reach the registry {server} to sign in ({error}); check the registry name "
                              "and the network.").format(server=login_server, error=type(exc).__name__)) from None
    if response.status_code in (401, 403):
        raise RegistryError(_("The registry {server} refused the sign-in (HTTP {status}); you need the AcrPush role "
                              "on it, or sign in again.").format(server=login_server, status=response.status_code))
    try:
        token = response.json()["refresh_token"]
    except (ValueError, KeyError, TypeError):
        raise RegistryError(_("The registry {server} answered the sign-in with HTTP {status} and no refresh token; "
                              "try again later.").format(server=login_server, status=response.status_code)) from None
    return RegistryAuth(login_server=login_server, username=ACR_USER, password=token)


class _LayerProgress:
    """One log line per layer per status, and per tenth of a layer's upload: live, but not thousands of lines."""

    def __init__(self, on_line: Callable[[str], None]) -> None:
        self.on_line = on_line
        self.last: dict[str, tuple[str, int]] = {}

    def feed(self, chunk: dict[str, Any]) -> None:
        status, layer = chunk.get("status", ""), chunk.get("id", "")
        if not layer:
            if status:
                self.on_line(status)
            return
        detail = chunk.get("progressDetail") or {}
        tenth = int(10 * detail["current"] / detail["total"]) if detail.get("total") else -1
        if self.last.get(layer) == (status, tenth):
            return
        self.last[layer] = (status, tenth)
        size = f" {detail['current'] / 1e6:.1f}/{detail['total'] / 1e6:.1f} MB" if detail.get("total") else ""
        self.on_line(f"{layer}: {status}{size}")


def push(engine: Engine, image: str, *, repository: str, tag: str, auth: RegistryAuth | None,
         on_line: Callable[[str], None], cancel_event: threading.Event | None = None) -> str:
    """Tag `image` as `repository:tag` (repository includes the login server) and push it; returns the digest."""
    try:
        engine.client.tag(image, repository, tag)
    except STREAM_ERRORS as exc:
        raise RegistryError(_("Could not tag the image for {repository} ({error}); build it again.").format(
            repository=repository, error=exc)) from None
    progress = _LayerProgress(on_line)
    digest, error = "", ""
    kwargs: dict[str, Any] = {"stream": True, "decode": True}
    if auth is not None:
        kwargs["auth_config"] = auth.auth_config()
    try:
        for chunk in stream_call(engine, lambda: engine.client.push(repository, tag=tag, **kwargs), cancel_event):
            if "error" in chunk:
                error = (chunk.get("errorDetail") or {}).get("message") or chunk["error"]
            elif isinstance(chunk.get("aux"), dict) and chunk["aux"].get("Digest"):
                digest = chunk["aux"]["Digest"]
            else:
                progress.feed(chunk)
    except STREAM_ERRORS as exc:
        raise RegistryError(_("The push to {repository} stopped ({error}); check the engine and push again.").format(
            repository=repository, error=type(exc).__name__), detail=str(exc)) from None
    if cancel_event is not None and cancel_event.is_set():
        raise PushCancelled(_("The push to {image} was cancelled; the layers already uploaded stay in the registry "
                              "and are reused by the next push.").format(image=f"{repository}:{tag}"))
    if error:
        denied = "auth" in error.lower() or "denied" in error.lower()
        message = _("The push to {image} failed: {error}; sign in again or check the AcrPush role.") if denied else \
            _("The push to {image} failed: {error}.")
        raise RegistryError(message.format(image=f"{repository}:{tag}", error=error.strip()[:300]))
    if not digest:
        raise RegistryError(_("The push to {image} ended without a digest; push again.").format(
            image=f"{repository}:{tag}"))
    on_line(_("Pushed {image} ({digest}).").format(image=f"{repository}:{tag}", digest=digest))
    return digest
