"""`plan`'s exit codes follow `terraform plan -detailed-exitcode`: 0 nothing would change, 2 something would,
1 an error — also for input that cannot be read (other commands exit 2 for that), so that a script reading
`plan`'s 2 as "changes" is never fooled by a broken profile. Runs the real CLI in a subprocess.

"Unchanged → 0" needs a deployed profile (real redis-server and functions host): it is shown end to end by
tests/integration/test_whatif_local.py (plan after deploy exits 0, after a TTL change 2).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "digits-local.json"


def run_cli(*argv: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "MLFUNC_WIZARD_HOME": str(home), "PYTHONPATH": str(ROOT), "LANG": "C"}
    env.pop("LANGUAGE", None)
    env.pop("LC_ALL", None)
    return subprocess.run([sys.executable, "-m", "wizard", *argv], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=120)


def _broken(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / "p.json"
    if kind == "not-json":
        path.write_text('{"name": "x",,}')
    elif kind == "mistyped":
        data = json.loads(EXAMPLE.read_text())
        data["cache_policy"]["ttl_seconds"] = "soon"
        path.write_text(json.dumps(data))
    elif kind == "missing":
        pass
    return path


@pytest.mark.parametrize("kind", ["not-json", "mistyped", "missing"])
def test_plan_of_an_unreadable_profile_exits_1_not_2_with_the_sentence(tmp_path, wizard_home, kind):
    path = _broken(tmp_path, kind)
    done = run_cli("plan", str(path), home=wizard_home)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and done.stderr.startswith("error: "), done.stderr
    assert done.stdout == ""
    # The other commands keep exit 2 for the same input.
    assert run_cli("validate", str(path), "--no-model-check", home=wizard_home).returncode == (
        1 if kind == "mistyped" else 2)  # validate lists a mistyped field as a problem (exit 1)
    assert run_cli("deploy", str(path), home=wizard_home).returncode == 2


def test_plan_json_of_an_unreadable_profile_says_exit_code_1(tmp_path, wizard_home):
    done = run_cli("plan", str(_broken(tmp_path, "not-json")), "--output", "json", home=wizard_home)
    assert done.returncode == 1
    (document,) = [json.loads(line) for line in done.stdout.splitlines()]
    assert document["error"]["exit_code"] == 1 and "not valid JSON" in document["error"]["message"]


def test_plan_of_a_fresh_profile_exits_2_everything_would_be_created(wizard_home):
    done = run_cli("plan", str(EXAMPLE), home=wizard_home)
    assert done.returncode == 2, done.stderr
    assert "create" in done.stdout


def test_plan_help_explains_its_exit_codes(wizard_home):
    done = run_cli("plan", "--help", home=wizard_home)
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    assert "0 nothing would change" in text and "2 something would change" in text
    assert "1 an error" in text
