"""HTTPS plumbing of the ARM emulator: TLS from a trustme CA, bearer checks, api-version, the request record and
fault injection per route. The resource behaviour itself lives in `arm.py`."""

from __future__ import annotations

import json
import logging
import re
import socket
import ssl
import tempfile
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import trustme

from tests.azure.arm_emulator.arm import ArmState, Reply
from tests.azure.arm_emulator.faults_extra import EXTRA_FAULTS
from tests.azure.arm_emulator import api_versions, logstream, spec_rules, tenants

log = logging.getLogger(__name__)

DEFAULT_SUBSCRIPTION = "00000000-0000-0000-0000-00000000a001"

FAULT_KINDS = {
    "throttle",  # 429 + Retry-After
    "server-error",  # 500
    "unavailable",  # 503
    "drop",  # connection closed without an answer
    "name-taken",  # 409 name not available
    "retiring",  # 400 "Azure Cache for Redis is retiring..."
    "forbidden",  # 403 AuthorizationFailed
    "token-expired",  # 401 ExpiredAuthenticationToken; the presented token stays refused
    "lro-failed",  # not an answer: the long-running operation started by this request ends Failed
}
FAULT_KINDS |= set(EXTRA_FAULTS)  # principal-not-found, tasks-not-allowed (faults_extra.py)


@dataclass
class Fault:
    method: str  # "PUT", "GET", ... or "*"
    pattern: re.Pattern[str]  # searched in the lower-cased path
    kind: str
    remaining: int
    params: dict[str, Any] = field(default_factory=dict)
    hits: int = 0


@dataclass
class Recorded:
    method: str
    path: str  # as sent (case kept)
    query: dict[str, str]
    body: Any  # parsed JSON, raw bytes, or None
    status: int = 0
    fault: str = ""

    @property
    def lower_path(self) -> str:
        return self.path.lower()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class ArmEmulator:
    """Start with `start()` (in-process, a free port unless given), stop with `stop()`."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        subscriptions: tuple[str, ...] = (DEFAULT_SUBSCRIPTION,),
        lro_polls: int = 1,
        retire_classic: bool = False,
        host_warmup_calls: int = 1,
    ):
        self.host = host
        self._port = port
        self.ca = trustme.CA()
        self._tmp = tempfile.TemporaryDirectory(prefix="arm-emulator-")
        self.ca_file = Path(self._tmp.name) / "ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_file))
        self.subscription_id = subscriptions[0]
        self.records: list[Recorded] = []
        self.faults: list[Fault] = []
        self.expired_tokens: set[str] = set()
        self.tokens_seen: list[str] = []
        self.lock = threading.RLock()
        self._state_options = dict(
            subscriptions=subscriptions, lro_polls=lro_polls, retire_classic=retire_classic, host_warmup_calls=host_warmup_calls
        )
        self.state = ArmState(**self._state_options)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> "ArmEmulator":
        server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ca.issue_cert("127.0.0.1", "localhost").configure_cert(server_context)
        emulator = self

        class Handler(_Handler):
            pass

        Handler.emulator = emulator
        Handler.tls = server_context
        self._server = _Server((self.host, self._port), Handler)
        self.state.base_url = self.url
        logstream.attach(self)  # every function app gets its Kudu site with a log stream
        self._thread = threading.Thread(target=self._server.serve_forever, name="arm-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        logstream.detach(self.state)
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._tmp.cleanup()

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the emulator first"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"https://{self.host}:{self.port}"

    # --- test helpers --------------------------------------------------------------------------

    def inject(self, method: str, path_regex: str, kind: str, times: int = 1, **params: Any) -> Fault:
        """Make the next `times` requests matching (method, path) fail in the given way."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; known: {sorted(FAULT_KINDS)}")
        fault = Fault(method.upper(), re.compile(path_regex, re.IGNORECASE), kind, times, params)
        with self.lock:
            self.faults.append(fault)
        return fault

    def reset(self, **state_options: Any) -> None:
        """Forget every resource, record, fault and expired token (a fresh 'Azure' for the next test)."""
        with self.lock:
            options = {**self._state_options, **state_options}
            logstream.detach(self.state)
            self.state = ArmState(**options)
            self.state.base_url = self.url if self._server is not None else ""
            if self._server is not None:
                logstream.attach(self)
            self.records.clear()
            self.faults.clear()
            self.expired_tokens.clear()
            self.tokens_seen.clear()

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def requests(self, method: str | None = None, contains: str = "") -> list[Recorded]:
        """Recorded requests, filtered by method and a case-insensitive piece of the path."""
        with self.lock:
            return [
                r
                for r in self.records
                if (method is None or r.method == method.upper()) and contains.lower() in r.lower_path
            ]

    def count(self, method: str, contains: str) -> int:
        return len(self.requests(method, contains))

    def reset_records(self) -> None:
        with self.lock:
            self.records.clear()

    @property
    def secrets(self) -> set[str]:
        """Every key, password and connection-string part the emulator handed out."""
        return set(self.state.secrets)

    # --- called by the handler -------------------------------------------------------------

    def take_fault(self, method: str, path: str) -> Fault | None:
        lowered = path.lower()
        with self.lock:
            for fault in self.faults:
                if fault.remaining > 0 and fault.method in ("*", method) and fault.pattern.search(lowered):
                    fault.remaining -= 1
                    fault.hits += 1
                    return fault
        return None


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, {"error": {"code": code, "message": message}}, headers or {})


