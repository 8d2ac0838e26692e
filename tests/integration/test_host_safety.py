"""Safety of the local functions host over real HTTP (issue 12, items 4-6): keys never reach host.log in any
spelling, the access log cannot be forged, the admin status needs the master key, and routes match like
the Azure Functions host (case-insensitive prefix, route constraints)."""

from __future__ import annotations

import textwrap

import pytest

from tests.fixtures.function_host import start_function_host
from tests.polling import wait_for
from wizard.targets.local import function_host as local_host

FUNCTION_KEY = "safety-function-key-5e4d3c2b1a"
MASTER_KEY = "safety-master-key-0f1e2d3c4b"
KEYS = {"MLFUNC_FUNCTION_KEY": FUNCTION_KEY, "MLFUNC_MASTER_KEY": MASTER_KEY}

APP = textwrap.dedent(
    '''
    import logging
    import azure.functions as func

    app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)


    @app.route(route="score", methods=["GET", "POST"])
    def score(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("scored")


    @app.route(route="open/{rest}", auth_level=func.AuthLevel.ANONYMOUS)
    def open_route(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("open " + req.route_params["rest"])


    @app.route(route="chatty", auth_level=func.AuthLevel.ANONYMOUS)
    def chatty(req: func.HttpRequest) -> func.HttpResponse:
        # A function that logs what it was given: the host must still keep keys out of host.log.
        logging.getLogger("user").warning("got params %s", dict(req.params))
        return func.HttpResponse("logged")


    @app.route(route="leaky", auth_level=func.AuthLevel.ANONYMOUS)
    def leaky(req: func.HttpRequest) -> func.HttpResponse:
        # Writes that bypass logging: print, a raw write, a thread's traceback, a warning.
        import sys, threading, warnings
        token = req.params["token"]
        print("printed", token, file=sys.stderr)
        sys.stderr.write(f"raw {token}\\n")
        worker = threading.Thread(target=lambda: (_ for _ in ()).throw(RuntimeError(f"thread {token}")))
        worker.start()
        worker.join()
        warnings.warn(f"warned {token}")
        return func.HttpResponse("leaked?")


    @app.route(route="items/{id:int}", auth_level=func.AuthLevel.ANONYMOUS)
    def item(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("item " + str(int(req.route_params["id"])))


    @app.route(route="c/{a:alpha}/{b:bool}/{g:guid}", auth_level=func.AuthLevel.ANONYMOUS)
    def typed(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("typed")


    @app.route(route="n/{x:int:min(10):max(20)}/{s:length(2,3)}/{r:regex(^ab+$)}", auth_level=func.AuthLevel.ANONYMOUS)
    def ranged(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("ranged")


    @app.route(route="f/{v:float}/{w:long}/{d:datetime}", auth_level=func.AuthLevel.ANONYMOUS)
    def numbers(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("numbers")
    '''
)


def logged(host, text: str) -> str:
    """host.log once it holds `text` (the access line is written just after the answer is sent)."""
    return wait_for(lambda: host.log() if text in host.log() else "", what=f"{text!r} in host.log")


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    app_dir = tmp_path_factory.mktemp("safety-app")
    (app_dir / "function_app.py").write_text(APP)
    running = start_function_host(app_dir, tmp_path_factory.mktemp("safety-log") / "host.log", KEYS)
    yield running
    running.stop()


# --- item 4: keys never reach host.log ----------------------------------------------------------


@pytest.mark.parametrize("name", ["code", "CODE", "cod%65", "%63ode", "%63%6F%64%65", "c%6Fde", "Cod%45"])
def test_key_in_any_spelling_of_code_is_accepted_and_never_logged(host, name):
    answer = host.request("GET", f"/api/score?{name}={FUNCTION_KEY}&x=1")
    assert answer.status == 200  # the Functions host decodes the name, so this is a valid call
    log = logged(host, f"/api/score?{name}=***&x=1")
    assert FUNCTION_KEY not in log


def test_a_registered_key_is_masked_anywhere_in_a_log_line(host):
    # In a route segment, in another parameter, percent-encoded, and in what a user function logs.
    host.request("GET", f"/api/open/{MASTER_KEY}")
    host.request("GET", f"/api/open/x?note={FUNCTION_KEY[:6]}%2D{FUNCTION_KEY[7:]}")
    host.request("GET", f"/api/chatty?token={MASTER_KEY}&other={FUNCTION_KEY}")
    log = logged(host, "/api/chatty?token=***&other=***")
    assert "got params" in log and "/api/open/***" in log and "note=***" in log
    assert MASTER_KEY not in log and FUNCTION_KEY not in log
    assert f"{FUNCTION_KEY[:6]}%2D{FUNCTION_KEY[7:]}" not in log


