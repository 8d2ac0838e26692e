"""Sample models trained on scikit-learn's bundled digits data, generated on demand (no download, no blobs in git)."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard.core.errors import WizardError
from wizard.i18n import _
from wizard.paths import data_home

log = logging.getLogger(__name__)

MODEL_FILE = "model.pkl"
INPUT_FILE = "sample_input.json"
META_FILE = "meta.json"  # written last: its presence (and matching recipe) marks a complete sample
RECIPE_VERSION = 1
SAMPLE_ROWS = 3


@dataclass(frozen=True)
class SampleModel:
    model_path: Path
    sample_input: Any  # {"data": [[64 floats], ...]}
    name: str
    version: str  # first 12 hex digits of the model file's sha256


def _digits() -> tuple[Any, Any]:
    from sklearn.datasets import load_digits

    return load_digits(return_X_y=True)


def _train_digits() -> Any:
    """Sub-millisecond per prediction: the seed's MNIST classifier, without the download."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    features, labels = _digits()
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)).fit(features, labels)


def _train_digits_heavy() -> Any:
    """A deliberately slow model (a 300-tree forest, ~10-20 ms per single-row prediction on one core),
    so a benchmark can show what the cache saves."""
    from sklearn.ensemble import RandomForestClassifier

    features, labels = _digits()
    # n_jobs=1: predictable latency, and the function host decides parallelism, not the model.
    return RandomForestClassifier(n_estimators=300, random_state=0, n_jobs=1).fit(features, labels)


RECIPES: dict[str, Callable[[], Any]] = {"digits": _train_digits, "digits-heavy": _train_digits_heavy}


class SampleError(WizardError, ValueError):
    """An unknown sample name; the message lists the known ones."""


def names() -> list[str]:
    return list(RECIPES)


def sample_dir(name: str) -> Path:
    return data_home() / "samples" / name


def file_version(path: Path) -> str:
    """First 12 hex digits of the file's sha256: a new model file never shares cache keys with an old one."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:12]


def _expected_meta(name: str) -> dict[str, Any]:
    # A pickle is tied to the scikit-learn that wrote it; a new version regenerates the sample.
    # The version comes from the metadata: importing scikit-learn here costs seconds per process.
    return {"name": name, "recipe": RECIPE_VERSION, "sklearn": importlib.metadata.version("scikit-learn")}


def _read_ready(folder: Path, name: str) -> SampleModel | None:
    try:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        sample_input = json.loads((folder / INPUT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    expected = _expected_meta(name)
    if any(meta.get(k) != v for k, v in expected.items()) or not (folder / MODEL_FILE).is_file():
        return None
    return SampleModel(folder / MODEL_FILE, sample_input, name, str(meta.get("version") or file_version(folder / MODEL_FILE)))


def _write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    """Serialise generation between processes where the platform allows; renames keep it safe anyway."""
    try:
        import fcntl
    except ImportError:  # Windows: two racing processes both train and the last atomic rename wins
        yield
        return
    with open(folder / ".lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_sample(name: str = "digits") -> SampleModel:
    """The sample model `name`, trained and saved under data_home()/samples/<name>/ the first time."""
    if name not in RECIPES:
        raise SampleError(_("There is no sample model called {name}; choose one of: {choices}.").format(
            name=repr(name), choices=", ".join(RECIPES)))
    folder = sample_dir(name)
    ready = _read_ready(folder, name)
    if ready is not None:
        return ready
    folder.mkdir(parents=True, exist_ok=True)
    with _exclusive(folder):
        ready = _read_ready(folder, name)  # another process may have finished while we waited
        if ready is not None:
            return ready
        import joblib

        log.info("Training the %s sample model in %s", name, folder)
        model = RECIPES[name]()
        features, _labels = _digits()
        sample_input = {"data": [[float(v) for v in row] for row in features[:SAMPLE_ROWS]]}
        _write_atomic(folder / INPUT_FILE, lambda p: p.write_text(json.dumps(sample_input) + "\n", encoding="utf-8"))
        _write_atomic(folder / MODEL_FILE, lambda p: joblib.dump(model, p))
        meta = {**_expected_meta(name), "version": file_version(folder / MODEL_FILE)}
        _write_atomic(folder / META_FILE, lambda p: p.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8"))
    ready = _read_ready(folder, name)
    assert ready is not None  # just written
    return ready


def ensure_all() -> list[SampleModel]:
    return [ensure_sample(name) for name in RECIPES]
