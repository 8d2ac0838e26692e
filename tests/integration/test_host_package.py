"""The functions host is its own package (wizard.funchost) that imports nothing else from wizard, started
as `python -m wizard.funchost` or through its launcher by path, and wizard.appgen keeps only the builder."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import grimp

from tests.fixtures.function_host import start_function_host
from wizard.targets.local import function_host

REPO = Path(__file__).resolve().parents[2]

APP = textwrap.dedent(
    """
    import sys
    import azure.functions as func

    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


    @app.route(route="who", methods=["GET"])
    def who(req: func.HttpRequest) -> func.HttpResponse:
        hosts = sorted(name for name in sys.modules if "funchost" in name or "mlfunc_host" in name or name == "wizard")
        return func.HttpResponse(",".join(hosts))
    """
)


def test_host_starts_from_the_package_with_python_m(tmp_path, function_host):
    (tmp_path / "function_app.py").write_text(APP)
    host = function_host(tmp_path)
    answer = host.request("GET", "/api/who")
    assert answer.status == 200
    assert "wizard.funchost.server" in answer.body.decode()


def test_local_target_runs_the_launcher_without_wizard_on_the_path(tmp_path):
    """The local target's command line: the app's interpreter (isolated here: no wizard) and the launcher path."""
    (tmp_path / "function_app.py").write_text(APP)
    launcher = function_host.host_script()
    assert launcher.parent == REPO / "wizard" / "funchost" and launcher.is_file()
    command = [sys.executable, "-I", str(launcher), str(tmp_path), "--port", "0"]
    host = start_function_host(tmp_path, tmp_path / "host.log", {"PYTHONPATH": ""}, command=command)
    try:
        loaded = host.request("GET", "/api/who").body.decode().split(",")
        assert "mlfunc_host.server" in loaded
        assert "wizard" not in loaded and not any(name.startswith("wizard.") for name in loaded)
    finally:
        host.stop()


def test_appgen_keeps_only_the_builder_and_samples():
    modules = sorted(p.stem for p in (REPO / "wizard" / "appgen").glob("*.py"))
    assert modules == ["__init__", "builder", "samples"]


def test_funchost_imports_nothing_else_from_wizard():
    graph = grimp.build_graph("wizard")
    outside = {
        (importer, imported)
        for importer in graph.find_descendants("wizard.funchost") | {"wizard.funchost"}
        for imported in graph.find_modules_directly_imported_by(importer)
        if imported.startswith("wizard") and not imported.startswith("wizard.funchost")
    }
    assert outside == set()


def test_import_linter_holds_the_funchost_contract():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    ours = [c for c in contracts if c.get("source_modules") == ["wizard.funchost"]]
    assert ours and ours[0]["type"] == "forbidden" and set(ours[0]["forbidden_modules"]) == {"wizard", "wizard.*"}
    lint = REPO / ".venv" / "bin" / "lint-imports"
    done = subprocess.run([str(lint) if lint.exists() else "lint-imports"], cwd=REPO, capture_output=True, text=True, timeout=300)
    report = " ".join(done.stdout.split())  # lint-imports wraps long contract names
    assert f"{ours[0]['name']} KEPT" in report, done.stdout
