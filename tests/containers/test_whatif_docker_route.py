"""The Azure "docker" route in the what-if (issue 14): after a deploy the package step is `no change` (the
registry serves the content tag: a HEAD of its manifest, signed in by token exchange), a new model file previews
an update `image old → new`, and deploy builds and pushes the new tag. The ARM emulator's registry reports a real
registry (Debian's docker-registry behind a TLS login server) as its loginServer, as in test_azure_docker_route.
"""

from __future__ import annotations

import shutil
import uuid

import pytest

from tests.azure.arm_emulator.ext import ext
from tests.azure.conftest import _base_profile, credential, tiny_model  # noqa: F401 - fixtures reused
from tests.azure.deploying import deploy
from tests.containers.test_azure_docker_route import acr  # noqa: F401 - fixture reused
from tests.containers.test_local_docker_deploy import drop_tags
from wizard import deployment
from wizard.core.lifecycle import StepState
from wizard.targets.base import ChangeKind


@pytest.mark.slow
def test_docker_route_plan_is_clean_after_deploy_and_a_new_model_pushes_a_new_tag(docker_engine, standin_base, arm,
                                                                                   acr, credential, tiny_model,  # noqa: F811
                                                                                   tmp_path):
    import joblib
    from sklearn.linear_model import LogisticRegression

    profile = _base_profile(arm, tiny_model, "dockwi")
    profile.cache.name = "dockwi-cache"
    profile.cache.sku = "Balanced_B0"
    profile.function.packaging = "docker"
    # A repository of its own: the test registry keeps earlier runs' images under the same content tags.
    profile.function.app_name = app = f"dockwi-{uuid.uuid4().hex[:8]}"
    model = tmp_path / "tiny.pkl"
    shutil.copyfile(tiny_model, model)
    profile.model.path = str(model)
    ext(arm).login_servers[profile.function.registry.lower()] = acr.login_server
    try:
        first = deploy(profile, credential)
        assert first.outcome.ok, first.failed_sentences
        old_tag = first.outcome.outputs["package"]["tag"]

        steps = {s.name: s for s in deployment.what_if(profile, credential=credential).steps}
        assert steps["package"].change.kind is ChangeKind.NO_CHANGE
        assert {n: s.change.kind for n, s in steps.items()
                if s.change.kind not in (ChangeKind.NO_CHANGE, ChangeKind.READ)} == {}

        joblib.dump(LogisticRegression(C=0.25).fit([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [2.0, 2.0]], [0, 1, 1, 1]), model)
        package = next(s for s in deployment.what_if(profile, credential=credential).steps if s.name == "package").change
        assert package.kind is ChangeKind.UPDATE
        ((setting),) = package.settings
        assert setting.setting == "image" and setting.old == old_tag and setting.new != old_tag
        assert setting.new.startswith(f"{acr.login_server}/{app}:")

        second = deploy(profile, credential)
        assert second.outcome.ok, second.failed_sentences
        assert second.outcome.states["package"] is StepState.UPDATED
        assert second.outcome.outputs["package"]["tag"] == setting.new
        assert second.outcome.outputs["package"]["digest"] != first.outcome.outputs["package"]["digest"]
        assert next(s for s in deployment.what_if(profile, credential=credential).steps
                    if s.name == "package").change.kind is ChangeKind.NO_CHANGE
    finally:
        drop_tags(docker_engine, profile.name)
