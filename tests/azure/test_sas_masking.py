"""A SAS signature is masked in every spelling a log line may show: raw, percent-decoded, plus-decoded."""

from __future__ import annotations

import pytest

from wizard.secrets import scrub
from wizard.targets.azure.registry import register_sas


@pytest.mark.parametrize("sig", ["5UGjstrGBUFxq8xF+1CVhQ==", "5UGjstrGBUFxq8xF%2B1CVhQ%3D%3D", "abcdEFGHijklMNOP/qrs=="])
def test_every_spelling_of_the_signature_is_masked(sig):
    url = f"https://acr.blob.core.windows.net/src/ctx.tar.gz?sv=2020-01-01&se=2030&sp=w&sig={sig}"
    register_sas(url)
    logged = f'"PUT /src/ctx.tar.gz?sv=2020-01-01&sig={sig} HTTP/1.1" 201 0'
    assert sig not in scrub(logged)
    decoded = sig.replace("%2B", "+").replace("%3D", "=")
    assert decoded not in scrub(f"sig={decoded} and {decoded.replace('+', ' ')}")
