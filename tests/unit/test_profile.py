"""Loading and saving profiles: every bad file gets a sentence naming where the fault is; saves are atomic."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard import profile as profiles
from wizard.profile import Profile, ProfileError, ProfileFieldError

REPO = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, data, name: str = "profile.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2), encoding="utf-8")
    return path


def test_invalid_json_names_the_file_line_and_column(tmp_path):
    path = write(tmp_path, '{\n  "name": "digits",\n  "target": "local"\n  "cache": {}\n}\n')
    with pytest.raises(ProfileError) as caught:
        profiles.load(path)
    assert (caught.value.line, caught.value.column) == (4, 3)
    message = str(caught.value)
    assert "line 4, column 3" in message
    assert str(path) in message
    assert "Traceback" not in message


def test_empty_file_is_invalid_json_at_line_one(tmp_path):
    with pytest.raises(ProfileError) as caught:
        profiles.load(write(tmp_path, ""))
    assert caught.value.line == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"nmae": "x"}, "nmae"),
        ({"cache": {"sku": "Premium", "shards": 3}}, "cache.shards"),
        ({"cache": {"persistence": {"mode": "rdb", "frequency": 60}}}, "cache.persistence.frequency"),
        ({"function": {"trigger": {"type": "http", "route": "score"}}}, "function.trigger.route"),
    ],
)
def test_unknown_field_is_named_with_its_dotted_path(tmp_path, data, field):
    with pytest.raises(ProfileFieldError) as caught:
        profiles.load(write(tmp_path, data))
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: Unknown field")
    assert "check the spelling" in str(caught.value)


@pytest.mark.parametrize(
    ("data", "field", "wanted"),
    [
        ({"cache": {"capacity": "1"}}, "cache.capacity", "whole number"),
        ({"cache": {"capacity": 1.5}}, "cache.capacity", "whole number"),
        ({"cache": {"capacity": True}}, "cache.capacity", "whole number"),
        ({"cache": {"non_tls_port": "yes"}}, "cache.non_tls_port", "true or false"),
        ({"cache": {"zones": "1,2"}}, "cache.zones", "list"),
        ({"cache": {"zones": [1, 2]}}, "cache.zones[0]", "string"),
        ({"tags": ["a", "b"]}, "tags", "object"),
        ({"tags": {"owner": 7}}, "tags.owner", "string"),
        ({"cache": "redis"}, "cache", "object"),
        ({"name": None}, "name", "string"),
        ({"function": {"trigger": {"type": "blob", "input_path": 3}}}, "function.trigger.input_path", "string"),
    ],
)
def test_wrong_types_are_named_with_their_path_and_what_to_write(tmp_path, data, field, wanted):
    with pytest.raises(ProfileFieldError) as caught:
        profiles.load(write(tmp_path, data))
    assert caught.value.field == field
    assert wanted in str(caught.value)
    assert str(caught.value).endswith(".")


def test_trigger_options_may_be_null(tmp_path):
    p = profiles.load(
        write(
            tmp_path,
            {
                "function": {
                    "trigger": {"type": "blob", "auth_level": None, "input_path": "in/{name}", "output_path": None}
                }
            },
        )
    )
    assert p.function.trigger.auth_level is None and p.function.trigger.input_path == "in/{name}"


@pytest.mark.parametrize("version", [2, 0, "1", None])
def test_wrong_version_says_which_version_is_read(tmp_path, version):
    with pytest.raises(ProfileFieldError) as caught:
        profiles.load(write(tmp_path, {"version": version, "name": "x"}))
    assert caught.value.field == "version"
    assert f"version {version!r}" in str(caught.value)
    assert "reads version 1" in str(caught.value)


def test_top_level_must_be_an_object(tmp_path):
    with pytest.raises(ProfileError, match="JSON object"):
        profiles.load(write(tmp_path, "[1, 2]"))


def test_missing_file_and_folder_get_sentences(tmp_path):
    with pytest.raises(ProfileError, match="No profile at .*Check the path"):
        profiles.load(tmp_path / "nope.json")
    with pytest.raises(ProfileError, match="Cannot read the profile .*check the path"):
        profiles.load(tmp_path)


def test_missing_fields_take_their_defaults(tmp_path):
    p = profiles.load(write(tmp_path, {"name": "minimal"}))
    assert p.name == "minimal"
    assert p.cache == profiles.CacheSettings()
    assert p.base_dir == tmp_path.resolve()


def test_save_then_load_is_the_same_profile_and_resolves_against_its_folder(tmp_path):
    p = profiles.default_local()
    p.model.source, p.model.path = "file", "models/model.pkl"
    p.tags = {"owner": "ml-team"}
    target = tmp_path / "sub" / "p.json"
    target.parent.mkdir()
    profiles.save(p, target)
    loaded = profiles.load(target)
    assert loaded == p
    assert loaded.resolve(loaded.model.path) == target.parent.resolve() / "models" / "model.pkl"
    assert loaded.resolve("/abs/model.pkl") == Path("/abs/model.pkl")


def test_a_profile_never_saves_its_folder(tmp_path):
    p = profiles.load(REPO / "examples" / "digits-local.json")
    assert "base_dir" not in profiles.dumps(p)


def test_save_that_cannot_serialise_leaves_the_old_file_untouched(tmp_path):
    folder = tmp_path / "profiles"
    folder.mkdir()
    path = folder / "profile.json"
    profiles.save(profiles.default_local(), path)
    before = path.read_bytes()
    broken = profiles.default_local()
    broken.model.sample_input = {"data": object()}  # not JSON
    with pytest.raises(TypeError):
        profiles.save(broken, path)
    assert path.read_bytes() == before
    assert sorted(x.name for x in folder.iterdir()) == ["profile.json"]


def test_save_that_fails_while_writing_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch):
    folder = tmp_path / "profiles"
    folder.mkdir()
    path = folder / "profile.json"
    profiles.save(profiles.default_local(), path)
    before = path.read_bytes()

    # A full disk cannot be arranged here; fail at the narrowest seam, the flush to disk.
    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    changed = profiles.default_local()
    changed.name = "changed"
    with pytest.raises(OSError):
        profiles.save(changed, path)
    assert path.read_bytes() == before
    assert sorted(x.name for x in folder.iterdir()) == ["profile.json"]


def test_save_replaces_the_file_in_one_step(tmp_path):
    """The new content arrives by rename: a reader holding the old file keeps the old inode."""
    path = tmp_path / "profile.json"
    profiles.save(profiles.default_local(), path)
    old_inode = path.stat().st_ino
    changed = profiles.default_local()
    changed.name = "renamed"
    profiles.save(changed, path)
    assert path.stat().st_ino != old_inode
    assert profiles.load(path).name == "renamed"


def test_get_and_set_field_by_dotted_path():
    p = Profile()
    profiles.set_field(p, "cache.persistence.mode", "aof")
    profiles.set_field(p, "tags.owner", "me")
    assert profiles.get_field(p, "cache.persistence.mode") == "aof"
    assert profiles.get_field(p, "tags.owner") == "me"


# --- input that crashes a JSON reader (issue 12 item 7) ----------------------------------------------



def test_an_integer_over_the_digit_limit_is_a_sentence_naming_the_file(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"cache_policy": {"ttl_seconds": ' + "1" * 5000 + "}}")
    with pytest.raises(ProfileError, match=r"more than \d+ digits") as caught:
        profiles.load(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize("depth", [profiles.MAX_DEPTH + 1, 1_000, 100_000])
def test_nesting_deeper_than_a_profile_is_a_sentence(tmp_path, depth):
    path = tmp_path / "p.json"
    path.write_text('{"model": {"sample_input": ' + "[" * depth + "]" * depth + "}}")
    with pytest.raises(ProfileError, match="nested too deep"):
        profiles.load(path)


def test_nesting_within_the_limit_loads():
    depth = profiles.MAX_DEPTH - 2  # the profile object and "model" are two levels
    loaded = profiles.loads('{"model": {"sample_input": ' + "[" * depth + "]" * depth + "}}")
    assert loaded.model.sample_input is not None


json_text = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=20,
).map(json.dumps)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.text(max_size=200),
    json_text,
    st.integers(1, 200_000).map(lambda n: "[" * n + "]" * n),
    st.integers(4000, 20_000).map(lambda n: '{"cache_policy": {"ttl_seconds": ' + "7" * n + "}}"),
))
def test_any_text_is_a_profile_or_a_profile_error(text):
    try:
        profiles.loads(text)
    except ProfileError:
        pass


def test_a_home_folder_of_an_unknown_user_is_a_problem_not_a_crash():
    """`~name` of a user this machine does not know made pathlib raise RuntimeError inside the rules (found by the
    round-trip property test): now the path stays as written and the rules say the file is not there."""
    from wizard import rules

    p = Profile()
    p.model.entry_script = "~no-such-user-0/score.py"
    assert p.resolve(p.model.entry_script) == Path("~no-such-user-0/score.py")
    problems = [x for x in rules.check(p) if x.path == "model.entry_script"]
    assert problems and problems[0].severity == "error"
