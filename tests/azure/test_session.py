"""wizard.session: the one account service the GUI uses; sign-in, the credential and the pickers, against the emulator."""

from __future__ import annotations

import pytest

from wizard.session import NAME_KINDS, NotSignedIn, Session


def test_pickers_need_a_sign_in_first(arm, managed_profile):
    session = Session()
    assert not session.signed_in and session.credential is None
    with pytest.raises(NotSignedIn, match="Sign in"):
        session.subscriptions(managed_profile)


def test_sign_in_then_pick(arm, credential, managed_profile):
    session = Session(credential)
    session.sign_in(managed_profile, interactive=False)
    assert session.signed_in and session.credential is credential
    assert [s.id for s in session.subscriptions(managed_profile)] == [arm.subscription_id]
    assert "westeurope" in [r.id for r in session.regions(managed_profile)]
    assert session.resource_groups(managed_profile) == []
    for kind in NAME_KINDS:
        assert session.check_name(managed_profile, kind, "freename42").available, kind
    with pytest.raises(ValueError):
        session.check_name(managed_profile, "spaceship", "x")
    session.sign_out()
    assert not session.signed_in
