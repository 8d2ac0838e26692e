"""kill -9 of the deploying process in the middle of the push (Azure route "docker"); the next deploy resumes and
finishes with one tag of the app's repository in the registry and the site referencing exactly the pushed digest.

The deploying process is tests/containers/push_driver.py (the CLI's DeploymentRun with the emulator's static
credential: the one seam, see there). The test registry's login server slows each blob upload request
(upload_delay_s) so that the push is still running when the process is killed: without it, pushing the few new
layers through loopback is over in well under a second.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import signal
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.azure.arm_emulator.ext import ext
from tests.azure.conftest import _base_profile, credential, tiny_model  # noqa: F401 - fixtures reused
from tests.azure.deploying import deploy
from tests.containers.registry_server import LocalRegistry
from tests.containers.test_local_docker_deploy import drop_tags
from wizard import profile as profiles
from wizard.containers.paths import cache_home
from wizard.containers.registry import ACR_USER

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def slow_acr(arm, tmp_path):
    reg = LocalRegistry(tmp_path / "registry", data_dir=cache_home() / "test-registry", ca=arm.ca,
                        accept=lambda token: token.startswith("emu-token-"), upload_delay_s=1.5).start()
    yield reg
    reg.stop()


def _fresh_model(folder: Path) -> Path:
    import random

    import joblib
    from sklearn.linear_model import LogisticRegression

    x = [[random.random(), random.random()] for _ in range(20)]
    model = LogisticRegression().fit(x, [int(a > b) for a, b in x])
    path = folder / "fresh.pkl"
    joblib.dump(model, path)
    return path


def _registry_get(acr: LocalRegistry, ca_file: Path, path: str, accept: str = "application/json"):
    conn = http.client.HTTPSConnection("127.0.0.1", int(acr.login_server.split(":")[1]),
                                       context=ssl.create_default_context(cafile=str(ca_file)), timeout=30)
    basic = base64.b64encode(f"{ACR_USER}:{acr.refresh_token}".encode()).decode()
    try:
        conn.request("GET", path, headers={"Authorization": f"Basic {basic}", "Accept": accept})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def _tags(acr: LocalRegistry, ca_file: Path, repo: str) -> list[str]:
    status, _headers, body = _registry_get(acr, ca_file, f"/v2/{repo}/tags/list")
    return [] if status == 404 else sorted(json.loads(body).get("tags") or [])


@pytest.mark.slow
def test_kill_9_during_the_push_then_resume_gives_one_tag_and_the_site_runs_it(
        docker_engine, standin_base, arm, slow_acr, credential, tiny_model, tmp_path, wizard_home):  # noqa: F811
    # A repository of its own: the test registry's storage is kept per machine, with earlier runs' tags.
    profile = _base_profile(arm, tiny_model, f"kp{os.urandom(3).hex()}")
    profile.cache.name = "kpush-cache"
    profile.cache.sku = "Balanced_B0"
    profile.function.packaging = "docker"
    profile.model.path = str(_fresh_model(tmp_path))  # a model no earlier run pushed: its layer must be uploaded
    ext(arm).login_servers[profile.function.registry.lower()] = slow_acr.login_server
    path = tmp_path / "profile.json"
    profiles.save(profile, path)
    repo = profile.function.app_name

    proc = subprocess.Popen([sys.executable, "-m", "tests.containers.push_driver", str(path)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=dict(os.environ))
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout or []), daemon=True)
    reader.start()
    try:
        started = time.monotonic()
        while not slow_acr.upload_started.wait(0.2):
            assert proc.poll() is None, "the deploy ended before its push uploaded anything:\n" + "".join(lines[-40:])
            assert time.monotonic() - started < 600, "no blob upload within 10 minutes:\n" + "".join(lines[-40:])
        killed_after = time.monotonic() - started
    finally:
        if proc.poll() is None and proc.pid > 0:
            os.kill(proc.pid, signal.SIGKILL)  # our own child, not yet reaped: its PID cannot be anyone else's
        proc.wait(30)
        reader.join(10)
    assert proc.returncode == -signal.SIGKILL
    assert not any(line.startswith("log package: Pushed ") for line in lines), "killed after the push, not during it"
    assert any(": Pushing" in line or ": Preparing" in line or ": Waiting" in line for line in lines), lines[-20:]
    tags_after_kill = _tags(slow_acr, arm.ca_file, repo)

    # Resume (this process, the same journal): the push completes, the site points at the pushed digest.
    slow_acr.upload_delay_s = 0.0
    result = deploy(profile, credential)
    try:
        assert result.outcome.ok, result.failed_sentences
        package = result.outcome.outputs["package"]
        digest, tag = package["digest"], package["tag"].rsplit(":", 1)[1]
        assert _tags(slow_acr, arm.ca_file, repo) == [tag], "exactly one tag of the app's repository"
        status, headers, _body = _registry_get(slow_acr, arm.ca_file, f"/v2/{repo}/manifests/{tag}",
                                               accept="application/vnd.docker.distribution.manifest.v2+json")
        assert status == 200 and headers.get("Docker-Content-Digest") == digest
        sites = [r for r in arm.requests("PUT") if r.lower_path.endswith(f"microsoft.web/sites/{repo}")]
        assert sites and all(s.body["properties"]["siteConfig"]["linuxFxVersion"] == f"DOCKER|{package['image']}"
                             for s in sites)
        assert package["image"] == f"{slow_acr.login_server}/{repo}@{digest}"
        print(f"killed {killed_after:.1f} s after the deploy started; tags right after the kill: {tags_after_kill}")
    finally:
        drop_tags(docker_engine, profile.name)
