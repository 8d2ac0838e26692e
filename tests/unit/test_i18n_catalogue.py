"""The gettext catalogue (rule, CLI and endpoint sentences below the UI): every entry is finished, every sentence
the code routes through `_()` has a Polish translation with the same placeholders, and a broken profile's problems
come out in Polish through `mlfunc-wizard validate` when the locale asks for Polish (the suite pins LANG=C)."""

from __future__ import annotations

import ast
import os
import string
import subprocess
import sys
from pathlib import Path

import pytest

from wizard import i18n, rules
from wizard.profile import Profile

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parents[1] / "data"
PO_FILES = i18n.po_files("pl")  # one .po per domain (rules/shared, azure, cli, ...), merged at lookup
# The modules whose sentences go through wizard.i18n._ (issue 13: rules, and what the Test page shows).
ROUTED = ["wizard/rules.py", "wizard/deployment.py", "wizard/targets/local/target.py", "wizard/ui/workers.py",
          "wizard/ui/pages/test_panel.py", "wizard/targets/azure/auth.py", "wizard/cli.py"]


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogue():
    """The .mo is build output (scripts/setup.sh); compile it when the .po is newer, as set-up would."""
    for po in PO_FILES:
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            i18n.compile_catalogues()
            break


@pytest.fixture
def polish():
    i18n.set_language("pl")
    yield
    i18n.set_language(None)


def _msgids_in(path: Path) -> set[str]:
    """String literals passed to `_()` / `i18n._()`, and the `doing=` texts describe_error translates."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        is_gettext = (isinstance(func, ast.Name) and func.id == "_") or (
            isinstance(func, ast.Attribute) and func.attr == "_")
        if is_gettext and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            found.add(node.args[0].value)
        for kw in node.keywords:
            if kw.arg == "doing" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                found.add(kw.value.value)
    return found


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_every_entry_has_a_translation_and_none_is_listed_twice():
    entries = i18n.read_catalogue("pl", keep_empty=True)
    unfinished = [msgid for msgid, msgstr in entries.items() if msgid and not msgstr.strip()]
    assert not unfinished
    msgids = [line for po in PO_FILES for line in po.read_text(encoding="utf-8").splitlines()
              if line.startswith('msgid "') and line != 'msgid ""']
    assert len(msgids) == len(set(msgids)), "a msgid appears twice (in one domain or in two)"
    assert len(entries) > 150


def test_every_routed_sentence_is_in_the_catalogue_with_the_same_placeholders():
    catalogue = i18n.read_catalogue("pl")
    wanted: set[str] = set()
    for module in ROUTED:
        wanted |= _msgids_in(REPO / module)
    for rule in vars(rules).values():
        if isinstance(rule, rules.NameRule):
            wanted |= {rule.what, rule.chars_text} | ({rule.edges_text} if rule.edges_text else set())
    assert len(wanted) > 130
    missing = sorted(m for m in wanted if m not in catalogue)
    assert not missing, f"not in the Polish catalogue: {missing}"
    different = [m for m in wanted if _fields(m) != _fields(catalogue[m])]
    assert not different, f"placeholders differ: {different}"


def test_every_constant_doing_text_of_the_gui_is_translated():
    catalogue = i18n.read_catalogue("pl")
    doing = set()
    for ui_module in (REPO / "wizard" / "ui").rglob("*.py"):
        for node in ast.walk(ast.parse(ui_module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "doing" and isinstance(node.value, ast.Constant):
                doing.add(node.value.value)
    assert doing and not sorted(d for d in doing if d not in catalogue)


def _broken() -> Profile:
    p = Profile()
    p.name = "a--b"
    p.cache.name = "x" * 64
    p.cache.service = "cache-for-redis"
    p.cache.sku = "Standard"
    p.cache.shard_count = 2
    p.cache.zones = ["1", "1"]
    p.tags = {"cost<center": "1"}
    p.function.storage_account = "Has-Upper"
    p.cache_policy.ttl_seconds = 0
    return p


def test_rule_problems_in_polish_and_unchanged_in_english(polish):
    polish_problems = rules.check(_broken())
    i18n.set_language("en")
    english_problems = rules.check(_broken())
    assert [(p.path, p.severity) for p in polish_problems] == [(p.path, p.severity) for p in english_problems]
    english_text = {p.message for p in english_problems}
    assert not [p.message for p in polish_problems if p.message in english_text]
    by_path = {p.path: p.message for p in polish_problems}
    assert by_path["name"] == 'Nazwa wdrożenia zawiera dwa łączniki z rzędu ("--"); użyj jednego łącznika.'
    assert by_path["cache.name"] == "Nazwa pamięci podręcznej ma za dużo znaków (64); skróć ją do 1–63 znaków."
    assert by_path["function.storage_account"] == (
        'Nazwa konta magazynu zawiera znaki "-", "H", "U"; dozwolone są tylko małe litery i cyfry.')
    assert "usługa azure cache for redis zostanie wycofana" in by_path["cache.service"].lower()


def test_the_language_falls_back_to_english_for_a_sentence_without_translation(polish):
    assert i18n._("A sentence nobody translated.") == "A sentence nobody translated."


def _validate(profile: Path, *options: str, **env: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "mlfunc-wizard"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "wizard"]
    return subprocess.run([*command, "validate", "--no-model-check", *options, str(profile)], cwd=REPO, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(REPO), **env})


def test_validate_speaks_polish_when_the_locale_asks_for_it():
    english = _validate(DATA / "bad-names.json")
    polish = _validate(DATA / "bad-names.json", LANGUAGE="pl", LANG="pl_PL.UTF-8")
    assert english.returncode == polish.returncode == 1, polish.stdout + polish.stderr
    en_lines, pl_lines = english.stdout.splitlines(), polish.stdout.splitlines()
    assert len(en_lines) == len(pl_lines) > 3
    # Same severity and field per line, a different (Polish) sentence on every one.
    for en, pl in zip(en_lines, pl_lines):
        assert en.split(": ", 2)[:2] == pl.split(": ", 2)[:2]
        assert en.split(": ", 2)[2] != pl.split(": ", 2)[2], pl
    assert any("Nazwa pamięci podręcznej ma za dużo znaków (64)" in line for line in pl_lines), polish.stdout
    assert "The cache name" in english.stdout and "The cache name" not in polish.stdout
    assert polish.stderr.strip().endswith("bad-names.json: błędy: {}, ostrzeżenia: {}.".format(
        *english.stderr.strip().rsplit(": ", 1)[1].replace(" error(s)", "").replace(" warning(s).", "").split(", "))), polish.stderr


def test_lang_overrides_the_locale_before_or_after_the_command():
    english = _validate(DATA / "bad-names.json", "--lang", "en", LANGUAGE="pl", LANG="pl_PL.UTF-8")
    assert "The cache name" in english.stdout and "Nazwa" not in english.stdout
    script = Path(sys.executable).parent / "mlfunc-wizard"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "wizard"]
    before = subprocess.run([*command, "--lang", "pl", "validate", "--no-model-check", str(DATA / "bad-names.json")],
                            cwd=REPO, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    after = _validate(DATA / "bad-names.json", "--lang", "pl")
    assert before.returncode == after.returncode == 1
    assert before.stdout == after.stdout and "Nazwa pamięci podręcznej ma za dużo znaków (64)" in after.stdout
