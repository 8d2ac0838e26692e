"""Bad models and entry scripts are caught by `validate` and before `deploy` starts anything: the model is loaded and
init() run in a subprocess (never in our process: unpickling runs code), within a time limit."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from wizard import model_check
from wizard import profile as profiles

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*argv: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "MLFUNC_WIZARD_HOME": str(home), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "wizard", *argv], check=False, capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=180)


def file_profile(tmp_path: Path, model_bytes: bytes | None, script: str | None = None, *,
                 model_name: str = "model.pkl") -> Path:
    data = json.loads((ROOT / "examples" / "digits-local.json").read_text())
    if model_bytes is not None:
        (tmp_path / model_name).write_bytes(model_bytes)
        data["model"].update(source="file", path=model_name, sample_input={"data": [[0.0, 1.0]]})
    if script is not None:
        (tmp_path / "score.py").write_text(script)
        data["model"]["entry_script"] = "score.py"
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(data))
    return path


@pytest.fixture(scope="module")
def fitted_model(tmp_path_factory) -> bytes:
    """A real (tiny) fitted scikit-learn model, saved the way training code does."""
    import io

    import joblib
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression().fit([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]], [0, 1, 0, 1])
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    return buffer.getvalue()


class RaisesOnLoad:
    def __reduce__(self):
        return (int, ("not a number",))  # int("not a number") raises ValueError while unpickling


class WritesPidOnLoad:
    def __init__(self, target: Path):
        self.target = target

    def __reduce__(self):
        code = f"open({str(self.target)!r}, 'w').write(str(__import__('os').getpid()))"
        return (exec, (code,))


def problems_of(path: Path, **kwargs):
    return model_check.check_model(profiles.load(path), **kwargs)


# --- validate ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("content, expected", [
    (b"this is a text file, not a model\n", "cannot be loaded"),
    (b"", "is empty"),
    (pickle.dumps(RaisesOnLoad()), "ValueError"),
    (pickle.dumps({"weights": [1, 2, 3]}), "has no predict()"),
])
def test_validate_refuses_a_model_that_does_not_load(tmp_path, wizard_home, content, expected):
    path = file_profile(tmp_path, content)
    done = run_cli("validate", str(path), home=wizard_home)
    assert done.returncode == 1, done.stdout + done.stderr
    errors = [line for line in done.stdout.splitlines() if line.startswith("error: model.path: ")]
    assert errors and expected in errors[0], done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_validate_accepts_a_fitted_model(tmp_path, wizard_home, fitted_model):
    path = file_profile(tmp_path, fitted_model, model_name="model.joblib")
    done = run_cli("validate", str(path), home=wizard_home)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "error" not in done.stdout


@pytest.mark.parametrize("script, expected", [
    ("def init(:\n    pass\n", "syntax error at line 1"),
    ("def init():\n    raise RuntimeError('no GPU here')\n\ndef run(raw):\n    return raw\n", "RuntimeError: no GPU here"),
    ("import not_a_module_anywhere_xyz\n\ndef run(raw):\n    return raw\n", "ModuleNotFoundError"),
    ("def init():\n    pass\n", "has no run(raw_data) function"),
])
def test_validate_refuses_an_entry_script_that_does_not_load(tmp_path, wizard_home, fitted_model, script, expected):
    path = file_profile(tmp_path, fitted_model, script)
    done = run_cli("validate", str(path), home=wizard_home)
    assert done.returncode == 1, done.stdout + done.stderr
    errors = [line for line in done.stdout.splitlines() if line.startswith("error: model.entry_script: ")]
    assert errors and expected in errors[0], done.stdout


def test_a_working_entry_script_finds_its_model_under_azureml_model_dir(tmp_path, fitted_model):
    script = ("import os, joblib\nmodel = None\n\ndef init():\n    global model\n"
              "    model = joblib.load(os.path.join(os.environ['AZUREML_MODEL_DIR'], 'model.joblib'))\n\n"
              "def run(raw):\n    return model.predict([[0, 1]]).tolist()\n")
    path = file_profile(tmp_path, fitted_model, script, model_name="model.joblib")
    assert problems_of(path) == []


def test_validate_output_json_holds_the_model_problem(tmp_path, wizard_home):
    path = file_profile(tmp_path, b"")
    done = run_cli("validate", str(path), "--output", "json", home=wizard_home)
    assert done.returncode == 1
    document = json.loads(done.stdout)
    assert document["valid"] is False and document["errors"] == 1
    assert document["problems"][0]["path"] == "model.path" and document["problems"][0]["severity"] == "error"


def test_no_model_check_skips_it(tmp_path, wizard_home):
    path = file_profile(tmp_path, b"text")
    done = run_cli("validate", str(path), "--no-model-check", home=wizard_home)
    assert done.returncode == 0, done.stdout


# --- never in our process, bounded in time --------------------------------------------------------


def test_the_model_is_unpickled_in_another_process(tmp_path):
    marker = tmp_path / "pid.txt"
    path = file_profile(tmp_path, pickle.dumps(WritesPidOnLoad(marker)))
    problems = problems_of(path)
    assert marker.exists(), "the pickle ran"
    assert int(marker.read_text()) != os.getpid()
    assert [p.path for p in problems] == ["model.path"]  # it loads as None: no predict()


def _pid_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    status = Path(f"/proc/{pid}/stat")
    return status.exists() and status.read_text().split(") ")[-1].startswith("Z")


def test_an_init_that_never_returns_is_stopped_at_the_limit(tmp_path, fitted_model):
    marker = tmp_path / "pid.txt"
    script = (f"import os, time\n\ndef init():\n    open({str(marker)!r}, 'w').write(str(os.getpid()))\n"
              "    time.sleep(600)\n\ndef run(raw):\n    return raw\n")
    path = file_profile(tmp_path, fitted_model, script)
    problems = problems_of(path, timeout_s=2)
    assert [(p.path, p.severity) for p in problems] == [("model.path", "warning")]
    assert "did not finish within 2 s" in problems[0].message
    assert _pid_gone(int(marker.read_text()))


def test_a_cancelled_check_stops_the_child(tmp_path, fitted_model):
    marker = tmp_path / "pid.txt"
    script = (f"import os, time\n\ndef init():\n    open({str(marker)!r}, 'w').write(str(os.getpid()))\n"
              "    time.sleep(600)\n\ndef run(raw):\n    return raw\n")
    path = file_profile(tmp_path, fitted_model, script)
    cancel = threading.Event()

    def cancel_when_started():
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        cancel.set()

    threading.Thread(target=cancel_when_started, daemon=True).start()
    assert problems_of(path, cancel_event=cancel) == []
    assert _pid_gone(int(marker.read_text()))


def test_the_child_gets_no_azure_secret(tmp_path, fitted_model, monkeypatch):
    monkeypatch.setenv("AZURE_CLIENT_SECRET", "client-secret-value-0123456789")
    out = tmp_path / "env.json"
    script = (f"import json, os\n\ndef init():\n    json.dump(dict(os.environ), open({str(out)!r}, 'w'))\n\n"
              "def run(raw):\n    return raw\n")
    path = file_profile(tmp_path, fitted_model, script)
    assert problems_of(path) == []
    env = json.loads(out.read_text())
    assert "AZURE_CLIENT_SECRET" not in env and env["AZUREML_MODEL_DIR"].endswith("model")


def test_the_apps_built_environment_is_used_when_recorded(tmp_path):
    from wizard.core.journal import Journal
    from wizard.deployment import state_dir

    profile = profiles.load(file_profile(tmp_path, b"x"))
    assert model_check.app_python(profile) == Path(sys.executable)
    fake_env_python = tmp_path / "env" / "bin" / "python"
    fake_env_python.parent.mkdir(parents=True)
    fake_env_python.symlink_to(sys.executable)
    Journal(state_dir(profile.name)).step_finished("package", {"env_python": str(fake_env_python)}, started=0.0,
                                                   duration_s=1.0)
    assert model_check.app_python(profile) == fake_env_python


def test_the_sample_without_an_entry_script_needs_no_subprocess(tmp_path):
    # The wizard's own sample and score.py: nothing to check, so validate of the examples stays fast.
    profile = profiles.load(ROOT / "examples" / "digits-local.json")
    assert model_check.check_model(profile, python="/nonexistent/python") == []


# --- deploy checks before it starts anything ----------------------------------------------------------


def test_deploy_refuses_a_model_that_does_not_load_before_starting_anything(tmp_path, wizard_home):
    path = file_profile(tmp_path, b"not a pickle")
    done = run_cli("deploy", str(path), home=wizard_home)
    assert done.returncode == 1, done.stderr
    assert "error: model.path: " in done.stderr and "does not load" in done.stderr
    assert not (wizard_home / "deployments").exists() and not (wizard_home / "resource-groups").exists()


def test_a_frozen_app_checks_with_a_system_python(tmp_path, monkeypatch):
    import shutil

    monkeypatch.setattr(sys, "frozen", True, raising=False)  # what PyInstaller sets; sys.executable is the bundle
    profile = profiles.load(file_profile(tmp_path, b"x"))
    assert model_check.app_python(profile) == Path(shutil.which("python3") or shutil.which("python"))


def test_a_python_that_cannot_start_is_a_warning_not_a_crash(tmp_path):
    path = file_profile(tmp_path, b"not a model")
    problems = problems_of(path, python=tmp_path / "no-such-python")
    assert [(p.path, p.severity) for p in problems] == [("model.path", "warning")]
    assert "could not be checked" in problems[0].message
