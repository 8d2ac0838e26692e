"""Catch a model or entry script that cannot load before anything is deployed: parse the script, then load the
model and run init() in a SUBPROCESS (unpickling runs code), with a time limit. Problems come back like rules'.

Used by `validate`, by `deploy` before it starts anything, and by the GUI's Review worker; never per keystroke.
"""

from __future__ import annotations

import ast
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from wizard.i18n import _
from wizard.profile import Profile
from wizard.rules import Problem
from wizard.secrets import scrub

log = logging.getLogger(__name__)

TIMEOUT_S = 60.0
_MESSAGE_MAX = 300

# Runs inside the checking interpreter (the app's environment, or the wizard's): it must import nothing from
# wizard. It imports score.py the way the runtime does, runs init(), and writes what happened to a JSON file
# (stdout belongs to the user's code).
_CHILD = r'''
import importlib.util, json, os, sys, traceback
app, result_file, generated = sys.argv[1], sys.argv[2], sys.argv[3] == "generated"
report = {"ok": False, "stage": "import", "error": "", "message": "", "traceback": ""}
def write():
    with open(result_file, "w", encoding="utf-8") as fh:
        json.dump(report, fh)
try:
    os.chdir(app)
    sys.path.insert(0, app)
    spec = importlib.util.spec_from_file_location("score", os.path.join(app, "score.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules["score"] = module
    spec.loader.exec_module(module)
    report["stage"] = "run"
    if not callable(getattr(module, "run", None)):
        raise AttributeError("the entry script has no run(raw_data) function")
    report["stage"] = "init"
    init = getattr(module, "init", None)
    if callable(init):
        init()
    if generated:
        report["stage"] = "predict"
        model = getattr(module, "model", None)
        if not callable(getattr(model, "predict", None)):
            raise TypeError(f"the model file holds a {type(model).__name__}, which has no predict()")
    report["stage"] = "done"
    report["ok"] = True
except BaseException as exc:
    report["error"] = type(exc).__name__
    report["message"] = str(exc)
    report["traceback"] = traceback.format_exc()[-4000:]
write()
'''


def check_model(profile: Profile, *, python: str | os.PathLike[str] | None = None, timeout_s: float = TIMEOUT_S,
                cancel_event: threading.Event | None = None) -> list[Problem]:
    """Problems (path, severity, sentence) of the profile's model file and entry script; [] when both load.

    Parses the entry script (ast), then imports it and runs init() — with the generated score.py when there is no
    entry script — in a subprocess of `python` (default: `app_python(profile)`), stopped after `timeout_s` or when
    `cancel_event` is set. Blocks for as long as the model takes to load: call it from a worker thread in the GUI.
    A sample model without an entry script is the wizard's own and is not checked; neither is a model that lives
    in an Azure ML workspace (only its entry script is parsed)."""
    model = profile.model
    script = profile.resolve(model.entry_script) if model.entry_script else None
    if script is not None:
        problem = _parse_problem(script)
        if problem:
            return [problem]
    model_file, problem = _model_file(profile, needed=script is not None)
    if problem:
        return [problem]
    if model_file is None:
        return []
    with tempfile.TemporaryDirectory(prefix="mlfunc-model-check-") as tmp:
        app = Path(tmp) / "app"
        (app / "model").mkdir(parents=True)
        # A link, not a copy: models can be gigabytes. Entry scripts find it under AZUREML_MODEL_DIR as on Azure ML.
        (app / "model" / model_file.name).symlink_to(model_file.resolve())
        if script is not None:
            shutil.copyfile(script, app / "score.py")
        else:
            (app / "score.py").write_text(_generated_score(model_file.name), encoding="utf-8")
        report = _run_child(Path(python) if python else app_python(profile), app, Path(tmp) / "result.json",
                            generated=script is None, timeout_s=timeout_s, cancel_event=cancel_event)
    return _problems(report, model_file, script, timeout_s)


def app_python(profile: Profile) -> Path:
    """The interpreter of the app's environment when the local package step has built it, else the wizard's own."""
    try:
        from wizard.core.journal import Journal
        from wizard.deployment import state_dir

        package: Any = Journal(state_dir(profile.name)).finished_outputs().get("package") or {}
        recorded = package.get("env_python") if isinstance(package, dict) else getattr(package, "env_python", "")
        if profile.target == "local" and recorded and Path(recorded).exists():
            return Path(recorded)
    except Exception as exc:  # noqa: BLE001 - no usable record: the wizard's interpreter is the fallback
        log.debug("no recorded app environment for %s: %s", profile.name, exc)
    if getattr(sys, "frozen", False):  # a PyInstaller bundle's executable is the app, not an interpreter
        found = shutil.which("python3") or shutil.which("python")
        return Path(found) if found else Path("python3")
    return Path(sys.executable)


# --- the parts ---------------------------------------------------------------------------------


def _sentence_part(text: str) -> str:
    text = scrub(" ".join(str(text).split()))
    return text if len(text) <= _MESSAGE_MAX else text[: _MESSAGE_MAX - 1] + "…"


def _parse_problem(script: Path) -> Problem | None:
    try:
        source = script.read_bytes()
    except OSError:
        return None  # a missing script is the rules' problem (model.entry_script)
    try:
        ast.parse(source, filename=str(script))
    except SyntaxError as exc:
        reason = _sentence_part(exc.msg)
        if exc.lineno:
            sentence = _("The entry script {script} has a syntax error at line {line} ({reason}); fix it.").format(
                script=script, line=exc.lineno, reason=reason)
        else:
            sentence = _("The entry script {script} has a syntax error ({reason}); fix it.").format(
                script=script, reason=reason)
        return Problem("model.entry_script", "error", sentence)
    except ValueError as exc:  # e.g. null bytes
        return Problem("model.entry_script", "error",
                       _("The entry script {script} is not Python source ({reason}); choose the .py file.").format(
                           script=script, reason=_sentence_part(str(exc))))
    return None


