"""Every sentence the wizard raises or the CLI prints goes through gettext (`_()`), module by module (issue 13:
"rule and CLI sentences through the standard library's gettext"), and every routed sentence has a Polish entry
with the same placeholders.

What counts as a sentence: the message of a `raise SomethingError("...")` / `raise X(f"...")` and the text of a
`print(...)` in the CLI modules, when written as a literal or an f-string. Exempt, with the reason:
wizard/runtime and wizard/funchost run inside the function app's interpreter and cannot import `wizard` (their
errors are HTTP API answers, English like Azure's); wizard/ui translates through Qt's `tr()` (tests/gui);
ValueError/TypeError/KeyError/AssertionError/NotImplementedError/RuntimeError raised as programming errors, not
shown as sentences (the CLI turns them into "unexpected error" with a correlation id).
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from wizard import i18n

REPO = Path(__file__).resolve().parents[2]
WIZARD = REPO / "wizard"
EXEMPT_DIRS = ("runtime", "funchost", "ui", "_resources")
PROGRAMMING_ERRORS = {"ValueError", "TypeError", "KeyError", "AssertionError", "NotImplementedError",
                      "RuntimeError", "AttributeError", "StopIteration", "SystemExit", "argparse.ArgumentTypeError"}
CLI_MODULES = {"cli.py", "cli_export.py", "cli_logs.py", "__main__.py"}


def _modules() -> list[Path]:
    return sorted(p for p in WIZARD.rglob("*.py")
                  if p.relative_to(WIZARD).parts[0] not in EXEMPT_DIRS and "__pycache__" not in p.parts)


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_name(node.value)}.{node.attr}"
    return ""


def _is_text(node: ast.expr) -> bool:
    """A literal sentence: a str constant with a letter in it, or an f-string with literal words in it."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return any(ch.isalpha() for ch in node.value)
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.Constant) and any(ch.isalpha() for ch in str(v.value)) for v in node.values)
    if isinstance(node, ast.BinOp):  # "..." + "..." / "..." % x
        return _is_text(node.left)
    return False


def untranslated_sentences(path: Path) -> list[str]:
    found: list[str] = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            exc = _name(node.exc.func)
            if exc.split(".")[-1] in PROGRAMMING_ERRORS or exc in PROGRAMMING_ERRORS:
                continue
            args = node.exc.args[:1] + [kw.value for kw in node.exc.keywords if kw.arg == "message"]
            found += [f"{path.relative_to(REPO)}:{node.lineno}: raise {exc}(...)" for a in args if _is_text(a)]
        elif (path.name in CLI_MODULES and isinstance(node, ast.Call) and _name(node.func) in ("print", "_say", "_err")
              and node.args and _is_text(node.args[0])):
            found.append(f"{path.relative_to(REPO)}:{node.lineno}: print(...)")
    return found


@pytest.mark.parametrize("module", _modules(), ids=lambda p: str(p.relative_to(WIZARD)))
def test_sentences_of_the_module_go_through_gettext(module: Path):
    assert not untranslated_sentences(module), "write these as _(\"...\").format(...):\n" + "\n".join(
        untranslated_sentences(module))


def _msgids(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            is_gettext = (isinstance(func, ast.Name) and func.id == "_") or (
                isinstance(func, ast.Attribute) and func.attr == "_")
            if is_gettext and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    return found


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("module", _modules(), ids=lambda p: str(p.relative_to(WIZARD)))
def test_every_routed_sentence_of_the_module_has_a_polish_entry(module: Path):
    catalogue = i18n.read_catalogue("pl")
    wanted = _msgids(module)
    missing = sorted(m for m in wanted if m not in catalogue)
    assert not missing, f"no Polish entry: {missing}"
    different = sorted(m for m in wanted if _fields(m) != _fields(catalogue[m]))
    assert not different, f"placeholders differ: {different}"
