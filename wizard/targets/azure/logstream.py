"""The Azure function app's live log: Kudu's `GET https://<scm host>/api/logstream` with the ARM bearer token, as
`func azure functionapp logstream` reads it. The stream keeps no history: it shows what is written from now on."""

from __future__ import annotations

import datetime as dt
import re
import socket
import threading
from collections.abc import Iterator
from typing import Any

import requests
from azure.core.credentials import TokenCredential
from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceNotFoundError,
    ServiceRequestError,
)

from wizard.core.errors import WizardError
from wizard.core.logstream import POLL_S, LogLine, NoHistory, make_line
from wizard.i18n import _
from wizard.profile import Profile
from wizard.secrets import registry, scrub
from wizard.targets.azure.clients import AzureClients
from wizard.targets.azure.config import cloud_for, verify_setting

NO_HISTORY = ("Azure's log stream keeps no history, so it cannot show earlier lines; run `mlfunc-wizard logs` "
              "without --since and --no-follow to follow it from now (older lines are in Application Insights).")
CONNECT_TIMEOUT_S = 30
RECONNECT_WAIT_S = 2.0  # Kudu ends a stream after SCM_LOGSTREAM_TIMEOUT (2 h by default): connect again
_STAMP = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:\d{2})?")


def scm_host(site: Any) -> str:
    """The site's Kudu (SCM) host: the Repository entry of hostNameSslStates, else the enabled host name with `.scm.`."""
    for state in getattr(site, "host_name_ssl_states", None) or []:
        kind = getattr(state, "host_type", None)
        if str(getattr(kind, "value", kind) or "").lower() == "repository" and state.name:  # an enum in the SDK
            return str(state.name)
    for name in getattr(site, "enabled_host_names", None) or []:
        if ".scm." in name:
            return str(name)
    raise WizardError(_("The function app {name} has no SCM (Kudu) host, so its log stream cannot be read; open Log "
                        "stream in the portal instead.").format(name=site.name))


def line_time(text: str) -> float | None:
    match = _STAMP.match(text)
    if not match:
        return None
    stamp = match.group(1)[:26] + (match.group(2) or "+00:00").replace("Z", "+00:00")  # Kudu writes UTC
    try:
        return dt.datetime.fromisoformat(stamp).timestamp()
    except ValueError:
        return None


def stream(profile: Profile, credential: TokenCredential, *, since: float | None, follow: bool,
           cancel: threading.Event) -> Iterator[LogLine]:
    """Follow the app's log stream until `cancel`; NoHistory for `--since` or `--no-follow` (nothing is kept)."""
    if since is not None or not follow:
        raise NoHistory(_(NO_HISTORY))
    clients = AzureClients(profile, credential)
    group, app = profile.resource_group.name, profile.function.app_name
    try:
        site = clients.web.web_apps.get(group, app)
    except ResourceNotFoundError:
        raise WizardError(_("The function app {app} is not in resource group {group} any more; deploy '{name}' again.").format(
            app=app, group=group, name=profile.name)) from None
    except (HttpResponseError, ServiceRequestError, ClientAuthenticationError) as exc:
        raise WizardError(_("Could not read the function app {app} ({error}); check your sign-in (az login) and try "
                            "again.").format(app=app, error=scrub(str(exc))[:300])) from None
    host = scm_host(site)
    scope = cloud_for(profile).scope
    return _follow(f"https://{host}/api/logstream", host, credential, scope, cancel)


def _follow(url: str, host: str, credential: TokenCredential, scope: str, cancel: threading.Event) -> Iterator[LogLine]:
    source = f"logstream {host}"
    while not cancel.is_set():
        token = credential.get_token(scope).token
        registry.add(token)  # a bearer token is a secret like any key
        try:
            response = requests.get(url, headers={"Authorization": f"Bearer {token}", "Accept": "text/plain"},
                                    stream=True, timeout=(CONNECT_TIMEOUT_S, None), verify=verify_setting())
        except requests.RequestException as exc:
            raise WizardError(_("Could not reach the log stream at {host} ({error}); check that the app is running "
                                "(`mlfunc-wizard status`).").format(host=host, error=scrub(str(exc))[:300])) from None
        with response:
            if response.status_code in (401, 403):
                raise WizardError(_("The log stream at {host} refused the sign-in (HTTP {status_code}); your account "
                                    "needs Contributor (or Website Contributor) on the function app.").format(
                    host=host, status_code=response.status_code))
            if response.status_code != 200:
                raise WizardError(_("The log stream at {host} answered HTTP {status_code}; try again, or open Log "
                                    "stream in the portal.").format(host=host, status_code=response.status_code), scrub(response.text[:500]))
            yield from _lines(response, source, cancel)
        if cancel.wait(RECONNECT_WAIT_S):
            return


def _lines(response: requests.Response, source: str, cancel: threading.Event) -> Iterator[LogLine]:
    # The read blocks until Kudu sends something (a heartbeat comes once a minute): a cancel shuts the socket.
    done = threading.Event()
    threading.Thread(target=_shutdown_on, args=(cancel, done, response), daemon=True, name="logstream-cancel").start()
    pending = b""
    try:
        for chunk in response.iter_content(chunk_size=4096):
            pending += chunk
            *complete, pending = pending.split(b"\n")
            for raw in complete:
                text = raw.decode("utf-8", "replace")
                if text.strip():
                    yield make_line(line_time(text), source, text)
        if pending.strip():
            text = pending.decode("utf-8", "replace")
            yield make_line(line_time(text), source, text)
    except (requests.RequestException, OSError, ValueError, AttributeError):
        if not cancel.is_set():
            raise WizardError(_("The log stream from {source} broke off; run `mlfunc-wizard logs` again.").format(
                source=source[10:])) from None
    finally:
        done.set()


def _shutdown_on(cancel: threading.Event, done: threading.Event, response: requests.Response) -> None:
    while not done.is_set():
        if cancel.wait(POLL_S * 5):
            _shutdown(response)
            return


def _shutdown(response: requests.Response) -> None:
    """Wake a read blocked on the response's socket: shutdown() does, close() alone does not (as docker-py's
    CancellableStream does it)."""
    try:
        sock = response.raw._fp.fp.raw._sock  # urllib3 -> http.client -> SocketIO -> (SSL)socket
        sock.shutdown(socket.SHUT_RDWR)
    except (AttributeError, OSError):
        pass
