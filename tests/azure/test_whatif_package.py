"""The Azure package step observes and compares (issue 14): the image is tagged by the app's content, so after a
deploy `plan` exits 0 with every step `no change` or `read`; a new model file previews the package step as an
update `image old → new` (exit 2) and deploy builds and pushes the new tag; a preview on the registry-credentials
route reads the registry and changes nothing. Against the ARM emulator, real SDK clients over HTTPS."""

from __future__ import annotations

import json
import shutil

from tests.azure.deploying import deploy
from wizard import deployment
from wizard.core import whatif
from wizard.core.lifecycle import StepState
from wizard.targets.base import ChangeKind


def _write(profile, tmp_path):
    from wizard import profile as profiles

    path = tmp_path / f"{profile.name}.json"
    path.write_text(json.dumps(profiles.to_dict(profile)), encoding="utf-8")
    return path


def _signed_in(monkeypatch, credential):
    from wizard.session import Session

    # Mocked seam: the sign-in itself (no Microsoft Entra ID here); everything after it is real.
    def signed_in(self, profile, *, interactive=True):
        self._credential = credential

    monkeypatch.setattr(Session, "sign_in", signed_in)


def _plan_json(path, capsys) -> tuple[int, dict]:
    from wizard import cli

    code = cli.run(["plan", str(path), "--output", "json"])
    return code, json.loads(capsys.readouterr().out)


def _own_model(profile, tmp_path, tiny_model):
    model = tmp_path / "model" / "tiny.pkl"
    model.parent.mkdir()
    shutil.copyfile(tiny_model, model)
    profile.model.path = str(model)
    return model


def _retrain(model) -> None:
    import joblib
    from sklearn.linear_model import LogisticRegression

    joblib.dump(LogisticRegression(C=0.25).fit([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0], [2.0, 2.0]],
                                               [0, 1, 1, 0, 1]), model)


def test_acr_build_plan_is_clean_after_deploy_and_a_new_model_updates_the_image(arm, credential, managed_profile, tmp_path,
                                                                                 tiny_model, monkeypatch, capsys):
    profile = managed_profile
    model = _own_model(profile, tmp_path, tiny_model)
    first = deploy(profile, credential)
    assert first.outcome.ok, first.failed_sentences
    old_image = first.outcome.outputs["package"]["image"]
    assert old_image.startswith(f"{profile.function.registry}.azurecr.io/amr-app:")
    path = _write(profile, tmp_path)
    _signed_in(monkeypatch, credential)

    code, doc = _plan_json(path, capsys)
    assert {s["name"]: s["action"] for s in doc["steps"] if s["action"] not in ("no-change", "read")} == {}
    assert doc["summary"]["unknown"] == 0 and code == 0
    assert next(s for s in doc["steps"] if s["name"] == "package")["action"] == "no-change"
    runs_before = len(arm.requests("POST", "schedulerun"))

    _retrain(model)  # a new model file: a new content tag
    preview = deployment.what_if(profile, credential=credential)
    package = next(s for s in preview.steps if s.name == "package")
    assert package.change.kind is ChangeKind.UPDATE
    ((setting),) = package.change.settings
    assert setting.setting == "image" and setting.old == old_image
    assert setting.new.startswith(f"{profile.function.registry}.azurecr.io/amr-app:") and setting.new != old_image
    assert f"image {old_image} → {setting.new}" in whatif.render_text(preview)
    assert len(arm.requests("POST", "schedulerun")) == runs_before  # the preview built nothing
    code, doc = _plan_json(path, capsys)
    assert code == 2 and next(s for s in doc["steps"] if s["name"] == "package")["action"] == "update"

    second = deploy(profile, credential)
    assert second.outcome.ok, second.failed_sentences
    assert second.outcome.states["package"] is StepState.UPDATED
    assert second.outcome.outputs["package"]["image"] == setting.new
    assert len(arm.requests("POST", "schedulerun")) == runs_before + 1
    web = [r.body for r in arm.requests("PATCH") if r.lower_path.endswith("/sites/amr-app/config/web")]
    assert any(b["properties"].get("linuxFxVersion") == f"DOCKER|{setting.new}" for b in web)
    code, doc = _plan_json(path, capsys)
    assert code == 0, [s for s in doc["steps"] if s["action"] not in ("no-change", "read")]


