"""A real registry standing in for ACR: Debian's docker-registry (distribution) with htpasswd auth, behind a small
TLS login server that serves POST /oauth2/exchange (ARM token -> refresh token) and passes /v2/ through.

Both processes/threads are started by the test and stopped at teardown (the registry by its PID).
"""

from __future__ import annotations

import http.client
import json
import secrets
import shutil
import socket
import ssl
import subprocess
import threading
import time
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs

import trustme

from wizard.containers.registry import ACR_USER

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _bcrypt(password: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import crypt as _crypt

        return _crypt.crypt(password, _crypt.mksalt(_crypt.METHOD_BLOWFISH))


class LocalRegistry:
    def __init__(self, folder: Path, *, data_dir: Path | None = None, ca: trustme.CA | None = None,
                 accept: Callable[[str], bool] | None = None, upload_delay_s: float = 0.0) -> None:
        self.folder = folder
        # A test that must catch a push in the middle slows each blob upload request down by this much
        # (a push of a few small new layers through loopback is otherwise over in well under a second).
        self.upload_delay_s = upload_delay_s
        self.upload_started = threading.Event()  # set when the first blob upload request (PATCH/PUT) arrives
        self.data_dir = data_dir or folder / "data"  # a per-machine folder keeps pushed layers between runs
        self.arm_token = "arm-" + secrets.token_urlsafe(24)  # what the (fake) Entra sign-in would give
        self.accept = accept or (lambda token: token == self.arm_token)
        self.refresh_token = "acr-" + secrets.token_urlsafe(24)  # what /oauth2/exchange hands out
        self.exchanges: list[dict[str, list[str]]] = []
        self.backend_port = _free_port()
        self.proc: subprocess.Popen | None = None
        self.server: ThreadingHTTPServer | None = None
        self.ca = ca or trustme.CA()
        self.ca_file = folder / "ca.pem"

    @property
    def login_server(self) -> str:
        assert self.server is not None
        return f"127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "LocalRegistry":
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "htpasswd").write_text(f"{ACR_USER}:{_bcrypt(self.refresh_token)}\n")
        (self.folder / "config.yml").write_text(json.dumps({
            "version": 0.1, "log": {"level": "warn"},
            "storage": {"filesystem": {"rootdirectory": str(self.data_dir)}, "delete": {"enabled": True}},
            "http": {"addr": f"127.0.0.1:{self.backend_port}"},
            "auth": {"htpasswd": {"realm": "mlfunc-test", "path": str(self.folder / "htpasswd")}},
        }))
        self.proc = subprocess.Popen([shutil.which("docker-registry") or "docker-registry", "serve",
                                      str(self.folder / "config.yml")], stdout=open(self.folder / "registry.log", "wb"),
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.backend_port), timeout=0.5).close()
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((self.folder / "registry.log").read_text()[-2000:]) from None
                time.sleep(0.05)
        self.ca.issue_cert("127.0.0.1", "localhost").configure_cert(ctx := ssl.create_default_context(ssl.Purpose.CLIENT_AUTH))
        self.ca.cert_pem.write_to_path(str(self.ca_file))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        threading.Thread(target=self.server.serve_forever, daemon=True, name="test-acr-login").start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        if self.proc is not None and self.proc.pid > 0 and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        registry = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def _body(self) -> bytes:
                if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                    out = bytearray()
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                                pass
                            return bytes(out)
                        out += self.rfile.read(size)
                        self.rfile.readline()
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
                self.send_response(status)
                for k, v in headers:
                    if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def _exchange(self) -> None:
                form = parse_qs(self._body().decode())
                registry.exchanges.append({k: ["…"] if "token" in k else v for k, v in form.items()})
                ok = form.get("grant_type") == ["access_token"] and registry.accept((form.get("access_token") or [""])[0])
                if not ok:
                    self._send(401, [("Content-Type", "application/json")], b'{"errors":[{"code":"UNAUTHORIZED"}]}')
                    return
                body = json.dumps({"refresh_token": registry.refresh_token}).encode()
                self._send(200, [("Content-Type", "application/json")], body)

            def _proxy(self) -> None:
                if self.path.startswith("/oauth2/exchange") and self.command == "POST":
                    self._exchange()
                    return
                body = self._body()
                if self.command in ("PATCH", "PUT") and "/blobs/uploads/" in self.path:
                    registry.upload_started.set()
                    if registry.upload_delay_s:
                        time.sleep(registry.upload_delay_s)
                conn = http.client.HTTPConnection("127.0.0.1", registry.backend_port, timeout=120)
                try:
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                    headers["X-Forwarded-Proto"] = "https"
                    if body or self.command in ("PUT", "PATCH", "POST"):
                        headers["Content-Length"] = str(len(body))
                    conn.request(self.command, self.path, body=body, headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                    self._send(resp.status, resp.getheaders(), data)
                except (ConnectionError, ssl.SSLError):
                    self.close_connection = True  # the client went away mid-request (a killed or cancelled push)
                finally:
                    conn.close()

            do_GET = do_HEAD = do_PUT = do_PATCH = do_POST = do_DELETE = _proxy

        return Handler