class _Handler(BaseHTTPRequestHandler):
    emulator: ArmEmulator
    tls: ssl.SSLContext
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # 28 ms -> 2.5 ms per request with small writes

    def setup(self) -> None:
        # The TLS handshake runs here, in the connection's own thread, not in the accept loop.
        self.request = self.tls.wrap_socket(self.request, server_side=True)
        super().setup()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.debug("arm-emulator: " + format, *args)

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (ssl.SSLError, ConnectionError, OSError):
            self.close_connection = True

    def do_GET(self) -> None:
        self._handle("GET")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def _handle(self, method: str) -> None:
        emulator = self.emulator
        parts = urlsplit(self.path)
        path = parts.path
        query = {k.lower(): v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw
        record = Recorded(method, path, query, body)
        with emulator.lock:
            emulator.records.append(record)
        lowered = path.lower()
        data_plane = lowered.startswith("/_blob/") or lowered.startswith("/api/") or lowered.startswith("/admin/")
        if not data_plane:
            if "api-version" not in query:
                return self._send(record, _error(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests."))
            auth = self.headers.get("Authorization", "")
            if not auth.startswith("Bearer ") or not auth[7:].strip():
                return self._send(record, _error(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing."))
            token = auth[7:].strip()
            with emulator.lock:
                emulator.tokens_seen.append(token)
                expired = token in emulator.expired_tokens
            if expired:
                return self._send(record, self._expired())
            # issue 11: the pinned api-versions and the token's tenant (api_versions.py, tenants.py)
            refusal = api_versions.refusal(path, query["api-version"]) or tenants.refusal(emulator.state, token, path)
            if refusal is not None:
                return self._send(record, refusal)
        fault = emulator.take_fault(method, path)
        if fault is not None and fault.kind != "lro-failed":
            record.fault = fault.kind
            return self._fault(record, fault)
        if not data_plane:  # issue 11: the body against the pinned spec (spec_rules.py)
            state = emulator.state
            with state.lock:
                refusal = spec_rules.check(state, method, path, body)
            if refusal is not None:
                return self._send(record, refusal)
        try:
            reply = emulator.state.handle(  # state may be swapped by reset(): read it once
                method, path, query, body, raw, dict(self.headers), lro_fault=fault)
        except Exception as exc:  # a bug in the emulator: answer like ARM would, and log it
            log.exception("arm-emulator crashed on %s %s", method, path)
            reply = _error(500, "InternalServerError", f"emulator error: {exc}")
        self._send(record, reply)

    def _expired(self) -> Reply:
        return _error(
            401,
            "ExpiredAuthenticationToken",
            "The access token expiry UTC time is earlier than current UTC time.",
            {"WWW-Authenticate": 'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", error_description="The access token has expired."'},
        )

    def _fault(self, record: Recorded, fault: Fault) -> None:
        kind = fault.kind
        if kind == "drop":
            record.status = -1
            self.close_connection = True
            try:
                self.request.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if kind == "throttle":
            retry_after = str(fault.params.get("retry_after", 1))
            reply = _error(429, "TooManyRequests", "The request is being throttled.", {"Retry-After": retry_after})
        elif kind == "server-error":
            reply = _error(500, "InternalServerError", "Encountered internal server error. Please try again.")
        elif kind == "unavailable":
            reply = _error(503, "ServiceUnavailable", "The service is temporarily unavailable. Please try again.")
        elif kind == "name-taken":
            name = record.path.rstrip("/").split("/")[-1]
            code = fault.params.get("code", "NameNotAvailable")
            reply = _error(409, code, f"The name '{name}' is already taken. Please choose a different name.")
        elif kind == "retiring":
            reply = _error(400, "BadRequest", "Azure Cache for Redis is retiring, create Azure Managed Redis instance instead.")
        elif kind == "forbidden":
            reply = _error(
                403,
                "AuthorizationFailed",
                "The client does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/write'.",
            )
        elif kind == "token-expired":
            token = self.headers.get("Authorization", "")[7:].strip()
            with self.emulator.lock:
                self.emulator.expired_tokens.add(token)
            reply = self._expired()
        elif kind in EXTRA_FAULTS:
            reply = EXTRA_FAULTS[kind](record.path, fault.params)
        else:  # pragma: no cover - guarded by FAULT_KINDS
            reply = _error(500, "InternalServerError", f"unknown fault {kind}")
        self._send(record, reply)

    def _send(self, record: Recorded, reply: Reply) -> None:
        record.status = reply.status
        payload = b""
        if reply.raw is not None:
            payload = reply.raw
        elif reply.body is not None:
            payload = json.dumps(reply.body).encode()
        self.send_response(reply.status)
        content_type = reply.headers.get("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Type", content_type)
        self.send_header("x-ms-request-id", "emulator")
        for name, value in reply.headers.items():
            if name != "Content-Type":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD" and payload:
            self.wfile.write(payload)
