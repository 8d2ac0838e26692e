"""`python -m wizard.funchost APP_DIR --port N`: the host where `wizard` is importable (tests, bench)."""

import sys

from .server import main

sys.exit(main())
