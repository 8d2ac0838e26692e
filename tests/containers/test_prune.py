"""`mlfunc-wizard prune`: unused package environments (real venvs, real journals, a real live host process) and old
app images (the real engine). --dry-run lists what would go with sizes and removes nothing."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import tarfile
import time
import uuid
from pathlib import Path

from wizard.core.journal import Journal
from wizard.deployment import state_dir
from wizard.targets.local import function_host, processes
from wizard.targets.local import resource_group as rg
from wizard.targets.local.packaging import READY_MARKER, env_python

REPO = Path(__file__).resolve().parents[2]
OLD = time.time() - 3600


def _env(cache: Path, label: str, *, old: bool = True) -> Path:
    folder = cache / hashlib.sha256(label.encode()).hexdigest()
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True, timeout=60)
    (folder / READY_MARKER).write_text(f"{label}\n", encoding="utf-8")
    (folder / "payload.bin").write_bytes(os.urandom(300_000))  # a size the listing must show
    if old:
        os.utime(folder / READY_MARKER, (OLD, OLD))
    return folder


def _journal(name: str, outputs: dict) -> None:
    journal = Journal(state_dir(name))
    journal.begin(profile_hash="h5", target="local", profile_name=name, plan=["package", "function-app"])
    journal.step_finished("package", outputs, started=time.time(), duration_s=1.0)


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wizard", *args], capture_output=True, text=True, timeout=120,
                          cwd=REPO, env=env)


def test_prune_removes_only_environments_no_journal_references_and_no_live_host_runs_from(tmp_path, wizard_home,
                                                                                          monkeypatch):
    cache = tmp_path / "envs"
    cache.mkdir()
    monkeypatch.setenv("MLFUNC_WIZARD_ENV_CACHE", str(cache))
    by_sha = _env(cache, "referenced by env_sha")
    by_path = _env(cache, "referenced by env_python")
    running = _env(cache, "a live host runs from it")
    unused = _env(cache, "nobody")
    fresh = _env(cache, "just built", old=False)
    building = cache / ".build-0123456789abcdef-1-abcd"  # a build in progress is the builder's, never pruned
    building.mkdir()
    _journal("dep-a", {"env_sha": by_sha.name, "env_python": str(env_python(by_sha))})
    _journal("dep-b", {"env_python": str(env_python(by_path))})
    _journal("dep-docker", {"env_python": "docker:sha256:abc"})

    group = rg.groups_root() / f"rg-prune-{uuid.uuid4().hex[:6]}"
    marker = f"prune-test-{uuid.uuid4().hex}"
    host = processes.spawn_detached([str(env_python(running)), "-c", "import time; time.sleep(300)"],
                                    log_file=tmp_path / "host.log", group=marker, rotate=False)
    try:
        function_host.write_state(group, "app", function_host.HostState(
            pid=host.pid, port=0, python=str(env_python(running)), app_dir="", app_sha="", settings_sha="",
            log_file="", identity=host.identity))
        env = dict(os.environ, MLFUNC_WIZARD_HOME=str(wizard_home), MLFUNC_WIZARD_ENV_CACHE=str(cache),
                   DOCKER_HOST=f"unix://{tmp_path}/no-engine.sock", LANG="C")

        dry = _cli("prune", "--dry-run", env=env)
        assert dry.returncode == 0, dry.stdout + dry.stderr
        assert f"Would remove package environment {unused} (" in dry.stdout, dry.stdout
        assert " MB)" in dry.stdout
        assert dry.stdout.count("Would remove package environment") == 1, dry.stdout
        assert "No images were pruned: Docker is not running" in dry.stdout
        assert all(f.is_dir() for f in (by_sha, by_path, running, unused, fresh, building))

        done = _cli("prune", env=env)
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"Removed package environment {unused}" in done.stdout, done.stdout
        assert not unused.exists()
        assert by_sha.is_dir() and by_path.is_dir() and fresh.is_dir() and building.is_dir()
        assert running.is_dir(), "the environment a live host runs from must survive"
        assert f"{running}: used by running function host {group.name}/app (pid {host.pid})" in done.stdout
        assert f"{by_sha}: used by deployment dep-a" in done.stdout
        assert processes.pid_alive(host.pid), "prune never signals anything"
        assert not list(cache.glob(".prune-*"))
    finally:
        assert processes.stop_owned(host.record())

    # The host is gone: its environment is no longer in use, and no journal references it.
    done = _cli("prune", env=env)
    assert f"Removed package environment {running}" in done.stdout, done.stdout
    assert not running.exists() and by_sha.is_dir()


def _tiny_image(engine, deployment: str, tag: str) -> str:
    """A FROM scratch image with the deployment's label, built by the real engine from an in-memory context."""
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as tar:
        for name, text in (("Dockerfile", f"FROM scratch\nCOPY f /f\nLABEL io.mlfunc.deployment={deployment}\n"),
                           ("f", f"{tag} {uuid.uuid4()}\n" * 2000)):
            info = tarfile.TarInfo(name)
            raw = text.encode()
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    data.seek(0)
    ref = f"mlfunc-wizard/{deployment}:{tag}"
    for _chunk in engine.client.build(fileobj=data, custom_context=True, tag=ref, rm=True, decode=True,
                                      network_mode="none"):
        pass
    return engine.client.inspect_image(ref)["Id"]


