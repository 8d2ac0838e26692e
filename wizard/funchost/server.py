"""The host itself: `python -m wizard.funchost APP_DIR --port N` (or funchost/run_host.py by path).

Loads APP_DIR/function_app.py, indexes it through azure.functions' own registry
(`FunctionApp.get_functions()`), serves HTTP triggers under /api/<route> with uvicorn, checks function
keys like Azure, and runs blob triggers from a watched folder (MLFUNC_BLOB_ROOT). Imports only the
standard library, starlette, uvicorn and azure.functions, so any interpreter with those can run it
by file path.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import functools
import importlib.util
import inspect
import json
import logging
import os
import re
import signal
import socket
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import azure.functions as func
import uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from .access_log import AccessLog, MaskingFormatter, MaskingStream, SecretMasker, secrets_from_environment
from .auth import ADMIN, ANONYMOUS, AUTH_LEVELS, FUNCTION, KeyRing, presented_key
from .bindings import InvocationContext, OutValue
from .blob import BlobConfigError, BlobFunction, BlobWatcher
from .routes import RouteError, RouteTemplate, parse_route

log = logging.getLogger("mlfunc.host")

EXIT_BAD_APP = 2
EXIT_UNSUPPORTED = 3
# Azure's front end refuses request bodies over 100 MB; do the same so one request cannot eat memory.
MAX_REQUEST_BYTES = 100 * 1024 * 1024
ALL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE")


class HostError(Exception):
    """The app cannot be served; the message is a sentence for the user, `exit_code` the status."""

    def __init__(self, message: str, exit_code: int = EXIT_BAD_APP) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class HttpFunction:
    """One HTTP-triggered function and how to call it."""

    name: str
    route: str
    methods: tuple[str, ...]
    auth_level: str
    user_function: Callable[..., Any]
    request_param: str
    return_is_response: bool  # the `$return` binding carries the response
    response_out_param: str | None  # or a named `func.Out[func.HttpResponse]` parameter
    wants_context: bool
    is_async: bool
    template: RouteTemplate | None = None  # None: a static route, matched by dictionary lookup

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "trigger": "httpTrigger", "route": self.route, "methods": list(self.methods), "authLevel": self.auth_level}


@dataclass
class LoadedApp:
    """What the host serves: the indexed functions of one function app folder."""

    app_dir: Path
    http: list[HttpFunction] = field(default_factory=list)
    blob: list[Any] = field(default_factory=list)  # host_blob.BlobFunction
    route_prefix: str = "api"

    def describe(self) -> list[dict[str, Any]]:
        functions = [f.describe() for f in self.http]
        functions += [{"name": b.name, "trigger": "blobTrigger", "path": f"{b.trigger_path.container}/{b.trigger_path.pattern}"} for b in self.blob]
        return functions


# ---------------------------------------------------------------------------------------------
# Indexing the app


def _value(raw: Any) -> Any:
    return getattr(raw, "value", raw)


def _read_route_prefix(app_dir: Path) -> str:
    try:
        host_json = json.loads((app_dir / "host.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "api"
    except ValueError as exc:
        raise HostError(f"{app_dir / 'host.json'} is not valid JSON ({exc}); fix or remove it.") from exc
    prefix = (((host_json.get("extensions") or {}).get("http") or {}).get("routePrefix"))
    return "api" if prefix is None else str(prefix).strip("/")


def _find_function_app(module: Any) -> Any:
    apps = [value for value in vars(module).values() if isinstance(value, func.FunctionRegister)]
    if not apps:
        raise HostError("function_app.py defines no azure.functions.FunctionApp; create one with `app = func.FunctionApp()`.")
    if len(apps) > 1:
        raise HostError("function_app.py defines more than one FunctionApp; keep one and register blueprints on it.")
    return apps[0]


def load_app(app_dir: Path) -> LoadedApp:
    """Import APP_DIR/function_app.py and index its functions; raises HostError with a sentence."""
    app_dir = app_dir.resolve()
    script = app_dir / "function_app.py"
    if not script.is_file():
        raise HostError(f"{app_dir} has no function_app.py; point the host at a generated function app folder.")
    os.environ.setdefault("AzureWebJobsScriptRoot", str(app_dir))  # set by the real host too
    os.environ.setdefault("FUNCTIONS_WORKER_RUNTIME", "python")
    sys.path.insert(0, str(app_dir))
    spec = importlib.util.spec_from_file_location("function_app", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["function_app"] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        log.debug("importing function_app.py failed", exc_info=True)
        raise HostError(f"Importing {script} failed with {type(exc).__name__}: {exc}. Fix the app (or install what it needs) and start again.") from exc
    try:
        functions = _find_function_app(module).get_functions()
    except ValueError as exc:
        raise HostError(f"The functions in {script} cannot be indexed: {exc}") from exc

    loaded = LoadedApp(app_dir=app_dir, route_prefix=_read_route_prefix(app_dir))
    for function in functions:
        trigger = function.get_trigger()
        kind = trigger.get_binding_name() if trigger is not None else ""
        name = function.get_function_name()
        if kind == "httpTrigger":
            loaded.http.append(_http_function(function))
        elif kind == "blobTrigger":
            try:
                loaded.blob.append(BlobFunction.from_function(function))
            except BlobConfigError as exc:
                raise HostError(str(exc), EXIT_UNSUPPORTED) from exc
        elif kind == "serviceBusTrigger":
            queue = getattr(trigger, "queue_name", None) or getattr(trigger, "topic_name", "")
            raise HostError(
                f"Function {name!r} is triggered by the Service Bus queue {queue!r}; the local host "
                "cannot run Service Bus triggers (there is no local Service Bus). Deploy this app "
                "with the azure target, or switch the profile's trigger to http or blob.",
                EXIT_UNSUPPORTED,
            )
        else:
            raise HostError(
                f"Function {name!r} has a {kind or 'missing'} trigger; the local host runs http and "
                "blob triggers only. Deploy this app with the azure target.",
                EXIT_UNSUPPORTED,
            )
    _check_routes(loaded.http)
    return loaded


def _http_function(function: Any) -> HttpFunction:
    name = function.get_function_name()
    user_function = function.get_user_function()
    params = list(inspect.signature(user_function).parameters)
    request_param = ""
    route = name
    methods: tuple[str, ...] = ALL_METHODS
    auth_level = FUNCTION
    return_is_response = False
    out_param = None
    for binding in function.get_dict_repr()["bindings"]:
        kind = binding["type"]
        if kind == "httpTrigger":
            request_param = binding["name"]
            route = str(binding.get("route") or name).strip("/")
            if binding.get("methods"):
                methods = tuple(str(_value(m)).upper() for m in binding["methods"])
            auth_level = str(_value(binding.get("authLevel") or FUNCTION)).lower()
        elif kind == "http":
            if binding["name"] == "$return":
                return_is_response = True
            else:
                out_param = binding["name"]
        else:
            raise HostError(
                f"Function {name!r} has a {kind!r} binding; the local host serves HTTP functions "
                "with http bindings only. Deploy this app with the azure target.",
                EXIT_UNSUPPORTED,
            )
    try:
        template = parse_route(route)
    except RouteError as exc:
        raise HostError(f"Function {name!r}: {exc}") from None
    if auth_level not in AUTH_LEVELS:
        raise HostError(f"Function {name!r} has auth level {auth_level!r}; use anonymous, function or admin.")
    if "HEAD" not in methods and "GET" in methods:
        methods = (*methods, "HEAD")
    return HttpFunction(
        name=name,
        route=route,
        methods=methods,
        auth_level=auth_level,
        user_function=user_function,
        request_param=request_param,
        return_is_response=return_is_response or out_param is None,
        response_out_param=out_param,
        wants_context="context" in params,
        is_async=asyncio.iscoroutinefunction(user_function),
        template=template,
    )


def _check_routes(functions: list[HttpFunction]) -> None:
    seen: dict[str, str] = {}
    for function in functions:
        key = function.route.lower()
        if key in seen and function.template is None:
            raise HostError(f"Functions {seen[key]!r} and {function.name!r} share the route {function.route!r}; give each its own route.")
        seen[key] = function.name


# ---------------------------------------------------------------------------------------------
# Serving


class FunctionResponse:
    """A function's HttpResponse as the two ASGI messages, its headers encoded once (the hot path: starlette's
    Response would normalise the same headers again)."""

    __slots__ = ("body", "raw_headers", "status")

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items() if k.lower() != "content-length"]
        if status < 200 or status in (204, 304):  # no body may follow these
            body = b""
        else:
            raw.append((b"content-length", str(len(body)).encode("latin-1")))
        self.status, self.raw_headers, self.body = status, raw, body

    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        await send({"type": "http.response.start", "status": self.status, "headers": self.raw_headers})
        await send({"type": "http.response.body", "body": self.body})


class HttpDispatcher:
    """Turns an ASGI request into a `func.HttpRequest`, calls the function, and answers its response."""

    def __init__(self, loaded: LoadedApp, keys: KeyRing, pool: concurrent.futures.Executor) -> None:
        self.loaded = loaded
        self.keys = keys
        self.pool = pool
        prefix = loaded.route_prefix
        # Lower case: the Functions host matches the prefix and routes case-insensitively (/API/score works).
        self.prefix = f"/{prefix}/".lower() if prefix else "/"
        self.static = {f.route.lower(): f for f in loaded.http if f.template is None}
        self.dynamic = [f for f in loaded.http if f.template is not None]

    def owns(self, path: str) -> bool:
        """True when the path is under the route prefix (in any letter case)."""
        return path[: len(self.prefix)].lower() == self.prefix or (path + "/").lower() == self.prefix

    def match(self, path: str) -> tuple[HttpFunction | None, dict[str, str]]:
        if not self.owns(path):
            return None, {}
        route = path[len(self.prefix) :]
        function = self.static.get(route.lower().rstrip("/"))
        if function is not None:
            return function, {}
        for function in self.dynamic:
            assert function.template is not None
            values = function.template.match(route)  # None also when a route constraint fails: 404
            if values is not None:
                return function, values
        return None, {}

    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        function, route_params = self.match(scope["path"])
        if function is None:
            await Response(status_code=404)(scope, receive, send)
            return
        scope["mlfunc.function"] = function.name
        method = scope["method"]
        if method not in function.methods:
            await Response(status_code=405, headers={"Allow": ", ".join(function.methods)})(scope, receive, send)
            return
        params: dict[str, str] = {}
        query = scope.get("query_string", b"").decode("latin-1")
        for key, value in parse_qsl(query, keep_blank_values=True):
            params[key] = f"{params[key]},{value}" if key in params else value
        headers: dict[str, str] = {}
        for raw_key, raw_value in scope["headers"]:
            key, value = raw_key.decode("latin-1").lower(), raw_value.decode("latin-1")
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        if function.auth_level != ANONYMOUS and not self.keys.allows(function.auth_level, presented_key(params, headers)):
            await Response(status_code=401)(scope, receive, send)
            return
        body = await self._read_body(receive, headers)
        if body is None:
            await JSONResponse({"error": f"The request body is larger than {MAX_REQUEST_BYTES} bytes."}, status_code=413)(scope, receive, send)
            return
        http_request = func.HttpRequest(
            method=method,
            url=self._url(scope, headers, query),
            headers=headers,
            params=params,
            route_params=route_params,
            body=body,
        )
        response = await self._invoke(function, http_request)
        await response(scope, receive, send)

    @staticmethod
    def _url(scope: dict[str, Any], headers: dict[str, str], query: str) -> str:
        host = headers.get("host")
        if not host:
            server = scope.get("server") or ("127.0.0.1", 80)
            host = f"{server[0]}:{server[1]}"
        path = scope.get("raw_path", b"").decode("latin-1") or scope["path"]
        return f"{scope.get('scheme', 'http')}://{host}{path}" + (f"?{query}" if query else "")

    async def _read_body(self, receive: Callable[..., Any], headers: dict[str, str]) -> bytes | None:
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_REQUEST_BYTES:
            return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_REQUEST_BYTES:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def _invoke(self, function: HttpFunction, http_request: Any) -> Response | FunctionResponse:
        kwargs: dict[str, Any] = {function.request_param: http_request}
        out = None
        if function.response_out_param:
            out = kwargs[function.response_out_param] = OutValue()
        if function.wants_context:
            kwargs["context"] = InvocationContext(function.name, str(self.loaded.app_dir))
        try:
            if function.is_async:
                returned = await function.user_function(**kwargs)
            else:
                loop = asyncio.get_running_loop()
                returned = await loop.run_in_executor(self.pool, functools.partial(function.user_function, **kwargs))
        except Exception:
            # As on Azure: the caller gets a bare 500, the host log gets the traceback.
            log.exception("function %s raised", function.name)
            return Response(status_code=500)
        result = returned if function.return_is_response else None
        if result is None and out is not None:  # the response went to a `func.Out[func.HttpResponse]`
            result = out.get()
        return self._to_response(function, result)

    def _to_response(self, function: HttpFunction, result: Any) -> Response | FunctionResponse:
        if isinstance(result, func.HttpResponse):
            headers = {k: v for k, v in result.headers.items()}
            if not any(k.lower() == "content-type" for k in headers):
                mimetype = result.mimetype or "text/plain"
                headers["content-type"] = f"{mimetype}; charset={result.charset}" if result.charset else mimetype
            return FunctionResponse(result.status_code, headers, result.get_body())
        if result is None:
            return Response(status_code=204)
        if isinstance(result, (str, bytes, bytearray)):
            return Response(content=bytes(result) if not isinstance(result, str) else result, media_type="text/plain")
        log.error("function %s returned %s; an HTTP function must return func.HttpResponse or str", function.name, type(result).__name__)
        return Response(status_code=500)


def build_asgi_app(loaded: LoadedApp, keys: KeyRing, pool: concurrent.futures.Executor, blob_root: Path | None, poll_seconds: float) -> Any:
    """The starlette application of the host (routes, admin status, blob watcher lifespan)."""

    dispatcher = HttpDispatcher(loaded, keys, pool)
    state = {"state": "Initialized"}

    async def host_status(request: Any) -> Any:
        # As on Azure, the host's admin API needs the master key.
        if not keys.allows(ADMIN, presented_key(request.query_params, request.headers)):
            return Response(status_code=401)
        return JSONResponse({"state": state["state"], "functions": loaded.describe(), "version": "mlfunc-local"})

    async def landing(_request: Any) -> Any:
        return PlainTextResponse("Your Functions host (mlfunc-wizard local) is up and running.")

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> Any:
        watcher_task = None
        if loaded.blob:
            assert blob_root is not None
            loop = asyncio.get_running_loop()
            watcher = BlobWatcher(
                blob_root,
                loaded.blob,
                host_id=re.sub(r"[^a-z0-9-]", "-", loaded.app_dir.name.lower())[:32] or "host",
                run_sync=lambda call: loop.run_in_executor(pool, call),
                poll_seconds=poll_seconds,
            )
            watcher_task = asyncio.create_task(watcher.run())
        state["state"] = "Running"
        try:
            yield
        finally:
            state["state"] = "Stopping"
            if watcher_task is not None:
                watcher_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher_task

    routes = [
        Route("/admin/host/status", host_status, methods=["GET"]),
        Route("/", landing, methods=["GET", "HEAD"]),
    ]
    starlette_app = Starlette(routes=routes, lifespan=lifespan)

    async def app(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        # Function routes skip starlette's router: they are the hot path, matched by dictionary.
        if scope["type"] == "http" and dispatcher.owns(scope["path"]):
            await dispatcher(scope, receive, send)
        else:
            await starlette_app(scope, receive, send)

    return AccessLog(app)


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind first, so that --port 0 gets a free port the host can print before it serves."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must be IPPROTO_TCP: asyncio turns Nagle off on accepted sockets only then, and with
    # Nagle on, the body write after the header write waits ~40 ms for the client's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise HostError(f"Cannot listen on {host}:{port} ({exc.strerror}); pick another port or use --port 0.") from exc
    sock.listen(2048)
    return sock


def serve(loaded: LoadedApp, sock: socket.socket, keys: KeyRing, blob_root: Path | None, poll_seconds: float, threads: int) -> None:
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=threads, thread_name_prefix="mlfunc-worker")
    asgi_app = build_asgi_app(loaded, keys, pool, blob_root, poll_seconds)
    config = uvicorn.Config(
        asgi_app,
        log_level="warning",
        access_log=False,  # ours masks keys
        log_config=None,  # uvicorn's records go through our handler, which masks secrets
        lifespan="on",
        server_header=False,
        timeout_graceful_shutdown=1,
        timeout_keep_alive=30,
    )

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            # uvicorn re-raises the signal after shutdown; we want a clean exit status instead.
            previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    server = Server(config)
    host, port = sock.getsockname()[:2]
    shown_host = f"[{host}]" if ":" in host else host

    async def announce() -> None:
        while not server.started:
            if server.should_exit:
                return
            await asyncio.sleep(0.01)
        sys.stdout.write(f"mlfunc-host listening on http://{shown_host}:{port}\n")
        sys.stdout.flush()
        log.info("serving %d HTTP and %d blob function(s) from %s", len(loaded.http), len(loaded.blob), loaded.app_dir)

    async def main() -> None:
        announcer = asyncio.create_task(announce())
        await server.serve(sockets=[sock])
        announcer.cancel()

    asyncio.run(main())
    pool.shutdown(wait=False, cancel_futures=True)
    log.info("host stopped")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="mlfunc-host", description="Serve an Azure Functions Python (v2 model) app locally.")
    parser.add_argument("app_dir", type=Path, help="folder holding function_app.py")
    parser.add_argument("--port", type=int, default=7071, help="port to listen on (0 = any free port; the real one is printed)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--threads", type=int, default=int(os.environ.get("PYTHON_THREADPOOL_THREAD_COUNT", "0") or 0) or min(32, (os.cpu_count() or 1) + 4),
                        help="worker threads for sync functions (default as the Python worker: PYTHON_THREADPOOL_THREAD_COUNT or cpu+4)")
    parser.add_argument("--log-level", default=os.environ.get("MLFUNC_HOST_LOG_LEVEL", "INFO"))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # The host knows its own keys and the app's secret settings: masked in every line it writes, whether
    # through logging or straight to stdout/stderr (prints, thread tracebacks, warnings).
    masker = SecretMasker(secrets_from_environment())
    handler = logging.StreamHandler(sys.stderr)  # the raw stream: the formatter masks already
    handler.setFormatter(MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", masker))
    logging.basicConfig(level=args.log_level.upper(), handlers=[handler])
    sys.stdout = MaskingStream(sys.stdout, masker)
    sys.stderr = MaskingStream(sys.stderr, masker)
    sock: socket.socket | None = None
    try:
        # Listen first: connections queue from the start while the app is imported (the model itself
        # loads in the background inside the app, so this is the whole wait before the first answer).
        sock = bind_socket(args.host, args.port)
        loaded = load_app(args.app_dir)
        blob_root = None
        if loaded.blob:
            root_setting = os.environ.get("MLFUNC_BLOB_ROOT", "")
            if not root_setting:
                raise HostError("This app has blob triggers: set MLFUNC_BLOB_ROOT to the folder that stands in for the storage account.")
            blob_root = Path(root_setting).resolve()
            blob_root.mkdir(parents=True, exist_ok=True)
        keys = KeyRing.from_environment()
        if any(f.auth_level != ANONYMOUS for f in loaded.http) and not (keys.function_key or keys.master_key):
            log.warning("no function keys configured (MLFUNC_FUNCTION_KEY / MLFUNC_MASTER_KEY): function- and admin-level routes will answer 401")
    except HostError as exc:
        if sock is not None:
            sock.close()
        sys.stderr.write(f"mlfunc-host: {exc}\n")
        return exc.exit_code
    poll = float(os.environ.get("MLFUNC_BLOB_POLL_SECONDS", "1.0"))
    try:
        serve(loaded, sock, keys, blob_root, poll, args.threads)
    finally:
        sock.close()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    # Worker threads still inside a user function must not hold the process past SIGTERM.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
