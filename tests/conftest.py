"""Suite-wide fixtures: an isolated data folder and offscreen Qt for every test."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def wizard_home(tmp_path, monkeypatch):
    """Each test gets its own MLFUNC_WIZARD_HOME, so deployments never touch the user's."""
    home = tmp_path / "wizard-home"
    home.mkdir()
    monkeypatch.setenv("MLFUNC_WIZARD_HOME", str(home))
    return home
