"""Issue 13, defect 14: a failed sign-in is one sentence, said once, that suggests what this machine offers: `az login`
only when the Azure CLI is on PATH. The real credential chain runs, restricted to the Azure CLI by
AZURE_TOKEN_CREDENTIALS (nothing probes managed identity), against a stand-in `az` that is not signed in, or
against a PATH without any `az`."""

from __future__ import annotations

import os
import stat
import sys

import pytest

from wizard.profile import Profile
from wizard.targets.azure import auth
from wizard.targets.base import StepFailed

# `az account get-access-token` of a machine where nobody ran `az login` (the Azure CLI's own words, exit 1).
AZ_NOT_SIGNED_IN = """#!{python}
import sys
sys.stderr.write("ERROR: Please run 'az login' to setup account.\\n")
sys.exit(1)
"""


@pytest.fixture
def only_the_cli(monkeypatch):
    monkeypatch.setenv("AZURE_TOKEN_CREDENTIALS", "AzureCliCredential")  # the chain is the CLI only
    for name in ("AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET", "AZURE_FEDERATED_TOKEN_FILE",
                 "IDENTITY_ENDPOINT", "MSI_ENDPOINT", "AZURE_USERNAME"):
        monkeypatch.delenv(name, raising=False)


def _bin(tmp_path, with_az: bool) -> str:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    if with_az:
        script = bin_dir / "az"
        script.write_text(AZ_NOT_SIGNED_IN.format(python=sys.executable))
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(bin_dir)


def _failed_sign_in() -> StepFailed:
    profile = Profile(name="signin", target="azure")
    with pytest.raises(StepFailed) as failed:
        auth.sign_in(profile, interactive=False)
    return failed.value


def _said_once(sentence: str) -> None:
    assert sentence.count("Could not sign in") == 1 and sentence.count(".") >= 1
    assert sentence.endswith("try again."), sentence


def test_with_the_azure_cli_the_sentence_suggests_az_login(tmp_path, monkeypatch, only_the_cli):
    monkeypatch.setenv("PATH", _bin(tmp_path, with_az=True))
    failure = _failed_sign_in()
    sentence = str(failure)
    _said_once(sentence)
    assert sentence.count("`az login`") == 1 and "AZURE_CLIENT_SECRET" in sentence
    assert "is not installed" not in sentence
    assert failure.detail  # azure-identity's own words stay in the detail


def test_without_the_azure_cli_the_sentence_does_not_suggest_az_login(tmp_path, monkeypatch, only_the_cli):
    monkeypatch.setenv("PATH", _bin(tmp_path, with_az=False))
    sentence = str(_failed_sign_in())
    _said_once(sentence)
    assert "az login" not in sentence
    assert "Azure CLI (az) is not installed" in sentence and "AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET" in sentence


def test_the_gui_does_not_repeat_it(tmp_path, monkeypatch, only_the_cli):
    """The Start page runs the sign-in with doing="sign in to Azure": its prefix is not put before a sentence that
    already says so."""
    from wizard.ui.workers import describe_error

    monkeypatch.setenv("PATH", _bin(tmp_path, with_az=False) + os.pathsep)
    failure = _failed_sign_in()
    shown = describe_error(failure, "sign in to Azure").sentence
    assert shown == str(failure)
    assert shown.count("sign in to Azure") == 1
    other = describe_error(StepFailed("The tenant refused the token."), "sign in to Azure").sentence
    assert other == "Could not sign in to Azure: The tenant refused the token."
