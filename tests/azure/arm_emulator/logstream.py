"""Each emulated function app's Kudu (SCM) site with its log stream: `GET https://<scm host>/api/logstream` with a
bearer token answers a chunked text/plain stream that never ends by itself: Kudu's welcome line, then every line
the app writes from then on (an invocation writes Executing/Executed lines, tests append their own with
`append`), a heartbeat when quiet. On Azure the SCM host is `<app>.scm.azurewebsites.net`, listed in the site's
hostNameSslStates with hostType Repository; here every site gets its own HTTPS listener on 127.0.0.1 (the app's
defaultHostName is the emulator's own address, so only the port can tell the SCM sites apart). Kudu keeps no
history: a new connection sees only lines written after it connected. Listeners stop on reset() and stop()."""

from __future__ import annotations

import datetime as dt
import logging
import select
import ssl
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

log = logging.getLogger(__name__)

WELCOME = ("Welcome, you are now connected to log-streaming service. The default timeout is 2 hours. "
           "Change the timeout with the App Setting SCM_LOGSTREAM_TIMEOUT (in seconds). ")
HEARTBEAT_S = 60.0  # Kudu writes "No new trace in the past 1 min(s)." after a quiet minute
WATCH_S = 0.2  # how often a quiet stream looks whether its reader has gone


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]  # Kudu's UTC stamp, no zone


class SiteLog:
    """One app's log: lines appended at any time; every open stream gets those written after it connected."""

    def __init__(self, site: str):
        self.site = site
        self.lines: list[str] = []
        self.tokens: list[str] = []  # bearer tokens the stream was opened with
        self.streams_open = 0
        self.closed = False
        self.cond = threading.Condition()

    def append(self, text: str) -> None:
        with self.cond:
            self.lines.append(f"{_now()}  {text}")
            self.cond.notify_all()

    def close(self) -> None:
        with self.cond:
            self.closed = True
            self.cond.notify_all()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    site_log: SiteLog
    tls: ssl.SSLContext


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        self.request = self.server.tls.wrap_socket(self.request, server_side=True)
        super().setup()

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("scm: " + format, *args)

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (ssl.SSLError, ConnectionError, OSError):
            self.close_connection = True

    def _plain(self, status: int, text: str) -> None:
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        site_log = self.server.site_log
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or not auth[7:].strip():
            return self._plain(401, "401 - Unauthorized: Access is denied due to invalid credentials.")
        if self.path.split("?")[0].rstrip("/").lower() != "/api/logstream":
            return self._plain(404, f"No route {self.path} on this emulated Kudu site.")
        with site_log.cond:
            site_log.tokens.append(auth[7:].strip())
            seen = len(site_log.lines)  # no history: only what is written from now on
            site_log.streams_open += 1
        self.close_connection = True
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self._chunk(f"{_now()}  {WELCOME}\n")
            quiet_since = time.monotonic()
            while True:
                with site_log.cond:
                    if not site_log.closed and len(site_log.lines) == seen:
                        site_log.cond.wait(WATCH_S)
                    if site_log.closed:
                        break
                    new, seen = site_log.lines[seen:], len(site_log.lines)
                if new:
                    self._chunk("".join(f"{line}\n" for line in new))
                    quiet_since = time.monotonic()
                elif self._reader_gone():
                    break
                elif time.monotonic() - quiet_since >= HEARTBEAT_S:
                    self._chunk(f"{_now()}  No new trace in the past 1 min(s).\n")
                    quiet_since = time.monotonic()
            self.wfile.write(b"0\r\n\r\n")
        except (ConnectionError, OSError, ssl.SSLError):
            pass  # the reader went away (Ctrl-C, cancel): that ends the stream
        finally:
            with site_log.cond:
                site_log.streams_open -= 1
                site_log.cond.notify_all()

    def _reader_gone(self) -> bool:
        """The reader sends nothing after its GET: anything readable is its close (FIN or TLS close_notify)."""
        readable, _, _ = select.select([self.request], [], [], 0)
        return bool(readable)

    def _chunk(self, text: str) -> None:
        data = text.encode()
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()


# --- wiring into the emulator (server.py, hooks.py) ----------------------------------------------------------


def attach(emulator: Any) -> None:
    """Called when the emulator starts or resets: sites created from now on get an SCM listener with its CA."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    emulator.ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    emulator.state.__dict__["_scm_tls"] = context


def detach(state: Any) -> None:
    """Stop every SCM listener of `state` (on reset and stop): open streams end, nothing listens afterwards."""
    servers = state.__dict__.pop("_scm_servers", [])
    for server in servers:
        server.site_log.close()
    for server in servers:
        server.shutdown()
        server.server_close()


def on_create(state: Any, provider: str, resource: dict[str, Any]) -> None:
    """A new function app: start its SCM listener and list it the way App Service does."""
    tls = state.__dict__.get("_scm_tls")
    if provider != "microsoft.web/sites" or tls is None:
        return
    site_log = SiteLog(resource["name"])
    server = _Server(("127.0.0.1", 0), _Handler)
    server.site_log, server.tls = site_log, tls
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True,
                     name=f"scm-{resource['name']}").start()
    state.__dict__.setdefault("_scm_servers", []).append(server)
    state.hidden.setdefault(resource["id"].lower().rstrip("/"), {})["logstream"] = site_log
    props = resource.setdefault("properties", {})
    app_host, scm = props.get("defaultHostName", ""), f"127.0.0.1:{server.server_address[1]}"
    props["hostNameSslStates"] = [
        {"name": app_host, "sslState": "Disabled", "hostType": "Standard"},
        {"name": scm, "sslState": "Disabled", "hostType": "Repository"},
    ]
    props["enabledHostNames"] = [app_host, scm]


def invoked(hidden: dict[str, Any], function: str) -> None:
    """An invocation of the app writes the host's Executing/Executed lines to its log stream."""
    site_log = hidden.get("logstream")
    if site_log is None:
        return
    run = uuid.uuid4()
    site_log.append(f"[Information] Executing 'Functions.{function}' (Reason='This function was programmatically "
                    f"called via the host APIs.', Id={run})")
    site_log.append(f"[Information] Executed 'Functions.{function}' (Succeeded, Id={run}, Duration=2ms)")


def site_log(emulator: Any, app_name: str) -> SiteLog:
    """The log of app `app_name` (tests append lines with `site_log(arm, app).append(text)`)."""
    for server in emulator.state.__dict__.get("_scm_servers", []):
        if server.site_log.site.lower() == app_name.lower():
            return server.site_log
    raise KeyError(f"no emulated function app {app_name}")
