"""The local target's docker route follows observe -> compare -> act like every other step (issue 14): after a
deploy the what-if shows no change; a cache TTL change is an in-place update of the container's settings (no new
image: the TTL is an app setting, not image content), applied by recreating the one container; a new model version
is a new image `image old → new`. Real engine, real redis-server, real container."""

from __future__ import annotations

import threading
import uuid

import pytest

from tests.containers.test_local_docker_deploy import _profile, _sample, drop_tags
from wizard import deployment
from wizard import profile as profiles
from wizard.containers import containers as ctr
from wizard.core import whatif
from wizard.targets.base import ChangeKind


def _kinds(preview) -> dict[str, ChangeKind]:
    return {s.name: s.change.kind for s in preview.steps}


@pytest.mark.slow
def test_plan_is_clean_after_deploy_a_ttl_change_updates_the_container_and_a_new_model_the_image(
        docker_engine, standin_base, tmp_path):
    profile = profiles.load(_profile(tmp_path, uuid.uuid4().hex[:6]))
    first = deployment.DeploymentRun(profile, lambda e: None).run()
    try:
        assert first.ok, first.failed
        preview = deployment.what_if(profile)
        changing = {n: k for n, k in _kinds(preview).items() if k not in (ChangeKind.NO_CHANGE, ChangeKind.READ)}
        assert changing == {}, whatif.render_text(preview)
        image = first.outputs["package"]["image"]
        [before] = ctr.find(docker_engine, group=profile.resource_group.name)

        profile.cache_policy.ttl_seconds = 600
        preview = deployment.what_if(profile)
        kinds = _kinds(preview)
        assert kinds["package"] is ChangeKind.NO_CHANGE and kinds["function-app"] is ChangeKind.UPDATE
        assert "cache_policy.ttl_seconds 3600 → 600" in whatif.render_text(preview)
        second = deployment.DeploymentRun(profile, lambda e: None).run()
        assert second.ok, second.failed
        assert second.outputs["package"]["image"] == image  # no new image
        [after] = ctr.find(docker_engine, group=profile.resource_group.name)
        assert after.id != before.id and after.running  # one container, recreated with the new environment
        assert deployment.invoke(profile.name, _sample(profile)).status == 200
        assert _kinds(deployment.what_if(profile))["function-app"] is ChangeKind.NO_CHANGE

        profile.model.version = "2"
        preview = deployment.what_if(profile)
        package = next(s for s in preview.steps if s.name == "package")
        assert package.change.kind is ChangeKind.UPDATE
        [setting] = package.change.settings
        assert setting.setting == "image" and setting.old == image and setting.new != image
        third = deployment.DeploymentRun(profile, lambda e: None).run()
        assert third.ok, third.failed
        assert third.outputs["package"]["image"] == setting.new
        [running] = ctr.find(docker_engine, group=profile.resource_group.name)
        assert setting.new in docker_engine.client.inspect_image(running.image_id)["RepoTags"]
    finally:
        deployment.destroy(profile.name, log=lambda line: None, cancel_event=threading.Event())
        drop_tags(docker_engine, profile.name)
    assert ctr.find(docker_engine, group=profile.resource_group.name) == []
