"""One error root caught once at the CLI's top: a sentence and exit 1 for expected failures, exit 2 for input that
cannot be read, a correlation id and a log file for anything else (exit 3); a closed pipe ends quietly."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from wizard import cli, deployment
from wizard.core.errors import InputError, WizardError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def run_cli(*argv: str, home: Path, stdout=subprocess.PIPE, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "MLFUNC_WIZARD_HOME": str(home), "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "wizard", *argv], check=False, stdout=stdout, stderr=subprocess.PIPE, text=True,
                          cwd=ROOT, env=environment, timeout=120)


def write_profile(tmp_path: Path, example: str, change=None, name: str = "p.json") -> Path:
    data = json.loads((EXAMPLES / example).read_text())
    if change:
        change(data)
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def assert_one_sentence(stderr: str) -> None:
    assert "Traceback" not in stderr, stderr
    assert stderr.strip(), "a failure must say something"


# --- the error root -------------------------------------------------------------------------


def test_wizard_error_carries_message_and_detail():
    err = InputError("The file is empty; write a profile.", "at /tmp/x")
    assert isinstance(err, WizardError) and str(err) == err.message == "The file is empty; write a profile."
    assert err.detail == "at /tmp/x"


def test_the_wizards_own_exceptions_share_the_root_and_keep_their_old_bases():
    from wizard.appgen.builder import BuildError
    from wizard.appgen.samples import SampleError
    from wizard.core.plan import PlanError
    from wizard.profile import ProfileError, ProfileFieldError
    from wizard.targets.base import StepFailed, TransientError
    from wizard.targets.local.function_host import HostStartError
    from wizard.targets.local.packaging import PackageError
    from wizard.targets.local.redis import CacheError
    from wizard.targets.local.resource_group import ResourceGroupError

    for cls in (BuildError, SampleError, PlanError, StepFailed, TransientError, HostStartError, PackageError,
                CacheError, ResourceGroupError, deployment.DeploymentNotFound, deployment.DeploymentBusy,
                deployment.DestroyRefused, deployment.InvokeError):
        assert issubclass(cls, WizardError), cls
    assert issubclass(ProfileError, InputError) and issubclass(ProfileFieldError, InputError)
    assert issubclass(deployment.DeploymentNotFound, LookupError)  # callers still catch these
    assert issubclass(deployment.DestroyRefused, ValueError) and issubclass(PlanError, ValueError)
    assert StepFailed("s", "d").detail == "d" and StepFailed("s", "d").message == "s"


# --- item 8: plan explains instead of a traceback -----------------------------------------------


def test_plan_of_an_azure_profile_with_local_packaging_says_a_sentence(tmp_path, wizard_home):
    path = write_profile(tmp_path, "managed-redis-azure.json", lambda d: d["function"].update(packaging="local"))
    done = run_cli("plan", str(path), home=wizard_home)
    assert done.returncode == 1, done.stderr
    assert_one_sentence(done.stderr)
    assert "function.packaging" in done.stderr and "acr-build" in done.stderr


def test_plan_with_rule_errors_prints_them_and_exits_1(tmp_path, wizard_home):
    path = write_profile(tmp_path, "digits-local.json", lambda d: d["cache"].update(name="bad_name"))
    done = run_cli("plan", str(path), home=wizard_home)
    assert done.returncode == 1
    assert "error: cache.name:" in done.stderr and "fix them" in done.stderr
    assert_one_sentence(done.stderr)


def test_a_step_failed_raised_while_planning_is_one_sentence_and_details_with_verbose(monkeypatch, tmp_path, capsys):
    from wizard.targets.base import StepFailed

    def refuse(profile, **kwargs):
        raise StepFailed("The packaging route cannot be planned; choose another.", "route=xyz")

    monkeypatch.setattr(deployment, "make_plan", refuse)  # the seam: a target refusing to plan
    path = write_profile(tmp_path, "digits-local.json")
    assert cli.run(["plan", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "error: The packaging route cannot be planned; choose another."
    assert cli.run(["-v", "plan", str(path)]) == 1
    assert "route=xyz" in capsys.readouterr().err


def test_an_unexpected_exception_gives_a_correlation_id_and_a_log_file_exit_3(monkeypatch, tmp_path, capsys, wizard_home):
    def crash(profile, **kwargs):
        raise RuntimeError("boom inside the planner")

    # The seam: an unexpected bug anywhere below the CLI (nothing in the wizard raises one on purpose).
    monkeypatch.setattr(deployment, "make_plan", crash)
    path = write_profile(tmp_path, "digits-local.json")
    assert cli.run(["plan", str(path)]) == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err
    match = re.search(r"correlation id ([0-9a-f]{12})", err)
    assert match, err
    log_match = re.search(r"(/\S+\.log)", err)
    assert log_match, err
    log_file = Path(log_match.group(1))
    assert log_file.parent == wizard_home / "logs"
    text = log_file.read_text()
    assert "Traceback" in text and "boom inside the planner" in text and match.group(1) in text


def test_unexpected_errors_never_write_a_registered_secret_to_the_log(monkeypatch, tmp_path, capsys):
    from wizard.secrets import registry

    secret = "super-secret-function-key-123456"
    registry.add(secret)

    def crash(profile, **kwargs):
        raise RuntimeError(f"failed with key {secret}")

    monkeypatch.setattr(deployment, "make_plan", crash)
    path = write_profile(tmp_path, "digits-local.json")
    assert cli.run(["plan", str(path)]) == 3
    err = capsys.readouterr().err
    log_file = Path(re.search(r"(/\S+\.log)", err).group(1))
    assert secret not in log_file.read_text() and secret not in err


# --- item 7: profiles that crash the JSON reader --------------------------------------------------


@pytest.mark.parametrize("command", ["validate", "plan", "deploy"])
def test_an_integer_over_the_digit_limit_exits_2_with_a_sentence(tmp_path, wizard_home, command):
    # plan exits 1 for unreadable input: its 2 means "something would change" (test_cli_plan_exit.py)
    text = (EXAMPLES / "digits-local.json").read_text().replace('"ttl_seconds": 3600', '"ttl_seconds": ' + "9" * 5000)
    path = tmp_path / "bigint.json"
    path.write_text(text)
    done = run_cli(command, str(path), home=wizard_home)
    assert done.returncode == (1 if command == "plan" else 2), done.stderr
    assert_one_sentence(done.stderr)
    assert "digits" in done.stderr and str(path) in done.stderr


@pytest.mark.parametrize("command", ["validate", "plan", "deploy"])
def test_a_profile_nested_100000_deep_exits_2_with_a_sentence(tmp_path, wizard_home, command):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    done = run_cli(command, str(path), home=wizard_home)
    assert done.returncode == (1 if command == "plan" else 2), done.stderr  # plan: see test_cli_plan_exit.py
    assert_one_sentence(done.stderr)
    assert "deep" in done.stderr


def test_a_sample_input_nested_deeper_than_the_limit_is_refused_at_load(tmp_path):
    from wizard import profile as profiles

    data = json.loads((EXAMPLES / "digits-local.json").read_text())
    text = json.dumps(data).replace('"entry_script": ""', '"entry_script": "", "sample_input": ' + "[" * 500 + "]" * 500)
    with pytest.raises(profiles.ProfileError, match="nested"):
        profiles.loads(text)


def test_invoke_data_with_a_huge_integer_is_a_sentence(wizard_home):
    done = run_cli("invoke", "nope", "--data", "9" * 5000, home=wizard_home)
    assert done.returncode == 2
    assert_one_sentence(done.stderr)


# --- item 9: a closed pipe ------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [["status"], ["--help"], ["validate", "examples/digits-local.json"]])
def test_writing_into_a_closed_pipe_ends_quietly(wizard_home, argv):
    read_end, write_end = os.pipe()
    os.close(read_end)  # what `| head` leaves once head has exited: every write fails with EPIPE
    try:
        done = run_cli(*argv, home=wizard_home, stdout=write_end)
    finally:
        os.close(write_end)
    assert "BrokenPipe" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert "Exception ignored" not in done.stderr
    assert done.returncode in (0, 141)


def test_status_piped_into_head_is_quiet(tmp_path, wizard_home):
    # Many deployments so that the listing outgrows what head reads.
    for i in range(300):
        folder = wizard_home / "deployments" / f"dep-{i:03d}"
        folder.mkdir(parents=True)
        data = json.loads((EXAMPLES / "digits-local.json").read_text())
        data["name"] = f"dep-{i:03d}"
        (folder / "profile.json").write_text(json.dumps(data))
    env = {**os.environ, "MLFUNC_WIZARD_HOME": str(wizard_home), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(f"'{sys.executable}' -m wizard status | head -n 1", shell=True, check=False, capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=120)
    assert done.stdout.startswith("NAME")
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr


# --- library warnings stay out of the console -------------------------------------------------


def test_library_warnings_are_shown_only_with_verbose(monkeypatch, tmp_path, capsys):
    import logging

    def chatty(profile, **kwargs):
        logging.getLogger("azure.identity").warning("EnvironmentCredential.get_token failed: noise")
        raise InputError("Cannot read it; check the path.")

    monkeypatch.setattr(deployment, "make_plan", chatty)
    path = write_profile(tmp_path, "digits-local.json")
    assert cli.run(["plan", str(path)]) == 1  # plan's input errors exit 1 (its 2 means changes)
    assert "noise" not in capsys.readouterr().err
    assert cli.run(["plan", str(path), "-v"]) == 1
    assert "noise" in capsys.readouterr().err
