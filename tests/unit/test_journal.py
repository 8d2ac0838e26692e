"""The journal file: atomic rewrites, what it records, profile hashes, no secrets, tolerance of damage."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from wizard.core.journal import Journal, profile_hash
from wizard.core.lifecycle import StepState
from wizard.profile import Profile
from wizard.secrets import mask, registry


def test_records_are_on_disk_after_each_call(tmp_path):
    tmp_path = tmp_path / "state"
    journal = Journal(tmp_path)
    changed = journal.begin(profile_hash="h1", target="local", profile_name="digits", plan=["group", "cache"])
    assert not changed
    journal.step_started("group", 100.0)
    on_disk = json.loads((tmp_path / "journal.json").read_text())
    assert on_disk["steps"]["group"]["state"] == "running"
    assert on_disk["target"] == "local" and on_disk["profile_hash"] == "h1" and on_disk["pid"] == os.getpid()
    journal.step_finished("group", {"folder": "/x"}, started=100.0, duration_s=1.5)
    journal.step_ended("cache", "failed", error="The cache did not start.", started=101.0, duration_s=0.5)
    again = Journal(tmp_path)
    assert again.get("group").outputs == {"folder": "/x"} and again.get("group").duration_s == 1.5
    assert again.get("cache").state == "failed" and again.get("cache").error == "The cache did not start."
    assert again.finished_outputs() == {"group": {"folder": "/x"}}
    assert again.meta["updated"] >= again.meta["run_started"]
    assert [p.name for p in tmp_path.iterdir()] == ["journal.json"], "no temp files left behind"


def test_begin_reports_a_changed_profile_and_drops_steps_no_longer_planned(tmp_path):
    journal = Journal(tmp_path)
    journal.begin(profile_hash="h1", target="local", profile_name="d", plan=["a", "b"])
    journal.step_finished("b", {}, started=0, duration_s=0)
    assert Journal(tmp_path).begin(profile_hash="h2", target="local", profile_name="d", plan=["a"]) is True
    assert Journal(tmp_path).get("b") is None


def test_profile_hash_changes_with_what_the_profile_asks_for():
    a, b = Profile(), Profile()
    assert profile_hash(a) == profile_hash(b)
    b.cache.non_tls_port = True
    assert profile_hash(a) != profile_hash(b)


def test_secrets_never_reach_the_file(tmp_path):
    secret = registry.add("journal-secret-0123456789abcdef")
    journal = Journal(tmp_path)
    journal.begin(profile_hash="h", target="local", profile_name="d", plan=["cache"])
    journal.step_finished("cache", {"url": f"rediss://:{secret}@127.0.0.1:1234", "nested": [{"k": secret}]},
                          started=0, duration_s=0)
    journal.step_ended("cache", "failed", error=f"auth failed with {secret}")
    text = (tmp_path / "journal.json").read_text()
    assert secret not in text and mask(secret) in text


def test_a_damaged_journal_is_ignored_rather_than_fatal(tmp_path):
    (tmp_path / "journal.json").write_text("{not json")
    journal = Journal(tmp_path)
    assert journal.steps == {}
    journal.begin(profile_hash="h", target="local", profile_name="d", plan=[])
    assert json.loads((tmp_path / "journal.json").read_text())["profile_hash"] == "h"


# --- version 1 (the first release) is migrated on load (issue 14) ----------------------------------

V1_FIXTURE = Path(__file__).resolve().parents[1] / "data" / "journal-v1-local.json"  # copied from a real v1 run


def _v1_state(tmp_path: Path) -> Path:
    state = tmp_path / "state"
    state.mkdir()
    shutil.copy(V1_FIXTURE, state / "journal.json")
    return state


def test_a_first_release_journal_is_migrated_to_lifecycle_states(tmp_path):
    assert json.loads(V1_FIXTURE.read_text())["version"] == 1
    journal = Journal(_v1_state(tmp_path))
    assert journal.meta["version"] == 2 and journal.meta["migrated_from"] == 1
    assert "app-settings" not in journal.steps and "app-settings" not in journal.meta["plan"]
    assert {r.state for r in journal.steps.values()} == {StepState.CREATED}
    assert all(r.state.done for r in journal.steps.values())
    # The app settings are now the function app's: their outputs (and the restarted host's pid) moved there.
    app = journal.get("function-app").outputs
    assert app["settings"]["CACHE_TTL_SECONDS"] == "3600" and app["secret_settings"] == ["REDIS_PASSWORD"]
    old = json.loads(V1_FIXTURE.read_text())["steps"]
    assert app["pid"] == old["app-settings"]["outputs"]["pid"]


def test_an_adopted_v1_step_stays_adopted():
    from wizard.core.journal import migrate

    data = {"version": 1, "target": "azure", "plan": ["a", "app-settings"], "steps": {
        "a": {"state": "finished", "adopted": True, "outputs": {"x": 1}},
        "app-settings": {"state": "failed", "outputs": {}},
    }}
    migrated = migrate(data)
    assert migrated["steps"]["a"]["state"] == "adopted" and "adopted" not in migrated["steps"]["a"]
    # Only the local plan merged app-settings into function-app; Azure keeps its step.
    assert migrated["plan"] == ["a", "app-settings"] and migrated["steps"]["app-settings"]["state"] == "failed"


def test_v1_outputs_restore_as_the_local_steps_typed_outputs(tmp_path):
    from wizard.targets.local.target import LocalTarget

    journal = Journal(_v1_state(tmp_path))
    profile = profiles_load_example()
    typed = {s.name: s.outputs_type for s in LocalTarget().steps(profile)}
    assert set(typed) == set(journal.steps)
    for name, kind in typed.items():
        assert kind is not None, f"{name} has no typed outputs"
        restored = kind.from_dict(journal.get(name).outputs)
        assert restored.to_dict().items() >= {k: v for k, v in journal.get(name).outputs.items()
                                              if k in restored.to_dict()}.items()


def test_the_next_change_writes_version_2(tmp_path):
    state = _v1_state(tmp_path)
    journal = Journal(state)
    journal.step_started("cache", 1.0)
    on_disk = json.loads((state / "journal.json").read_text())
    assert on_disk["version"] == 2 and on_disk["steps"]["cache"]["state"] == "running"
    assert on_disk["steps"]["resource-group"]["state"] == "created" and "adopted" not in on_disk["steps"]["resource-group"]


def profiles_load_example():
    from wizard import profile as profiles

    return profiles.load(Path(__file__).resolve().parents[2] / "examples" / "digits-local.json")