def _model_file(profile: Profile, *, needed: bool) -> tuple[Path | None, Problem | None]:
    model = profile.model
    if model.source == "file":
        if not model.path:
            return None, None  # the rules say so
        path = profile.resolve(model.path)
        try:
            size = path.stat().st_size
        except OSError:
            return None, None  # the rules say so
        if not path.is_file():
            return None, None
        if size == 0:
            return None, Problem("model.path", "error",
                                 _("The model file {path} is empty; choose the file your training code saved "
                                   "(joblib.dump or pickle.dump).").format(path=path))
        return path, None
    if model.source == "sample" and needed:
        from wizard.appgen import samples

        try:
            return samples.ensure_sample(model.sample or "digits").model_path, None
        except samples.SampleError:
            return None, None  # the rules say so (model.sample)
    return None, None  # the wizard's own sample with its own script, or a model in Azure ML


def _generated_score(model_file_name: str) -> str:
    from wizard.appgen.builder import template_dir

    template = (template_dir() / "score.py.tmpl").read_text(encoding="utf-8")
    return template.replace("{{MODEL_FILE}}", model_file_name)


def _child_env(app: Path) -> dict[str, str]:
    # The user's code needs no Azure credentials or wizard secrets: leave them out of its environment.
    secret = re.compile(r"SECRET|PASSWORD|TOKEN|CREDENTIAL|CONNECTION|KEY", re.IGNORECASE)
    env = {k: v for k, v in os.environ.items() if not secret.search(k) and not k.startswith("AZURE_")}
    env.update({"AZUREML_MODEL_DIR": str(app / "model"), "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1"})
    env.pop("PYTHONPATH", None)
    return env


def _run_child(python: Path, app: Path, result_file: Path, *, generated: bool, timeout_s: float,
               cancel_event: threading.Event | None) -> dict[str, Any]:
    argv = [str(python), "-c", _CHILD, str(app), str(result_file), "generated" if generated else "user"]
    try:
        proc = subprocess.Popen(argv, cwd=app, env=_child_env(app), stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as exc:
        return {"ok": False, "stage": "start", "error": type(exc).__name__, "message": str(exc), "python": str(python)}
    waited = 0.0
    step = 0.1
    try:
        while True:
            try:
                proc.wait(timeout=step)
                break
            except subprocess.TimeoutExpired:
                waited += step
                if waited >= timeout_s or (cancel_event is not None and cancel_event.is_set()):
                    _stop(proc)
                    return {"ok": False, "stage": "timeout" if waited >= timeout_s else "cancelled"}
    except BaseException:
        _stop(proc)
        raise
    try:
        return json.loads(result_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        # No report: the interpreter died (a crash in native code, os._exit, a signal) before writing it.
        return {"ok": False, "stage": "died", "error": "", "message": f"exit code {proc.returncode}"}


def _stop(proc: subprocess.Popen) -> None:
    """Kill the child and anything it started: it leads its own session, so its group id is its (positive) pid."""
    from wizard.targets.local.processes import (
        signal_owned,  # the one function that signals (issue 12)
    )

    signal_owned(proc, signal.SIGKILL, process_group=True)
    proc.wait()


def _problems(report: dict[str, Any], model_file: Path, script: Path | None, timeout_s: float) -> list[Problem]:
    if report.get("ok"):
        return []
    stage = report.get("stage")
    error = report.get("error") or ""
    reason = _sentence_part(f"{error}: {report.get('message')}" if error else report.get("message") or "")
    if stage == "timeout":
        return [Problem("model.path", "warning",
                        _("Loading the model and running init() did not finish within {seconds:.0f} s, so the check "
                          "stopped; the app will start slowly or time out — check the model's size and init().").format(
                            seconds=timeout_s))]
    if stage == "cancelled":
        return []
    if stage == "start":
        return [Problem("model.path", "warning",
                        _("The model could not be checked: {python} did not start ({reason}).").format(
                            python=report.get("python"), reason=reason))]
    if script is None:  # the generated score.py: init() is joblib.load of the model file
        if stage == "predict":
            return [Problem("model.path", "error",
                            _("The model file {path} loads, but {reason}; the generated score.py calls "
                              "model.predict(), so save a fitted model or add an entry script.").format(
                                path=model_file, reason=reason))]
        return [Problem("model.path", "error",
                        _("The model file {path} cannot be loaded ({reason}); choose a file saved with "
                          "joblib.dump or pickle.dump, with the libraries it needs installed.").format(
                            path=model_file, reason=reason))]
    if stage == "run":
        return [Problem("model.entry_script", "error",
                        _("The entry script {script} has no run(raw_data) function; add one (init() is optional).").format(
                            script=script))]
    # One whole sentence per stage, so that a translation can inflect its subject.
    if stage == "import":
        sentence = _("Importing the entry script failed ({reason}) with the model {model}; fix {script} and check again.")
    elif stage == "init":
        sentence = _("The entry script's init() failed ({reason}) with the model {model}; fix {script} and check again.")
    elif stage == "died":
        sentence = _("Loading the entry script failed ({reason}) with the model {model}; fix {script} and check again.")
    else:
        sentence = _("The entry script failed ({reason}) with the model {model}; fix {script} and check again.")
    return [Problem("model.entry_script", "error",
                    sentence.format(reason=reason, model=model_file.name, script=script.name))]