def test_prune_removes_a_deployments_old_images_keeps_the_one_a_container_uses(docker_engine, wizard_home):
    deployment = f"prune-{uuid.uuid4().hex[:6]}"
    old_id = _tiny_image(docker_engine, deployment, "old")
    new_id = _tiny_image(docker_engine, deployment, "new")
    other = f"prune-other-{uuid.uuid4().hex[:6]}"
    other_id = _tiny_image(docker_engine, other, "x")
    container = docker_engine.client.create_container(f"mlfunc-wizard/{deployment}:new", command=["/f"],
                                                      name=f"h5-prune-{deployment}")
    env = dict(os.environ, MLFUNC_WIZARD_HOME=str(wizard_home), LANG="C")
    try:
        dry = _cli("prune", deployment, "--dry-run", env=env)
        assert dry.returncode == 0, dry.stdout + dry.stderr
        assert f"Would remove image mlfunc-wizard/{deployment}:old (" in dry.stdout, dry.stdout
        assert " MB of its own" in dry.stdout
        assert f"Kept image mlfunc-wizard/{deployment}:new: a container uses it." in dry.stdout
        assert other not in dry.stdout  # another deployment's images are not this prune's
        docker_engine.client.inspect_image(old_id)  # still there

        done = _cli("prune", deployment, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"Removed image mlfunc-wizard/{deployment}:old." in done.stdout
        ids = {i["Id"] for i in docker_engine.client.images(filters={"label": f"io.mlfunc.deployment={deployment}"})}
        assert ids == {new_id}
        docker_engine.client.inspect_image(other_id)
    finally:
        docker_engine.client.remove_container(container["Id"], force=True)
        for ref in (f"mlfunc-wizard/{deployment}:new", f"mlfunc-wizard/{deployment}:old", f"mlfunc-wizard/{other}:x"):
            try:
                docker_engine.client.remove_image(ref, force=True)
            except Exception:  # already removed by the prune under test
                pass


def test_an_environment_a_deploy_just_reused_is_kept_though_it_was_built_long_ago(tmp_path, wizard_home, monkeypatch):
    """A deploy that picks a cached environment has not journaled it yet: reusing it marks it used now, so a prune
    at that moment keeps it (it was judged by its build time alone, and removed under the deploy)."""
    from wizard.containers.env_prune import package_envs
    from wizard.targets.local.packaging import ready_env

    cache = tmp_path / "envs"
    cache.mkdir()
    monkeypatch.setenv("MLFUNC_WIZARD_ENV_CACHE", str(cache))
    old = _env(cache, "built an hour ago, reused now")
    assert [e.kept_by for e in package_envs() if e.folder == old] == [[]]  # unused: prune would remove it
    assert ready_env(old.name) == old  # what ensure_env does when a deploy reuses it
    [kept] = [e.kept_by for e in package_envs() if e.folder == old]
    assert kept and "reused" in kept[0]
