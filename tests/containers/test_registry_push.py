"""Push through the ACR-style sign-in to a real registry: token exchange, per-layer progress, digest equality."""

from __future__ import annotations

import io
import ssl
import tarfile
import uuid
import http.client

import pytest

from wizard.containers.registry import ACR_USER, RegistryError, acr_exchange, push
from tests.containers.registry_server import LocalRegistry


@pytest.fixture
def test_registry(tmp_path):
    reg = LocalRegistry(tmp_path / "registry").start()
    yield reg
    reg.stop()


def _tiny_image(engine) -> str:
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as tar:
        payload = uuid.uuid4().hex.encode()
        info = tarfile.TarInfo("hello.txt")
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    ref = f"mlfunc-wizard/push-test:{uuid.uuid4().hex[:8]}"
    repo, tag = ref.split(":")
    engine.client.import_image_from_data(data.getvalue(), repository=repo, tag=tag)
    return ref


def test_push_after_token_exchange_digest_matches(docker_engine, test_registry):
    auth = acr_exchange(test_registry.login_server, test_registry.arm_token, verify=str(test_registry.ca_file))
    assert auth.username == ACR_USER and auth.password == test_registry.refresh_token
    assert test_registry.exchanges[-1]["grant_type"] == ["access_token"]

    image = _tiny_image(docker_engine)
    repository = f"{test_registry.login_server}/mlfunc/app"
    lines: list[str] = []
    try:
        digest = push(docker_engine, image, repository=repository, tag="v1", auth=auth, on_line=lines.append)
        assert digest.startswith("sha256:")
        assert any(": Pushed" in line or ": Layer already exists" in line for line in lines)  # per-layer progress
        assert test_registry.refresh_token not in "\n".join(lines)
        local = docker_engine.client.inspect_image(f"{repository}:v1")["RepoDigests"]
        assert f"{repository}@{digest}" in local
        # The registry itself serves that manifest under that digest.
        conn = http.client.HTTPSConnection("127.0.0.1", int(test_registry.login_server.split(":")[1]),
                                           context=ssl.create_default_context(cafile=str(test_registry.ca_file)))
        import base64

        basic = base64.b64encode(f"{ACR_USER}:{test_registry.refresh_token}".encode()).decode()
        conn.request("HEAD", "/v2/mlfunc/app/manifests/v1", headers={
            "Authorization": f"Basic {basic}",
            "Accept": "application/vnd.docker.distribution.manifest.v2+json"})
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 200 and resp.getheader("Docker-Content-Digest") == digest
    finally:
        for ref in (image, f"{repository}:v1"):
            docker_engine.client.remove_image(ref, force=True)


def test_wrong_token_and_no_sign_in_are_refused_with_a_sentence(docker_engine, test_registry):
    with pytest.raises(RegistryError) as refused:
        acr_exchange(test_registry.login_server, "not-the-arm-token", verify=str(test_registry.ca_file))
    assert "refused the sign-in (HTTP 401)" in refused.value.message
    image = _tiny_image(docker_engine)
    repository = f"{test_registry.login_server}/mlfunc/app"
    try:
        with pytest.raises(RegistryError) as denied:
            push(docker_engine, image, repository=repository, tag="v1", auth=None, on_line=lambda line: None)
        assert denied.value.message.startswith(f"The push to {repository}:v1 failed")
    finally:
        for ref in (image, f"{repository}:v1"):
            docker_engine.client.remove_image(ref, force=True)
