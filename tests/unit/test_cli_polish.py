"""The CLI speaks Polish (issue 13): the real CLI in a subprocess, with LANGUAGE=pl or --lang pl, prints its
sentences in Polish and exits with the same code as in English (scripts read the codes, people read the words)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from wizard import i18n

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "digits-local.json"


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogue():
    """The .mo files are build output (scripts/setup.sh); compile them when a .po is newer, as set-up would."""
    for po in i18n.po_files("pl"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            i18n.compile_catalogues()
            break


def run_cli(*argv: str, home: Path, language: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "MLFUNC_WIZARD_HOME": str(home), "PYTHONPATH": str(ROOT), "LANG": "C"}
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        env.pop(var, None)
    if language:
        env["LANGUAGE"] = language
    return subprocess.run([sys.executable, "-m", "wizard", *argv], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=120)


def in_both(*argv: str, home: Path, how: str) -> tuple[subprocess.CompletedProcess, subprocess.CompletedProcess]:
    """The command in English, then in Polish (LANGUAGE=pl, or --lang pl before the sub-command)."""
    english = run_cli(*argv, home=home)
    polish = run_cli(*argv, home=home, language="pl") if how == "env" else run_cli("--lang", "pl", *argv, home=home)
    assert "Traceback" not in english.stderr + polish.stderr, polish.stderr
    assert polish.returncode == english.returncode, (english.stderr, polish.stderr)
    return english, polish


def _mistyped_profile(tmp_path: Path) -> Path:
    data = json.loads(EXAMPLE.read_text())
    data["cache_policy"]["ttl_seconds"] = "soon"
    path = tmp_path / "mistyped.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize("how", ["env", "option"])
@pytest.mark.parametrize("command", [("validate", "--no-model-check"), ("plan",), ("deploy",)])
def test_a_mistyped_field_is_a_polish_sentence(tmp_path, wizard_home, how, command):
    path = _mistyped_profile(tmp_path)
    english, polish = in_both(command[0], str(path), *command[1:], home=wizard_home, how=how)
    assert english.returncode in (1, 2)
    # validate lists it as a problem on stdout; the other commands stop with it on stderr
    assert ('cache_policy.ttl_seconds: Write a whole number here (no quotes, no decimals), not the string "soon".'
            in english.stdout + english.stderr)
    assert ("cache_policy.ttl_seconds: Wpisz tu liczbę całkowitą (bez cudzysłowów i bez części ułamkowej), "
            'a nie tekst "soon".') in polish.stdout + polish.stderr
    assert "Write a whole number" not in polish.stdout + polish.stderr


@pytest.mark.parametrize("how", ["env", "option"])
@pytest.mark.parametrize("command", ["validate", "plan", "deploy", "build"])
def test_a_missing_profile_is_a_polish_sentence(tmp_path, wizard_home, how, command):
    path = tmp_path / "missing.json"
    extra = ("--out", str(tmp_path / "app")) if command == "build" else ()
    english, polish = in_both(command, str(path), *extra, home=wizard_home, how=how)
    assert english.returncode == (1 if command == "plan" else 2)
    assert f"error: No profile at {path}. Check the path, or save one from the wizard." in english.stderr
    assert f"error: Pod ścieżką {path} nie ma profilu. Sprawdź ścieżkę albo zapisz profil w kreatorze." in polish.stderr


@pytest.mark.parametrize("how", ["env", "option"])
def test_status_of_an_unknown_deployment_is_a_polish_sentence(wizard_home, how):
    english, polish = in_both("status", "nope", home=wizard_home, how=how)
    assert english.returncode == 1
    assert "No deployment named 'nope'" in english.stderr
    assert "Nie ma wdrożenia o nazwie 'nope'. Uruchom `mlfunc-wizard status`" in polish.stderr


@pytest.mark.parametrize("how", ["env", "option"])
@pytest.mark.parametrize("flag", ["--yes", "--forget"])
def test_destroy_of_an_unknown_name_is_a_polish_sentence(wizard_home, how, flag):
    english, polish = in_both("destroy", "nope", flag, home=wizard_home, how=how)
    assert english.returncode == 1
    assert "No deployment named 'nope'" in english.stderr
    assert "Nie ma wdrożenia o nazwie 'nope'" in polish.stderr


def test_status_without_deployments_is_polish(wizard_home):
    english, polish = in_both("status", home=wizard_home, how="env")
    assert english.returncode == 0
    assert english.stdout.strip() == "No deployments yet. Deploy one with `mlfunc-wizard deploy PROFILE`."
    assert polish.stdout.strip() == "Nie ma jeszcze żadnych wdrożeń. Wdróż pierwsze poleceniem `mlfunc-wizard deploy PROFILE`."


@pytest.mark.parametrize("how", ["env", "option"])
def test_plan_of_a_fresh_profile_is_polish_with_the_same_exit_code(wizard_home, how):
    english, polish = in_both("plan", str(EXAMPLE), home=wizard_home, how=how)
    assert english.returncode == 2  # nothing is deployed: everything would be created
    assert f"Run `mlfunc-wizard deploy {EXAMPLE}` to make these changes." in english.stdout
    assert f"Uruchom `mlfunc-wizard deploy {EXAMPLE}`, aby wprowadzić te zmiany." in polish.stdout
    # The plan's own lines (wizard/core/plan.py, whatif.py) are another area's; they are Polish when those are.


def test_json_output_stays_english_for_scripts(tmp_path, wizard_home):
    """Machine output is not translated except the sentence in it: the keys and exit codes are the same."""
    path = tmp_path / "missing.json"
    english, polish = in_both("validate", str(path), "--output", "json", home=wizard_home, how="env")
    en, pl = json.loads(english.stdout), json.loads(polish.stdout)
    assert set(en["error"]) == set(pl["error"]) and en["error"]["exit_code"] == pl["error"]["exit_code"] == 2
    assert "nie ma profilu" in pl["error"]["message"]


def test_help_is_polish_with_lang_before_the_sub_command(wizard_home):
    english, polish = in_both("plan", "--help", home=wizard_home, how="option")
    assert english.returncode == 0
    assert "0 nothing would change" in " ".join(english.stdout.split())
    assert "0 nic by się nie zmieniło" in " ".join(polish.stdout.split())


@pytest.fixture
def polish_language():
    i18n.set_language("pl")
    yield
    i18n.set_language(None)


def test_deploy_event_lines_name_their_kind_in_polish(polish_language):
    """The words of `deploy`'s progress lines (the step names and the engine's sentences are another area's)."""
    from wizard.cli import _EventPrinter
    from wizard.core.events import StepEvent

    printer = _EventPrinter()
    lines = [printer._line(StepEvent(kind, "cache", message, duration_s=duration))
             for kind, message, duration in [("started", "", None), ("finished", "", 4.1), ("failed", "x", 1.0),
                                             ("skipped", "", None), ("retrying", "", None), ("cancelled", "", None)]]
    words = [line.split("] cache: ", 1)[1].split(" (")[0].split(" —")[0] for line in lines]
    assert words == ["rozpoczęto", "ukończono", "BŁĄD", "pominięto", "ponowna próba", "anulowano"]
    i18n.set_language("en")
    assert printer._line(StepEvent("failed", "cache", "x", duration_s=1.0)).endswith("cache: FAILED (1.0s) — x")
