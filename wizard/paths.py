"""Where things live: shipped resources (checkout or wheel) and the user's data folder."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import platformdirs

APP_NAME = "mlfunc-wizard"


def resources_dir() -> Path:
    """The `resources/` folder: top of the checkout, or `wizard/_resources` in a wheel."""
    checkout = Path(__file__).resolve().parent.parent / "resources"
    if checkout.is_dir():
        return checkout
    return Path(str(resources.files("wizard") / "_resources"))


def data_home() -> Path:
    """The user's data folder; `MLFUNC_WIZARD_HOME` overrides it (tests use a temp folder)."""
    override = os.environ.get("MLFUNC_WIZARD_HOME")
    home = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME))
    home.mkdir(parents=True, exist_ok=True)
    return home