def test_a_registered_key_is_masked_in_writes_that_bypass_logging(host):
    assert host.request("GET", f"/api/leaky?token={MASTER_KEY}").status == 200
    log = logged(host, "/api/leaky?token=***")
    for marker in ("printed ***", "raw ***", "RuntimeError: thread ***", "warned ***"):
        assert marker in log, marker
    assert MASTER_KEY not in log


# --- item 5: no forged log lines -----------------------------------------------------------------


def test_control_characters_in_the_url_cannot_forge_a_log_line(host):
    forged = "2026-01-01 00:00:00,000 INFO mlfunc.host.access: 10.0.0.1 FORGED"
    path = "/api/open/a%0a" + forged.replace(" ", "%20") + "%0d%1b[31m"
    assert host.request("GET", path).status == 200
    lines = logged(host, "FORGED").splitlines()
    assert not any(line.startswith("2026-01-01 00:00:00,000") for line in lines)
    written = [line for line in lines if "FORGED" in line]
    assert len(written) == 1 and "\\n" in written[0] and "\\x1b" in written[0] and "\x1b" not in written[0]


# --- item 6: admin status needs the master key; readiness check sends it --------------------------


def test_admin_status_needs_the_master_key(host):
    assert host.request("GET", "/admin/host/status").status == 401
    assert host.request("GET", "/admin/host/status", headers={"x-functions-key": FUNCTION_KEY}).status == 401
    assert host.request("GET", f"/admin/host/status?code={FUNCTION_KEY}").status == 401
    answer = host.request("GET", "/admin/host/status", headers={"x-functions-key": MASTER_KEY})
    assert answer.status == 200 and answer.json()["state"] == "Running"
    assert host.request("GET", f"/admin/host/status?code={MASTER_KEY}").status == 200


def test_local_target_readiness_check_sends_the_master_key(host):
    assert local_host.status_ok(host.port, master_key=MASTER_KEY)
    assert not local_host.status_ok(host.port, master_key="")


# --- item 6: routes as on Azure ----------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["/API", "/Api", "/aPi"])
def test_route_prefix_is_case_insensitive(host, prefix):
    assert host.request("GET", f"{prefix}/score?code={FUNCTION_KEY}").status == 200
    assert host.request("GET", f"{prefix}/items/7").body == b"item 7"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/items/42", 200),
        ("/api/items/-3", 200),
        ("/api/items/abc", 404),
        ("/api/items/4.5", 404),
        ("/api/items/99999999999", 404),  # over int32, as ASP.NET's int constraint
        ("/api/c/abc/true/0f8fad5b-d9cb-469f-a165-70867728950e", 200),
        ("/api/c/ABC/False/{0f8fad5b-d9cb-469f-a165-70867728950e}", 200),
        ("/api/c/ab1/true/0f8fad5b-d9cb-469f-a165-70867728950e", 404),
        ("/api/c/abc/yes/0f8fad5b-d9cb-469f-a165-70867728950e", 404),
        ("/api/c/abc/true/not-a-guid", 404),
        ("/api/n/15/ab/abbb", 200),
        ("/api/n/9/ab/abbb", 404),
        ("/api/n/21/ab/abbb", 404),
        ("/api/n/15/abcd/abbb", 404),
        ("/api/n/15/ab/ba", 404),
        ("/api/f/1.5/9999999999/2024-05-01", 200),
        ("/api/f/1.5/9999999999/2024-05-01T10:00:00", 200),
        ("/api/f/x/9999999999/2024-05-01", 404),
        ("/api/f/1.5/1.5/2024-05-01", 404),
        ("/api/f/1.5/7/not-a-date", 404),
    ],
)
def test_route_constraints_are_enforced(host, path, status):
    assert host.request("GET", path).status == status


def test_unknown_route_constraint_is_refused_with_a_sentence(tmp_path):
    from tests.fixtures.function_host import run_host_to_exit

    (tmp_path / "function_app.py").write_text(textwrap.dedent(
        '''
        import azure.functions as func
        app = func.FunctionApp()

        @app.route(route="x/{id:color}")
        def x(req: func.HttpRequest) -> func.HttpResponse:
            return func.HttpResponse("x")
        '''
    ))
    done = run_host_to_exit(tmp_path, KEYS)
    assert done.returncode == 2
    assert "color" in done.stderr and "Traceback" not in done.stderr
