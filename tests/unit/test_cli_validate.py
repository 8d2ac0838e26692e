"""`mlfunc-wizard validate PROFILE` run as the real console script: exit codes and what it prints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parents[1] / "data"
SCRIPT = Path(sys.executable).parent / "mlfunc-wizard"


def validate(profile: Path | str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    # The installed console script when the venv has one, else the module entry point.
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "wizard"]
    return subprocess.run(
        [*command, "validate", str(profile)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def test_the_local_example_validates_cleanly():
    result = validate("examples/digits-local.json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", ["premium-clustered-azure.json", "managed-redis-azure.json"])
def test_the_azure_examples_have_no_errors(name):
    result = validate(REPO / "examples" / name)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not [line for line in result.stdout.splitlines() if line.startswith("error:")]


def test_a_profile_with_bad_names_exits_1_and_names_every_field():
    bad = json.loads((DATA / "bad-names.json").read_text())
    assert len(bad["cache"]["name"]) == 64 and bad["cache"]["sku"] == "Standard"
    result = validate(DATA / "bad-names.json")
    assert result.returncode == 1, result.stdout + result.stderr
    errors = [line for line in result.stdout.splitlines() if line.startswith("error: ")]
    fields = {line.split(": ", 2)[1] for line in errors}
    assert {
        "cache.name",  # 64 characters
        "name",  # a--b
        "function.trigger.input_path",  # container in--box
        "tags.cost<center",  # tag name with <
        "function.storage_account",  # upper case
        "cache.shard_count",  # on Standard
    } <= fields
    assert all(line.endswith(".") for line in errors)
    assert "Traceback" not in result.stderr


def test_warnings_alone_exit_0(tmp_path):
    data = json.loads((REPO / "examples" / "digits-local.json").read_text())
    data["cache"]["non_tls_port"] = True
    path = tmp_path / "warn.json"
    path.write_text(json.dumps(data))
    result = validate(path)
    assert result.returncode == 0
    assert result.stdout.startswith("warning: cache.non_tls_port: ")


def test_invalid_json_exits_2_with_line_and_column():
    result = validate(DATA / "not-json.json")
    assert result.returncode == 2
    assert "line 4, column 3" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file_exits_2_with_a_sentence(tmp_path):
    result = validate(tmp_path / "absent.json")
    assert result.returncode == 2
    assert "No profile at" in result.stderr and "Traceback" not in result.stderr


def test_a_field_of_the_wrong_type_is_a_problem_exit_1():
    result = validate(DATA / "wrong-type.json")
    assert result.returncode == 1
    assert result.stdout.startswith("error: cache.capacity: Write a whole number")