def test_a_model_change_shows_in_the_text_plan_and_nothing_else_changes(arm, credential, managed_profile, tmp_path,
                                                                         tiny_model, monkeypatch, capsys):
    from wizard import cli

    profile = managed_profile
    model = _own_model(profile, tmp_path, tiny_model)
    assert deploy(profile, credential).outcome.ok
    path = _write(profile, tmp_path)
    _signed_in(monkeypatch, credential)
    assert cli.run(["plan", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Nothing would change." in out and "unknown" not in out
    _retrain(model)
    assert cli.run(["plan", str(path)]) == 2
    out = capsys.readouterr().out
    assert "~ package" in out and "update in-place" in out and "image " in out


def test_a_cache_ttl_change_updates_the_app_settings_and_builds_no_image(arm, credential, managed_profile, tmp_path,
                                                                         tiny_model):
    """The TTL is an app setting, not image content: the package step stays `no change` (no ACR Tasks run, the
    same image), the app settings are updated in place with the new value."""
    profile = managed_profile
    _own_model(profile, tmp_path, tiny_model)
    first = deploy(profile, credential)
    assert first.outcome.ok, first.failed_sentences
    image = first.outcome.outputs["package"]["image"]
    runs = len(arm.requests("POST", "schedulerun"))
    assert profile.cache_policy.ttl_seconds == 3600
    profile.cache_policy.ttl_seconds = 600

    preview = deployment.what_if(profile, credential=credential)
    actions = {s.name: s.change.kind for s in preview.steps}
    assert actions["package"] is ChangeKind.NO_CHANGE, whatif.render_text(preview)
    assert "CACHE_TTL_SECONDS 3600 → 600" in whatif.render_text(preview)
    second = deploy(profile, credential)
    assert second.outcome.ok, second.failed_sentences
    assert second.outcome.outputs["package"]["image"] == image
    assert len(arm.requests("POST", "schedulerun")) == runs  # no image was built


def _registry_resource(arm, name: str) -> dict:
    return next(r for r in arm.state.resources.values()
                if r["type"].lower() == "microsoft.containerregistry/registries" and r["name"].lower() == name)


def test_a_preview_on_the_credentials_route_does_not_turn_the_admin_user_on(arm, credential, managed_profile):
    profile = managed_profile
    arm.inject("PUT", r"/roleassignments/", "forbidden")  # may not assign AcrPull: registry credentials instead
    result = deploy(profile, credential)
    assert result.outcome.ok, result.failed_sentences
    assert result.outcome.outputs["registry-access"]["pull"] == "credentials"
    registry = _registry_resource(arm, profile.function.registry)
    assert registry["properties"]["adminUserEnabled"] is True
    registry["properties"]["adminUserEnabled"] = False  # someone turned it off in the portal

    patches_before = len(arm.requests("PATCH", "/registries/"))
    deployment.what_if(profile, credential=credential)
    assert len(arm.requests("PATCH", "/registries/")) == patches_before  # a preview changes nothing
    assert registry["properties"]["adminUserEnabled"] is False

    arm.inject("PUT", r"/roleassignments/", "forbidden")
    again = deploy(profile, credential)
    assert again.outcome.ok, again.failed_sentences
    assert registry["properties"]["adminUserEnabled"] is True  # the deploy turns it back on, as before


def test_a_pushed_image_is_unchanged_until_the_profile_names_another(arm, credential, managed_profile):
    profile = managed_profile
    profile.function.packaging = "docker"
    profile.function.registry = "ghcr.io/example/digits:1.2"
    assert deploy(profile, credential).outcome.ok
    steps = {s.name: s for s in deployment.what_if(profile, credential=credential).steps}
    assert steps["package"].change.kind is ChangeKind.NO_CHANGE

    profile.function.registry = "ghcr.io/example/digits:1.3"
    steps = {s.name: s for s in deployment.what_if(profile, credential=credential).steps}
    package = steps["package"].change
    assert package.kind is ChangeKind.UPDATE
    assert [str(c) for c in package.settings] == ["image ghcr.io/example/digits:1.2 → ghcr.io/example/digits:1.3"]
    result = deploy(profile, credential)
    assert result.outcome.ok, result.failed_sentences
    assert result.outcome.outputs["package"]["image"] == "ghcr.io/example/digits:1.3"
    assert {s.name: s.change.kind for s in deployment.what_if(profile, credential=credential).steps}["package"] \
        is ChangeKind.NO_CHANGE


def test_azure_ml_package_compares_the_model_version_and_the_app_with_the_last_package(arm, credential, managed_profile,
                                                                                        tmp_path):
    """Azure ML's package() needs a workspace's model management service, which cannot run here (no Azure ML, no
    emulator for its data plane), so create() is not called: the journal entry it would return is written as it
    returns it. observe/desired/compare run for real, the registry lookup against the ARM emulator."""
    import threading

    from azure.mgmt.containerregistry.v2025_04_01.models import Registry, Sku
    from azure.mgmt.resource.resources.models import ResourceGroup

    from wizard.targets.azure.aml import AmlPackageAction
    from wizard.targets.azure.clients import AzureClients
    from wizard.targets.azure.package import PackageOutputs
    from wizard.targets.base import SettingChange, StepContext, compare

    profile = managed_profile
    profile.function.packaging = "azureml"
    profile.model.source = "azureml"
    aml = profile.model.azureml
    aml.name, aml.version, aml.workspace, aml.resource_group = "digits", "3", "ws", "rg-aml"
    clients = AzureClients(profile, credential)
    clients.resource.resource_groups.create_or_update("rg-aml", ResourceGroup(location="westeurope"))
    reg = clients.acr.registries.begin_create("rg-aml", "wsacr", Registry(location="westeurope", sku=Sku(name="Basic"),
                                                                          admin_user_enabled=True)).result()
    action = AmlPackageAction(lambda p: AzureClients(p, credential), lambda: credential)

    def decide(outputs):
        ctx = StepContext(profile=profile, state_dir=tmp_path, outputs=outputs, cancel_event=threading.Event(),
                          report=lambda f, m: None, log=lambda line: None)
        return compare(action.desired(ctx), action.observe(ctx), action.replace_on), ctx

    change, ctx = decide({})
    assert change.kind is ChangeKind.CREATE  # never packaged
    content = action.desired(ctx)["app package"]
    last = PackageOutputs(image="wsacr.azurecr.io/package@sha256:" + "1" * 64, login_server=reg.login_server,
                          registry="wsacr", registry_id=reg.id, pull="credentials", model_ref="digits:3", content=content)
    journal = {"package": last.to_dict()}
    change, ctx = decide(dict(journal))
    assert change.kind is ChangeKind.NO_CHANGE
    assert not (tmp_path / "app").exists()  # the preview generated the app in a temporary folder only

    aml.version = "4"
    change, _ = decide(dict(journal))
    assert change.kind is ChangeKind.UPDATE and change.settings[0] == SettingChange("model.azureml", "digits:3", "digits:4")

    aml.version = "3"
    script = tmp_path / "score.py"
    script.write_text("def init():\n    pass\n\n\ndef run(data):\n    return data\n", encoding="utf-8")
    profile.model.entry_script = str(script)  # another score.py: another app
    change, _ = decide(dict(journal))
    assert change.kind is ChangeKind.UPDATE and [c.setting for c in change.settings] == ["app package"]

    profile.model.entry_script = ""
    aml.version = ""  # "latest": which version it is, only the workspace knows: package again
    assert decide(dict(journal))[0].kind is ChangeKind.UPDATE

    aml.version = "3"
    clients.acr.registries.begin_delete("rg-aml", "wsacr").result()
    assert decide(dict(journal))[0].kind is ChangeKind.CREATE  # its registry is gone
