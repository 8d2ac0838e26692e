"""Launcher for interpreters without `wizard` (a function app's venv): `python .../funchost/run_host.py APP_DIR --port N`.

It imports this folder as the stand-alone package `mlfunc_host` and runs its server; the package's
modules use relative imports only, so they work under either name.
"""

import importlib
import importlib.util
import sys
from pathlib import Path

PACKAGE = "mlfunc_host"


def load_package() -> None:
    here = Path(__file__).resolve().parent
    # Run by path, this folder sits first on sys.path; its module names (auth, blob, server) must not
    # shadow the app's own modules.
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    spec = importlib.util.spec_from_file_location(PACKAGE, here / "__init__.py", submodule_search_locations=[str(here)])
    assert spec is not None and spec.loader is not None
    package = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = package
    spec.loader.exec_module(package)


if __name__ == "__main__":
    load_package()
    sys.exit(importlib.import_module(f"{PACKAGE}.server").main())
