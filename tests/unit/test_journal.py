"""The journal file: atomic rewrites, what it records, profile hashes, no secrets, tolerance of damage."""

from __future__ import annotations

import json
import os

from wizard.core.journal import Journal, profile_hash
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
