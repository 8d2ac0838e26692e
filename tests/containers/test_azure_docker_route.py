"""Azure route "docker" with an ACR name: build here, sign in by token exchange, push, and the function app runs
exactly the pushed digest. The ARM emulator's registry reports a real registry (Debian's docker-registry behind
a TLS login server serving /oauth2/exchange) as its loginServer. The registry's storage is kept per machine so a
second run pushes only the changed layers.
"""

from __future__ import annotations

import base64
import http.client
import ssl

import pytest

from tests.azure.arm_emulator.ext import ext
from tests.azure.conftest import _base_profile, credential, tiny_model  # noqa: F401 - fixtures reused
from tests.azure.deploying import deploy
from tests.containers.registry_server import LocalRegistry
from tests.containers.test_push_killed import _fresh_model
from tests.containers.test_local_docker_deploy import drop_tags
from wizard.containers.paths import cache_home
from wizard.containers.registry import ACR_USER


@pytest.fixture
def acr(arm, tmp_path):
    reg = LocalRegistry(tmp_path / "registry", data_dir=cache_home() / "test-registry", ca=arm.ca,
                        accept=lambda token: token.startswith("emu-token-")).start()
    yield reg
    reg.stop()


@pytest.mark.slow
def test_docker_route_pushes_and_the_site_runs_the_pushed_digest(docker_engine, standin_base, arm, acr, credential,  # noqa: F811
                                                                 tiny_model, tmp_path):  # noqa: F811
    profile = _base_profile(arm, tiny_model, "dock")
    profile.cache.name = "dock-cache"
    profile.cache.sku = "Balanced_B0"
    profile.function.packaging = "docker"
    # A model no earlier run pushed: the package step observes the registry first, and the test registry's storage
    # is kept per machine, so the same app would be found there and not built again.
    profile.model.path = str(_fresh_model(tmp_path))
    ext(arm).login_servers[profile.function.registry.lower()] = acr.login_server
    result = deploy(profile, credential)
    assert result.outcome.ok, result.failed_sentences

    package = result.outcome.outputs["package"]
    digest = package["digest"]
    assert package["image"] == f"{acr.login_server}/dock-app@{digest}"
    site = [r for r in arm.requests("PUT") if r.lower_path.endswith("microsoft.web/sites/dock-app")][0]
    assert site.body["properties"]["siteConfig"]["linuxFxVersion"] == f"DOCKER|{package['image']}"
    assert site.body["properties"]["siteConfig"]["acrUseManagedIdentityCreds"] is True

    # Signed in by exchanging the ARM token; the refresh token never reached an event.
    assert acr.exchanges and acr.exchanges[-1]["grant_type"] == ["access_token"]
    texts = "\n".join(e.message + e.detail for e in result.events)
    assert acr.refresh_token not in texts
    logs = [e.message for e in result.of("log", "package")]
    assert any(line.startswith("Step 1/") for line in logs)
    assert any(": Pushed" in line or ": Layer already exists" in line for line in logs)

    # The registry serves that manifest under that digest, and it is the local image's digest.
    local = docker_engine.client.inspect_image(package["tag"])["RepoDigests"]
    assert f"{acr.login_server}/dock-app@{digest}" in local
    conn = http.client.HTTPSConnection("127.0.0.1", int(acr.login_server.split(":")[1]),
                                       context=ssl.create_default_context(cafile=str(arm.ca_file)))
    basic = base64.b64encode(f"{ACR_USER}:{acr.refresh_token}".encode()).decode()
    conn.request("HEAD", f"/v2/dock-app/manifests/{package['tag'].rsplit(':', 1)[1]}",
                 headers={"Authorization": f"Basic {basic}",
                          "Accept": "application/vnd.docker.distribution.manifest.v2+json"})
    resp = conn.getresponse()
    resp.read()
    assert resp.status == 200 and resp.getheader("Docker-Content-Digest") == digest
    docker_engine.client.remove_image(package["tag"], noprune=True)
    drop_tags(docker_engine, profile.name)
