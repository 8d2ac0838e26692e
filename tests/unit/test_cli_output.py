"""`--output json` for scripts (field names pinned here; the README documents them), `keys`, `--version`, shell
completion and `destroy --forget`, over the file-creating test target and a real HTTP scoring server."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.unit.test_deployment_cli import (  # noqa: F401 - fixtures
    KEY,
    local_profile,
    scoring_server,
    use_target,
)
from wizard import cli, deployment

ROOT = Path(__file__).resolve().parents[2]

EVENT_FIELDS = {"type", "kind", "step", "message", "fraction", "duration_s", "detail", "outputs", "time", "elapsed_s",
                "state"}
RESULT_FIELDS = {"type", "name", "ok", "cancelled", "duration_s", "states", "failed", "endpoint"}
ENDPOINT_FIELDS = {"url", "auth_level", "key_header"}
STATUS_FIELDS = {"name", "target", "resource_group", "subscription_id", "state", "updated", "endpoint", "steps",
                 "resources"}
ERROR_FIELDS = {"message", "detail", "exit_code"}


def run_cli(*argv: str, home: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "MLFUNC_WIZARD_HOME": str(home), "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "wizard", *argv], check=False, capture_output=True, text=True, cwd=ROOT,
                          env=environment, timeout=120)


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# --- validate ------------------------------------------------------------------------------------


def test_validate_json_fields(tmp_path, wizard_home):
    data = json.loads((ROOT / "examples" / "digits-local.json").read_text())
    data["cache"]["name"] = "bad_name"
    data["cache"]["non_tls_port"] = True
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data))
    done = run_cli("validate", str(path), "--output", "json", home=wizard_home)
    assert done.returncode == 1
    (document,) = json_lines(done.stdout)
    assert set(document) == {"profile", "valid", "errors", "warnings", "problems"}
    assert document["valid"] is False and document["errors"] == 1 and document["warnings"] == 1
    assert all(set(p) == {"path", "severity", "message"} for p in document["problems"])
    assert {(p["path"], p["severity"]) for p in document["problems"]} == {("cache.name", "error"),
                                                                         ("cache.non_tls_port", "warning")}
    assert done.stderr == ""


def test_validate_json_of_a_clean_profile(wizard_home):
    done = run_cli("validate", "examples/digits-local.json", "-o", "json", home=wizard_home)
    assert done.returncode == 0
    assert json_lines(done.stdout) == [{"profile": "examples/digits-local.json", "valid": True, "errors": 0,
                                        "warnings": 0, "problems": []}]


def test_errors_are_json_under_output_json(tmp_path, wizard_home):
    done = run_cli("validate", str(tmp_path / "missing.json"), "--output", "json", home=wizard_home)
    assert done.returncode == 2
    (document,) = json_lines(done.stdout)
    assert set(document) == {"error"} and set(document["error"]) == ERROR_FIELDS
    assert document["error"]["exit_code"] == 2 and "No profile at" in document["error"]["message"]

    done = run_cli("status", "nope", "--output", "json", home=wizard_home)
    assert done.returncode == 1
    assert json_lines(done.stdout)[0]["error"]["exit_code"] == 1


def test_rule_errors_of_plan_are_json_with_the_problems(tmp_path, wizard_home):
    data = json.loads((ROOT / "examples" / "digits-local.json").read_text())
    data["cache"]["name"] = "bad_name"
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data))
    done = run_cli("plan", str(path), "--output", "json", home=wizard_home)
    assert done.returncode == 1
    (document,) = json_lines(done.stdout)
    assert set(document["error"]) == ERROR_FIELDS | {"problems"}
    assert document["error"]["problems"][0]["path"] == "cache.name"


def test_an_unexpected_error_under_json_names_the_correlation_id_and_log(monkeypatch, capsys, local_profile):  # noqa: F811 - fixtures imported above
    def crash(profile, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(deployment, "make_plan", crash)  # the seam: any bug below the CLI
    assert cli.run(["plan", str(local_profile), "--output", "json"]) == 3
    (document,) = json_lines(capsys.readouterr().out)
    error = document["error"]
    assert set(error) == ERROR_FIELDS | {"correlation_id", "log_file"}
    assert re.fullmatch(r"[0-9a-f]{12}", error["correlation_id"]) and Path(error["log_file"]).is_file()


# --- plan (shape owned by the step-contract issue) ---------------------------------------------------


def test_plan_json_uses_the_plans_own_document_when_it_has_one():
    class Shaped:
        def to_json(self):
            return {"shape": "from the plan"}

    assert cli.plan_document(Shaped()) == {"shape": "from the plan"}


def test_plan_json_is_one_object(local_profile, wizard_home):  # noqa: F811 - fixtures imported above
    done = run_cli("plan", str(local_profile), "--output", "json", home=wizard_home)
    assert done.returncode in (0, 2), done.stderr  # 2: the what-if says something would change (issue 14)
    (document,) = json_lines(done.stdout)
    assert isinstance(document, dict)


# --- deploy / status / invoke / keys ----------------------------------------------------------------


def test_deploy_json_lines_events_then_a_result_with_the_endpoint(use_target, local_profile, capsys):  # noqa: F811 - fixtures imported above
    assert cli.run(["deploy", str(local_profile), "--output", "json"]) == 0
    out = capsys.readouterr().out
    assert KEY not in out
    lines = json_lines(out)
    *events, result = lines
    assert events and all(e["type"] == "event" and set(e) == EVENT_FIELDS for e in events)
    assert {"started", "finished"} <= {e["kind"] for e in events} or {"started", "created"} <= {e["kind"] for e in events}
    assert set(result) == RESULT_FIELDS and result["type"] == "result" and result["ok"] is True
    assert result["name"] == "digits-local" and set(result["states"]) == {"group", "cache", "app"}
    assert result["endpoint"] == {"url": use_target.url, "auth_level": "function", "key_header": "x-functions-key"}


def test_status_json_has_the_endpoint_and_never_the_key(use_target, local_profile, capsys):  # noqa: F811 - fixtures imported above
    assert cli.run(["deploy", str(local_profile)]) == 0
    capsys.readouterr()
    assert cli.run(["status", "--output", "json"]) == 0
    out = capsys.readouterr().out
    assert KEY not in out
    (listing,) = json_lines(out)
    assert isinstance(listing, list) and len(listing) == 1
    (one,) = listing
    assert set(one) == STATUS_FIELDS
    assert one["name"] == "digits-local" and one["target"] == "local" and one["state"] == "deployed"
    assert one["endpoint"] == {"url": use_target.url, "auth_level": "function", "key_header": "x-functions-key"}
    assert re.match(r"\d{4}-\d\d-\d\dT", one["updated"]) and "app.created" in one["resources"]
    assert cli.run(["status", "digits-local", "-o", "json"]) == 0
    (single,) = json_lines(capsys.readouterr().out)
    single.pop("drift", None)  # one deployment may add its drift (the step-contract issue's what-if)
    assert single == one


def test_invoke_json(use_target, local_profile, capsys):  # noqa: F811 - fixtures imported above
    assert cli.run(["deploy", str(local_profile)]) == 0
    capsys.readouterr()
    assert cli.run(["invoke", "digits-local", "--data", '{"data": [[1, 2]]}', "--output", "json"]) == 0
    (document,) = json_lines(capsys.readouterr().out)
    assert set(document) == {"status", "ok", "latency_ms", "x_cache", "model_version", "response", "body"}
    assert document["status"] == 200 and document["ok"] is True and document["response"] == {"result": [1]}
    assert document["x_cache"] == "MISS" and document["model_version"] == "v1"


def test_keys_masked_unless_show(use_target, local_profile, capsys):  # noqa: F811 - fixtures imported above
    assert cli.run(["deploy", str(local_profile)]) == 0
    capsys.readouterr()
    assert cli.run(["keys", "digits-local"]) == 0
    captured = capsys.readouterr()
    assert KEY not in captured.out and "func…6789" in captured.out and "x-functions-key" in captured.out
    assert "--show" in captured.err
    assert cli.run(["keys", "digits-local", "--show"]) == 0
    assert KEY in capsys.readouterr().out
    assert cli.run(["keys", "digits-local", "-o", "json"]) == 0
    assert json_lines(capsys.readouterr().out) == [{"name": "digits-local", "key_header": "x-functions-key",
                                                    "key": "func…6789", "masked": True}]
    assert cli.run(["keys", "digits-local", "-o", "json", "--show"]) == 0
    assert json_lines(capsys.readouterr().out)[0]["key"] == KEY


# --- destroy --forget ----------------------------------------------------------------------------------


def test_forget_removes_only_the_record(use_target, local_profile, capsys):  # noqa: F811 - fixtures imported above
    assert cli.run(["deploy", str(local_profile)]) == 0
    capsys.readouterr()
    assert cli.run(["destroy", "digits-local", "--forget"]) == 0
    out = capsys.readouterr().out
    assert "resource group 'rg-mlfunc-digits'" in out and "NOT deleted" in out
    assert not deployment.state_dir("digits-local").exists()
    assert sorted(p.name for p in use_target.folder.glob("*.created")) == ["app.created", "cache.created",
                                                                          "group.created"]


def test_forget_of_an_azure_deployment_needs_no_sign_in(wizard_home):
    folder = wizard_home / "deployments" / "digits-managed"
    folder.mkdir(parents=True)
    data = json.loads((ROOT / "examples" / "managed-redis-azure.json").read_text())
    data["name"] = "digits-managed"
    (folder / "profile.json").write_text(json.dumps(data))
    env = {k: "" for k in os.environ if k.startswith("AZURE_")}
    done = run_cli("destroy", "digits-managed", "--forget", home=wizard_home, env=env)
    assert done.returncode == 0, done.stderr
    group, subscription = data["resource_group"]["name"], data["azure"]["subscription_id"]
    assert f"az group delete --name {group} --subscription {subscription}" in done.stdout
    assert not folder.exists()


def test_forget_of_a_damaged_record_still_removes_it(wizard_home):
    folder = wizard_home / "deployments" / "broken"
    folder.mkdir(parents=True)
    (folder / "profile.json").write_text("{ not json")
    done = run_cli("destroy", "broken", "--forget", home=wizard_home)
    assert done.returncode == 0, done.stderr
    assert not folder.exists()


def test_forget_refuses_an_unknown_name_and_a_running_deploy(use_target, local_profile, wizard_home):  # noqa: F811 - fixtures imported above
    done = run_cli("destroy", "nope", "--forget", home=wizard_home)
    assert done.returncode == 1 and "No deployment named 'nope'" in done.stderr
    assert cli.run(["deploy", str(local_profile)]) == 0
    lock = deployment._DeployLock(deployment.state_dir("digits-local"))
    lock.acquire()  # a deploy in progress
    try:
        with pytest.raises(deployment.DeploymentBusy):
            deployment.forget("digits-local")
    finally:
        lock.release()
    assert deployment.state_dir("digits-local").exists()


# --- --version and completion -------------------------------------------------------------------------


def test_version(wizard_home):
    from wizard import __version__

    done = run_cli("--version", home=wizard_home)
    assert done.returncode == 0 and done.stdout.strip().startswith("mlfunc-wizard ")
    assert done.stdout.split()[1][0].isdigit() and __version__


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_completion_script(shell, wizard_home):
    done = run_cli("completion", shell, home=wizard_home)
    assert done.returncode == 0
    assert "mlfunc-wizard" in done.stdout and "_ARGCOMPLETE" in done.stdout


def test_completion_answers_the_shell_without_opening_the_gui(tmp_path, wizard_home):
    answer = tmp_path / "completions.txt"
    line = "mlfunc-wizard st"
    env = {"_ARGCOMPLETE": "1", "COMP_LINE": line, "COMP_POINT": str(len(line)), "_ARGCOMPLETE_IFS": "\n",
           "_ARGCOMPLETE_STDOUT_FILENAME": str(answer), "QT_QPA_PLATFORM": "offscreen"}
    # What the shell runs: the command with no arguments and the line in the environment.
    done = subprocess.run([sys.executable, "-m", "wizard"], check=False, capture_output=True, text=True, cwd=ROOT, timeout=60,
                          env={**os.environ, "MLFUNC_WIZARD_HOME": str(wizard_home), "PYTHONPATH": str(ROOT), **env})
    assert done.returncode == 0, done.stderr
    assert answer.read_text().split() == ["status"]
