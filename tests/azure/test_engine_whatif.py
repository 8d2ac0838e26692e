"""The what-if and observe -> compare -> act on the Azure target, against the ARM emulator (issue 14):
without a credential plan shows the steps only and says why; with one, a changed plan SKU is an update in
place that deploy applies with one PUT, the other converted resources are unchanged."""

from __future__ import annotations

from tests.azure.deploying import deploy
from wizard import deployment
from wizard.core import whatif
from wizard.core.lifecycle import StepState
from wizard.targets.base import ChangeKind, SettingChange


def test_without_a_credential_the_what_if_lists_the_steps_and_says_why(managed_profile):
    preview = deployment.what_if(managed_profile)
    assert not preview.observed and "Not signed in to Azure" in preview.reason
    assert {s.change.kind for s in preview.steps} == {ChangeKind.UNKNOWN}
    assert [s.name for s in preview.steps] == deployment.make_plan(managed_profile).names
    text = whatif.render_text(preview)
    assert "Not signed in to Azure" in text and "sign in" in text
    assert whatif.exit_code(preview) == 2  # nothing could be promised unchanged


def test_a_plan_sku_change_is_an_update_in_place(arm, credential, managed_profile):
    profile = managed_profile
    assert deploy(profile, credential).outcome.ok
    preview = deployment.what_if(profile, credential=credential)
    plan_step = next(s for s in preview.steps if s.name == "plan")
    assert plan_step.change.kind is ChangeKind.NO_CHANGE

    profile.function.plan_sku = "B2"
    preview = deployment.what_if(profile, credential=credential)
    plan_step = next(s for s in preview.steps if s.name == "plan")
    assert plan_step.change.kind is ChangeKind.UPDATE
    assert plan_step.change.settings == (SettingChange("function.plan_sku", "B1", "B2"),)
    assert "function.plan_sku B1 → B2" in whatif.render_text(preview)

    puts_before = len([r for r in arm.requests("PUT") if r.lower_path.endswith("/serverfarms/amr-app-plan")])
    result = deploy(profile, credential)
    assert result.outcome.ok, result.failed_sentences
    assert result.outcome.states["plan"] is StepState.UPDATED
    puts = [r for r in arm.requests("PUT") if r.lower_path.endswith("/serverfarms/amr-app-plan")]
    assert len(puts) == puts_before + 1 and puts[-1].body["sku"]["name"] == "B2"
    assert next(s for s in deployment.what_if(profile, credential=credential).steps
                if s.name == "plan").change.kind is ChangeKind.NO_CHANGE


def _write(profile, tmp_path):
    import json

    from wizard import profile as profiles

    path = tmp_path / f"{profile.name}.json"
    path.write_text(json.dumps(profiles.to_dict(profile)), encoding="utf-8")
    return path


def test_cli_plan_compares_when_a_sign_in_works_and_says_why_when_not(arm, credential, managed_profile, tmp_path,
                                                                      monkeypatch, capsys):
    from wizard import cli
    from wizard.core.errors import WizardError
    from wizard.session import Session

    profile = managed_profile
    assert deploy(profile, credential).outcome.ok
    path = _write(profile, tmp_path)

    # Mocked seam: the sign-in itself (no Microsoft Entra ID here); everything after it is real.
    def signed_in(self, profile, *, interactive=True):
        self._credential = credential

    monkeypatch.setattr(Session, "sign_in", signed_in)
    code = cli.run(["plan", str(path)])
    out = capsys.readouterr().out
    assert "= plan" in out and "no change" in out and "Not signed in" not in out
    assert code == 0  # every step observes and compares (the package step too): nothing would change

    def refused(self, profile, *, interactive=True):
        raise WizardError("Could not sign in to Azure. Run `az login` and try again.")

    monkeypatch.setattr(Session, "sign_in", refused)
    assert cli.run(["plan", str(path)]) == 2
    out = capsys.readouterr().out
    assert "Not signed in to Azure" in out and "? plan" in out
