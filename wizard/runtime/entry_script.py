"""Loads an Azure ML style entry script (score.py with init() and run(raw_data)) from the app folder."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import threading
from pathlib import Path
from typing import Any


class EntryScriptError(Exception):
    """The entry script cannot be used (missing file, no run())."""


class EntryScript:
    """The user's score.py, unchanged: init() once, then run(raw_json_string) per call."""

    def __init__(self, module: Any):
        if not callable(getattr(module, "run", None)):
            raise EntryScriptError(f"The entry script {getattr(module, '__file__', module)!r} has no run(raw_data) function.")
        self.module = module
        self._init_lock = threading.Lock()
        self.initialised = False

    @classmethod
    def from_file(cls, path: Path, module_name: str = "score") -> EntryScript:
        path = Path(path)
        if not path.is_file():
            raise EntryScriptError(f"No entry script at {path}.")
        spec = importlib.util.spec_from_file_location(module_name, path)
        if spec is None or spec.loader is None:
            raise EntryScriptError(f"Cannot import the entry script {path}.")
        module = importlib.util.module_from_spec(spec)
        # Registered before exec so that pickles and relative lookups by module name work.
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
        return cls(module)

    def init(self) -> None:
        """Call init() once (AML calls it once per worker before any run())."""
        with self._init_lock:
            if self.initialised:
                return
            init = getattr(self.module, "init", None)
            if callable(init):
                init()
            self.initialised = True

    def run(self, data: list[list[float]]) -> Any:
        """run() with `{"data": rows}` as the JSON string AML passes; JSON string answers are decoded."""
        answer = self.module.run(json.dumps({"data": data}))
        if isinstance(answer, (str, bytes)):
            try:
                return json.loads(answer)
            except ValueError:
                return answer.decode() if isinstance(answer, bytes) else answer
        return answer

    def expected_row_length(self) -> int | None:
        """Row width the model needs, when the script can tell (the generated score.py can)."""
        fn = getattr(self.module, "expected_row_length", None)
        if not callable(fn):
            return None
        try:
            width = fn()
        except Exception:  # an optional helper; never fatal
            return None
        return width if isinstance(width, int) and width > 0 else None


def default_model_dir(app_dir: Path) -> None:
    """Point AZUREML_MODEL_DIR at the app's model/ folder unless the environment already does,
    so entry scripts written for Azure ML find their model file unchanged."""
    if not os.environ.get("AZUREML_MODEL_DIR"):
        os.environ["AZUREML_MODEL_DIR"] = str(Path(app_dir) / "model")
