"""The deployment facade and the plan/deploy/status/invoke/destroy commands, over the file-creating test target
and a real HTTP server standing in for the function (the local target has its own end-to-end tests)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.unit.test_engine_target import Behaviour, FileTarget, StepSpec, count
from wizard import cli, deployment
from wizard import profile as profiles
from wizard.targets.base import Endpoint

ROOT = Path(__file__).resolve().parents[2]
KEY = "function-key-for-tests-0123456789"


class ScoringHandler(BaseHTTPRequestHandler):
    """Answers like the generated app: 401 without the key, else echoes the input with X-Cache."""

    seen: list[dict] = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("x-functions-key") != KEY:
            self.send_response(401)
            self.end_headers()
            return
        ScoringHandler.seen.append(json.loads(body))
        payload = json.dumps({"result": [len(json.loads(body)["data"])]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Cache", "MISS" if len(ScoringHandler.seen) == 1 else "HIT")
        self.send_header("X-Model-Version", "v1")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def scoring_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), ScoringHandler)  # free port
    ScoringHandler.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/score"
    server.shutdown()
    server.server_close()


class ServedTarget(FileTarget):
    def __init__(self, specs, folder, url):
        super().__init__(specs, folder)
        self.url = url

    def endpoint(self, profile, outputs):
        assert "app" in outputs, "the endpoint is built from the finished steps' outputs"
        return Endpoint(url=self.url, key=KEY)


@pytest.fixture
def use_target(monkeypatch, tmp_path, scoring_server):
    """Points target_for() at the test target: the seam that picks a target, not a mock of one."""
    specs = [StepSpec("group"), StepSpec("cache", ("group",), behaviour=Behaviour(seconds=0.05)),
             StepSpec("app", ("group",))]
    target = ServedTarget(specs, tmp_path / "resources", scoring_server)
    monkeypatch.setattr(deployment, "target_for", lambda profile, credential=None: target)
    return target


@pytest.fixture
def local_profile(tmp_path) -> Path:
    path = tmp_path / "digits.json"
    shutil.copy(ROOT / "examples" / "digits-local.json", path)
    return path


def test_deployment_run_saves_the_profile_and_resumes(use_target, local_profile, wizard_home):
    profile = profiles.load(local_profile)
    events = []
    outcome = deployment.DeploymentRun(profile, events.append).run()
    assert outcome.ok and outcome.endpoint.url == use_target.url
    folder = deployment.state_dir(profile.name)
    assert folder == wizard_home / "deployments" / "digits-local"
    assert deployment.load_deployed_profile(profile.name) == profile
    assert json.loads((folder / "journal.json").read_text())["endpoint_url"] == use_target.url
    assert KEY not in (folder / "journal.json").read_text()
    again = deployment.DeploymentRun(profile, events.append).run()
    # "skipped" before the one-lifecycle change of the step-contract issue, "adopted" after it.
    assert {getattr(s, "value", s) for s in again.states.values()} <= {"skipped", "adopted"}
    assert count(use_target.folder, "cache", "start") == 1


def test_a_second_deploy_of_the_same_profile_is_refused_while_one_runs(use_target, local_profile):
    profile = profiles.load(local_profile)
    lock = deployment._DeployLock(deployment.state_dir(profile.name))
    lock.acquire()
    try:
        with pytest.raises(deployment.DeploymentBusy, match="deploying 'digits-local' right now"):
            deployment.DeploymentRun(profile, lambda e: None).run()
        assert deployment.list_deployments() == [] or deployment.list_deployments()[0].status != "deployed"
    finally:
        lock.release()


def test_cli_deploy_status_invoke_destroy(use_target, local_profile, capsys, tmp_path, monkeypatch):
    assert cli.run(["deploy", str(local_profile)]) == 0
    out = capsys.readouterr().out
    assert "] cache: started — Create cache" in out and "] cache: finished (" in out
    assert f"Invoke URL: {use_target.url}" in out
    assert KEY not in out and "func…6789" in out

    assert cli.run(["status"]) == 0
    out = capsys.readouterr().out
    assert "digits-local  local   rg-mlfunc-digits  deployed" in out and use_target.url in out
    assert "app.created" in out  # the target's resources() of a local deployment

    assert cli.run(["status", "digits-local"]) == 0
    out = capsys.readouterr().out
    assert "  cache: finished" in out or "  cache: created" in out

    assert cli.run(["invoke", "digits-local", "--data", '{"data": [[1, 2], [3, 4]]}']) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == {"result": [2]}
    assert captured.err.startswith("HTTP 200 · ") and "ms · X-Cache: MISS · model v1" in captured.err
    data_file = tmp_path / "input.json"
    data_file.write_text('{"data": [[5]]}')
    assert cli.run(["invoke", "digits-local", "--data", f"@{data_file}"]) == 0
    assert "X-Cache: HIT" in capsys.readouterr().err
    assert ScoringHandler.seen[-1] == {"data": [[5]]}

    monkeypatch.setattr(sys, "stdin", open(os.devnull))  # not a terminal, no --yes
    assert cli.run(["destroy", "digits-local"]) == 1
    assert "type the resource group name 'rg-mlfunc-digits'" in capsys.readouterr().err
    assert deployment.state_dir("digits-local").exists()

    assert cli.run(["destroy", "digits-local", "--yes"]) == 0
    assert "deleted cache.created" in capsys.readouterr().out
    assert not deployment.state_dir("digits-local").exists()
    assert not list(use_target.folder.glob("*.created"))


def test_destroy_needs_the_exact_resource_group_name(use_target, local_profile):
    profile = profiles.load(local_profile)
    assert deployment.DeploymentRun(profile, lambda e: None).run().ok
    with pytest.raises(deployment.DestroyRefused, match="not the resource group name 'rg-mlfunc-digits'"):
        deployment.destroy(profile.name, log=lambda line: None, typed_name="rg-other")
    assert (use_target.folder / "app.created").exists()
    deployment.destroy(profile.name, log=lambda line: None, typed_name="rg-mlfunc-digits")
    assert not (use_target.folder / "app.created").exists()


def test_invoke_default_data_is_the_profiles_sample_input(use_target, local_profile, capsys):
    data = json.loads(local_profile.read_text())
    data["model"]["sample_input"] = {"data": [[0.5, 1.5, 2.5]]}
    local_profile.write_text(json.dumps(data))
    assert cli.run(["deploy", str(local_profile)]) == 0
    assert cli.run(["invoke", "digits-local"]) == 0
    assert ScoringHandler.seen[-1] == {"data": [[0.5, 1.5, 2.5]]}


def test_cli_deploy_failure_lists_sentences_and_says_how_to_resume(monkeypatch, tmp_path, local_profile, capsys):
    target = FileTarget([StepSpec("cache", behaviour=Behaviour(fail="The cache size is not offered in westeurope.")),
                         StepSpec("access", ("cache",)), StepSpec("storage")], tmp_path / "resources")
    monkeypatch.setattr(deployment, "target_for", lambda profile, credential=None: target)
    assert cli.run(["deploy", str(local_profile)]) == 1
    err = capsys.readouterr().err
    assert "  cache: The cache size is not offered in westeurope." in err
    assert "not started: access" in err and "run the same command again to resume" in err


def test_cli_deploy_cancels_on_sigint_and_exits_130(monkeypatch, tmp_path, local_profile, capsys):
    target = FileTarget([StepSpec("cache", behaviour=Behaviour(seconds=600)), StepSpec("app", ("cache",))],
                        tmp_path / "resources")
    monkeypatch.setattr(deployment, "target_for", lambda profile, credential=None: target)

    def interrupt_once_started():
        deadline = time.monotonic() + 30
        while count(target.folder, "cache", "start") == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(os.getpid(), signal.SIGINT)  # what Ctrl-C sends; cmd_deploy's handler is installed by now

    threading.Thread(target=interrupt_once_started, daemon=True).start()
    assert cli.run(["deploy", str(local_profile)]) == 130
    err = capsys.readouterr().err
    assert "deployment cancelled; run deploy again to resume" in err
    assert count(target.folder, "cache", "interrupted") == 1
    journal = json.loads((deployment.state_dir("digits-local") / "journal.json").read_text())
    assert journal["steps"]["cache"]["state"] == "cancelled" and journal["status"] == "cancelled"


def _run_cli(*argv: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "MLFUNC_WIZARD_HOME": str(home), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "wizard", *argv], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=120)


def test_plan_of_the_local_example_end_to_end(local_profile, wizard_home):
    pytest.importorskip("wizard.targets.local.target", reason="the local target is built by the LOCAL issue")
    done = _run_cli("plan", str(local_profile), home=wizard_home)
    assert done.returncode == 2, done.stderr  # nothing deployed yet: everything would be created (issue 14)
    assert done.stdout.startswith("Plan for the local target:")
    assert "Critical path: " in done.stdout and "waits for:" in done.stdout


def test_deploy_refuses_a_profile_with_rule_errors_end_to_end(local_profile, wizard_home):
    data = json.loads(local_profile.read_text())
    data["cache"]["name"] = "bad_name"
    local_profile.write_text(json.dumps(data))
    done = _run_cli("deploy", str(local_profile), home=wizard_home)
    assert done.returncode == 1
    assert "error: cache.name:" in done.stderr and "fix them" in done.stderr
    assert not (wizard_home / "deployments").exists(), "nothing may be started for an invalid profile"


def test_unreadable_profile_and_unknown_deployment_get_sentences(tmp_path, wizard_home):
    done = _run_cli("deploy", str(tmp_path / "missing.json"), home=wizard_home)
    assert done.returncode == 2 and "No profile at" in done.stderr and "Traceback" not in done.stderr
    done = _run_cli("invoke", "nope", home=wizard_home)
    assert done.returncode == 1 and "No deployment named 'nope'" in done.stderr
    done = _run_cli("status", "nope", home=wizard_home)
    assert done.returncode == 1 and "mlfunc-wizard status" in done.stderr


def test_a_deploy_killed_mid_run_is_listed_as_interrupted(use_target, local_profile):
    profile = profiles.load(local_profile)
    assert deployment.DeploymentRun(profile, lambda e: None).run().ok
    journal_file = deployment.state_dir(profile.name) / "journal.json"
    data = json.loads(journal_file.read_text())
    data["status"] = "running"  # what a SIGKILLed deploy leaves (its OS lock died with it)
    journal_file.write_text(json.dumps(data))
    (info,) = deployment.list_deployments()
    assert info.status == "interrupted"
    lock = deployment._DeployLock(deployment.state_dir(profile.name))
    lock.acquire()  # a live deploy holds the lock
    try:
        assert deployment.list_deployments()[0].status == "running"
    finally:
        lock.release()
