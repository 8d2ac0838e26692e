"""Sample models: trained on demand from scikit-learn's bundled digits, idempotent, safe when processes race."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import joblib
import pytest
from sklearn.datasets import load_digits

from wizard.appgen import samples


def test_digits_sample_is_a_working_classifier_with_sample_input(wizard_home):
    sample = samples.ensure_sample("digits")
    assert sample.model_path == wizard_home / "samples" / "digits" / "model.pkl"
    assert sample.version == samples.file_version(sample.model_path)
    rows = sample.sample_input["data"]
    assert 2 <= len(rows) <= 5 and all(len(r) == 64 for r in rows)
    assert json.loads((sample.model_path.parent / "sample_input.json").read_text()) == sample.sample_input
    model = joblib.load(sample.model_path)
    features, labels = load_digits(return_X_y=True)
    assert (model.predict(features) == labels).mean() > 0.95
    assert model.predict(rows).tolist() == labels[: len(rows)].tolist()


def test_heavy_sample_is_a_large_forest():
    sample = samples.ensure_sample("digits-heavy")
    model = joblib.load(sample.model_path)
    assert type(model).__name__ == "RandomForestClassifier" and len(model.estimators_) >= 200
    assert model.predict(sample.sample_input["data"]).tolist() == [0, 1, 2]


def test_second_call_reuses_the_files():
    first = samples.ensure_sample("digits")
    stamp = first.model_path.stat().st_mtime_ns
    again = samples.ensure_sample("digits")
    assert again == first and again.model_path.stat().st_mtime_ns == stamp


def test_incomplete_sample_is_regenerated():
    sample = samples.ensure_sample("digits")
    (sample.model_path.parent / samples.META_FILE).unlink()  # as if a crash stopped it mid-way
    assert samples.ensure_sample("digits") == sample


def test_racing_processes_both_get_the_same_complete_sample(wizard_home):
    code = "from wizard.appgen import samples; s = samples.ensure_sample('digits'); print(s.version)"
    env = {**os.environ, "MLFUNC_WIZARD_HOME": str(wizard_home)}
    procs = [subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    versions = {out.strip() for out, _ in outputs}
    assert versions == {samples.ensure_sample("digits").version}
    leftovers = [p.name for p in (wizard_home / "samples" / "digits").iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_unknown_sample_name_lists_the_known_ones():
    with pytest.raises(samples.SampleError, match="digits, digits-heavy"):
        samples.ensure_sample("mnist")
