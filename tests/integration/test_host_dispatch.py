"""The local functions host over real HTTP: indexing, routing, request/response conversion, keys, errors.

A small v2-model function_app.py written by the test is served by the real host subprocess
(`python -m wizard.funchost APP --port 0`).
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import sys
import textwrap
from pathlib import Path

import pytest

from tests.fixtures.function_host import run_host_to_exit, start_function_host
from tests.polling import wait_for

FUNCTION_KEY = "test-function-key-0123456789"
MASTER_KEY = "test-master-key-9876543210"
KEYS = {"MLFUNC_FUNCTION_KEY": FUNCTION_KEY, "MLFUNC_MASTER_KEY": MASTER_KEY}

APP = textwrap.dedent(
    '''
    import asyncio
    import json
    import sys
    import threading

    import azure.functions as func

    app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)


    @app.route(route="echo/{item}", methods=["POST", "PUT"])
    def echo(req: func.HttpRequest) -> func.HttpResponse:
        document = {
            "method": req.method,
            "url": req.url,
            "params": dict(req.params),
            "route": dict(req.route_params),
            "body": req.get_body().decode("utf-8"),
            "header": req.headers.get("x-custom"),
            "thread": threading.current_thread().name,
            "wizard_imported": "wizard" in sys.modules,
        }
        return func.HttpResponse(json.dumps(document), status_code=201, headers={"X-Echo": "yes"}, mimetype="application/json")


    @app.route(route="open", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
    async def open_door(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
        await asyncio.sleep(0)
        return func.HttpResponse(f"open {context.function_name}")


    @app.route(route="admin-only", auth_level=func.AuthLevel.ADMIN)
    def admin_only(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("admin ok")


    @app.route(route="plain")
    def plain(req: func.HttpRequest) -> str:
        return "just a string"


    @app.route(route="explode", auth_level=func.AuthLevel.ANONYMOUS)
    def explode(req: func.HttpRequest) -> func.HttpResponse:
        raise RuntimeError("internal detail that must stay in the log")
    '''
)


@pytest.fixture(scope="module")
def dispatch_host(tmp_path_factory):
    """One host for the read-only checks of this module; stopped by PID at module end."""
    app_dir = tmp_path_factory.mktemp("dispatch-app")
    (app_dir / "function_app.py").write_text(APP)
    host = start_function_host(app_dir, tmp_path_factory.mktemp("dispatch-log") / "host.log", KEYS)
    yield host
    host.stop()


def test_status_lists_the_indexed_functions(dispatch_host):
    answer = dispatch_host.request("GET", "/admin/host/status", headers={"x-functions-key": MASTER_KEY})
    assert answer.status == 200
    status = answer.json()
    assert status["state"] == "Running"
    by_name = {f["name"]: f for f in status["functions"]}
    assert set(by_name) == {"echo", "open_door", "admin_only", "plain", "explode"}
    assert by_name["echo"]["route"] == "echo/{item}"
    assert by_name["echo"]["authLevel"] == "function"
    assert by_name["open_door"]["authLevel"] == "anonymous"
    assert by_name["admin_only"]["authLevel"] == "admin"


def test_request_is_converted_and_response_comes_back(dispatch_host):
    answer = dispatch_host.request(
        "POST", f"/api/echo/42?code={FUNCTION_KEY}&color=blue", body="héllo", headers={"X-Custom": "abc"}
    )
    assert answer.status == 201
    assert answer.header("x-echo") == "yes"
    assert answer.header("content-type").startswith("application/json")
    echoed = answer.json()
    assert echoed["method"] == "POST"
    assert echoed["route"] == {"item": "42"}
    assert echoed["params"]["color"] == "blue"
    assert echoed["body"] == "héllo"
    assert echoed["header"] == "abc"
    assert echoed["url"].startswith(f"http://127.0.0.1:{dispatch_host.port}/api/echo/42")
    # Sync functions run on the host's worker pool, as the Python worker runs them.
    assert echoed["thread"].startswith("mlfunc-worker")


def test_async_function_is_awaited_and_gets_context(dispatch_host):
    answer = dispatch_host.request("GET", "/api/open")
    assert answer.status == 200
    assert answer.body == b"open open_door"


def test_str_return_becomes_text_response(dispatch_host):
    answer = dispatch_host.request("GET", "/api/plain", headers={"x-functions-key": FUNCTION_KEY})
    assert answer.status == 200
    assert answer.body == b"just a string"


def test_unknown_route_and_wrong_method(dispatch_host):
    assert dispatch_host.request("GET", "/api/nowhere").status == 404
    wrong = dispatch_host.request("GET", f"/api/echo/1?code={FUNCTION_KEY}")
    assert wrong.status == 405
    assert "POST" in wrong.header("allow")


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        ("/api/plain", {}, 401),  # function level, no key
        (f"/api/plain?code=wrong-{FUNCTION_KEY}", {}, 401),
        ("/api/plain", {"x-functions-key": "nope"}, 401),
        (f"/api/plain?code={FUNCTION_KEY}", {}, 200),
        ("/api/plain", {"x-functions-key": FUNCTION_KEY}, 200),
        (f"/api/plain?code={MASTER_KEY}", {}, 200),  # the master key opens every level
        (f"/api/admin-only?code={FUNCTION_KEY}", {}, 401),  # admin level: function key is not enough
        ("/api/admin-only", {}, 401),
        ("/api/admin-only", {"x-functions-key": MASTER_KEY}, 200),
        ("/api/open", {}, 200),  # anonymous
    ],
)
def test_function_keys_are_enforced_like_azure(dispatch_host, path, headers, status):
    assert dispatch_host.request("GET", path, headers=headers).status == status


def test_function_failure_is_a_bare_500_with_the_trace_in_the_log(dispatch_host):
    answer = dispatch_host.request("GET", "/api/explode")
    assert answer.status == 500
    assert b"internal detail" not in answer.body
    assert b"Traceback" not in answer.body
    assert "internal detail that must stay in the log" in dispatch_host.log()


def test_access_log_masks_keys(dispatch_host):
    dispatch_host.request("GET", f"/api/plain?code={FUNCTION_KEY}&x=1")
    # The access line is written just after the answer is sent.
    log = wait_for(lambda: (lambda text: text if "/api/plain?code=***&x=1" in text else "")(dispatch_host.log()), what="the access line")
    assert FUNCTION_KEY not in log
    assert MASTER_KEY not in log


def test_declared_body_over_the_host_limit_is_refused(dispatch_host):
    # Only the header is sent: the host must answer 413 without reading 200 MB.
    connection = http.client.HTTPConnection("127.0.0.1", dispatch_host.port, timeout=10)
    try:
        connection.putrequest("POST", f"/api/echo/1?code={FUNCTION_KEY}")
        connection.putheader("Content-Length", str(200 * 1024 * 1024))
        connection.endheaders()
        assert connection.getresponse().status == 413
    finally:
        connection.close()


def test_without_configured_keys_protected_routes_answer_401(tmp_path, function_host):
    (tmp_path / "function_app.py").write_text(APP)
    env = {"MLFUNC_FUNCTION_KEY": "", "MLFUNC_MASTER_KEY": ""}
    host = function_host(tmp_path, env)
    assert host.request("GET", "/api/plain?code=").status == 401
    assert host.request("GET", "/api/plain", headers={"x-functions-key": ""}).status == 401
    assert host.request("GET", "/api/open").status == 200


def test_runs_by_file_path_without_the_wizard_package(tmp_path):
    """Another interpreter runs the launcher by path: the host must not need (or import) `wizard`."""
    (tmp_path / "function_app.py").write_text(APP)
    host_file = Path(__file__).resolve().parents[2] / "wizard" / "funchost" / "run_host.py"
    env = {**KEYS, "PYTHONPATH": ""}
    command = [sys.executable, "-I", str(host_file), str(tmp_path), "--port", "0"]
    host = start_function_host(tmp_path, tmp_path / "host.log", env, command=command)
    try:
        answer = host.request("POST", f"/api/echo/7?code={FUNCTION_KEY}", body="x")
        assert answer.status == 201
        assert answer.json()["wizard_imported"] is False
    finally:
        host.stop()


def test_sigterm_stops_the_host_cleanly(tmp_path):
    (tmp_path / "function_app.py").write_text(APP)
    host = start_function_host(tmp_path, tmp_path / "host.log", KEYS)
    try:
        assert host.request("GET", "/api/open").status == 200
        os.kill(host.pid, signal.SIGTERM)
        assert host.process.wait(timeout=5) == 0
        assert "host stopped" in host.log()
    finally:
        host.stop()


def test_service_bus_app_is_refused_with_a_sentence(tmp_path):
    (tmp_path / "function_app.py").write_text(
        textwrap.dedent(
            '''
            import azure.functions as func
            app = func.FunctionApp()

            @app.service_bus_queue_trigger(arg_name="msg", queue_name="requests", connection="ServiceBusConnection")
            @app.service_bus_queue_output(arg_name="outmsg", queue_name="results", connection="ServiceBusConnection")
            def score_queue(msg: func.ServiceBusMessage, outmsg: func.Out[str]) -> None:
                outmsg.set("x")
            '''
        )
    )
    finished = run_host_to_exit(tmp_path)
    assert finished.returncode == 3
    assert "Service Bus queue 'requests'" in finished.stderr
    assert "azure target" in finished.stderr
    assert "Traceback" not in finished.stderr
    assert "listening" not in finished.stdout


def test_folder_without_function_app_is_refused(tmp_path):
    finished = run_host_to_exit(tmp_path)
    assert finished.returncode == 2
    assert "has no function_app.py" in finished.stderr


def test_app_that_fails_to_import_is_refused_with_the_reason(tmp_path):
    (tmp_path / "function_app.py").write_text("import not_installed_module_xyz\n")
    finished = run_host_to_exit(tmp_path)
    assert finished.returncode == 2
    assert "ModuleNotFoundError" in finished.stderr
    assert "not_installed_module_xyz" in finished.stderr
    assert "Traceback" not in finished.stderr


def test_environment_reaches_the_app_as_app_settings(tmp_path, function_host):
    (tmp_path / "function_app.py").write_text(
        textwrap.dedent(
            '''
            import os
            import azure.functions as func
            app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

            @app.route(route="setting")
            def setting(req: func.HttpRequest) -> func.HttpResponse:
                return func.HttpResponse(os.environ.get("MY_SETTING", "unset"))
            '''
        )
    )
    (tmp_path / "host.json").write_text(json.dumps({"version": "2.0", "extensions": {"http": {"routePrefix": "fn"}}}))
    host = function_host(tmp_path, {"MY_SETTING": "from-env"})
    assert host.request("GET", "/fn/setting").body == b"from-env"
    assert host.request("GET", "/api/setting").status == 404


def test_function_responses_keep_status_headers_and_bodyless_codes(tmp_path, function_host):
    (tmp_path / "function_app.py").write_text(textwrap.dedent(
        '''
        import azure.functions as func
        app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

        @app.route(route="status/{code:int}", methods=["GET", "HEAD"])
        def status(req: func.HttpRequest) -> func.HttpResponse:
            code = int(req.route_params["code"])
            return func.HttpResponse("body text", status_code=code, headers={"X-Custom": "yes", "Content-Length": "999"})
        '''
    ))
    host = function_host(tmp_path, KEYS)
    ok = host.request("GET", "/api/status/201")
    assert (ok.status, ok.body, ok.header("x-custom"), ok.header("content-length")) == (201, b"body text", "yes", "9")
    assert ok.header("content-type").startswith("text/plain")
    for code in (204, 304):
        empty = host.request("GET", f"/api/status/{code}")
        assert (empty.status, empty.body, empty.header("x-custom")) == (code, b"", "yes")
        assert empty.header("content-length") is None
    head = host.request("HEAD", "/api/status/200")
    assert (head.status, head.body, head.header("content-length")) == (200, b"", "9")
