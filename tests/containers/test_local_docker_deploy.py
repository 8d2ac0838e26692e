"""The local target with function.packaging = "docker", end to end with a real engine and a real redis-server:
deploy (image built on the local stand-in, build lines streamed as events), invoke MISS then HIT from the
container, adopt the running container by label when the journal is lost, destroy leaves no container.
Without an engine: the one sentence, exit 1, nothing created.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from datetime import datetime
from pathlib import Path

import pytest

from wizard import deployment
from wizard import profile as profiles
from wizard.core.events import StepEvent
from wizard.containers import containers as ctr
from wizard.containers.engine import NOT_RUNNING
from wizard.targets.local import resource_group as rg

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "digits-local-docker.json"


def _profile(tmp_path: Path, suffix: str) -> Path:
    data = json.loads(EXAMPLE.read_text())
    data["name"] = f"docker-{suffix}"
    data["resource_group"]["name"] = f"rg-docker-{suffix}"
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(data))
    return path


def _engine_time(stamp: str) -> float:
    # Docker's RFC 3339 with nanoseconds: keep microseconds for fromisoformat.
    head, _, frac = stamp.rstrip("Z").partition(".")
    return datetime.fromisoformat(f"{head}.{(frac or '0')[:6]}+00:00").timestamp()


def test_no_engine_says_the_sentence_exits_1_and_creates_nothing(tmp_path, wizard_home):
    path = _profile(tmp_path, "noengine")
    env = {k: v for k, v in os.environ.items() if k not in ("DOCKER_CONTEXT",)}
    env.update(DOCKER_HOST=f"unix://{tmp_path}/no-engine.sock", MLFUNC_WIZARD_HOME=str(wizard_home))
    done = subprocess.run([sys.executable, "-m", "wizard", "deploy", str(path)], capture_output=True, text=True,
                          timeout=120, cwd=REPO, env=env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert NOT_RUNNING in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert not rg.group_dir("rg-docker-noengine").exists()


@pytest.mark.slow
def test_deploy_streams_the_build_answers_miss_then_hit_adopts_and_destroys(docker_engine, standin_base, tmp_path):
    suffix = uuid.uuid4().hex[:6]
    profile = profiles.load(_profile(tmp_path, suffix))
    events: list[StepEvent] = []
    outcome = deployment.DeploymentRun(profile, events.append).run()
    try:
        assert outcome.ok, [(e.step, e.message, e.detail[-2000:]) for e in events if e.kind == "failed"]
        package_logs = [e for e in events if e.step == "package" and e.kind == "log"]
        texts = [e.message for e in package_logs]
        assert any(t.startswith("Base image: the local stand-in") for t in texts)
        build = [e for e in package_logs if e.message.startswith("Step ")]
        assert build and build[0].message.startswith("Step 1/")
        # In order, and the first build line reached the sink before the engine made the final image.
        times = [e.time for e in package_logs]
        assert times == sorted(times)
        # Each build's steps in order (a retried attempt after a transient error starts again at Step 1).
        attempts = [e.message for e in events if e.step == "package" and e.kind in ("retrying", "failed")]
        steps = [int(e.message.split("/")[0].split()[1]) for e in build]
        runs = [[]]  # type: list[list[int]]
        for n in steps:
            if n == 1 and runs[-1]:
                runs.append([])
            runs[-1].append(n)
        assert all(run == sorted(run) for run in runs) and len(runs) == len(attempts) + 1, (steps, attempts)
        pkg = outcome.outputs["package"]
        image = docker_engine.client.inspect_image(pkg["image_id"])
        assert build[0].time < _engine_time(image["Created"])
        labels = image["Config"]["Labels"]
        assert labels["io.mlfunc.model.version"] == pkg["model_version"] and labels["io.mlfunc.deployment"] == profile.name
        assert image["Architecture"] == "amd64"

        fresh = _fresh_input()  # the smoke test already cached the sample input
        first = deployment.invoke(profile.name, fresh)
        second = deployment.invoke(profile.name, fresh)
        assert (first.status, second.status) == (200, 200)
        assert first.x_cache == "MISS" and second.x_cache == "HIT" and first.json == second.json

        [container] = ctr.find(docker_engine, group=profile.resource_group.name)
        assert container.running and container.labels[ctr.DEPLOYMENT_LABEL] == profile.name

        # `status` lists the container like the host process line: name, short id, image, state, port.
        shown = subprocess.run([sys.executable, "-m", "wizard", "status", profile.name], capture_output=True,
                               text=True, timeout=120, cwd=REPO, env=dict(os.environ, LANG="C"))
        assert shown.returncode == 0, shown.stdout + shown.stderr
        [line] = [x for x in shown.stdout.splitlines() if x.strip().startswith("container ")]
        port = outcome.outputs["function-app"]["port"]
        for part in (container.name, f"id {container.id[:12]}", f"image {pkg['image']}", f"port {port}",
                     "running", "health ok"):
            assert part in line, (part, line)

        # The CLI died before journaling (kill -9): the next deploy adopts the container by its labels.
        journal = deployment.state_dir(profile.name) / "journal.json"
        journal.unlink()
        again = deployment.DeploymentRun(profile, lambda e: None).run()
        assert again.ok
        assert [c.id for c in ctr.find(docker_engine, group=profile.resource_group.name)] == [container.id]
        assert deployment.invoke(profile.name, _sample(profile)).x_cache == "HIT"
    finally:
        lines: list[str] = []
        deployment.destroy(profile.name, log=lines.append, cancel_event=threading.Event())
    assert ctr.find(docker_engine, group=profile.resource_group.name) == []
    assert not rg.group_dir(profile.resource_group.name).exists()
    assert any("are kept" in line for line in lines)
    drop_tags(docker_engine, profile.name)


def drop_tags(engine, deployment_name: str) -> None:
    """Remove a test deployment's image tags, keeping the untagged parents: the layer cache of later runs."""
    for tag in [t for img in engine.client.images(filters={"label": f"io.mlfunc.deployment={deployment_name}"})
                for t in img.get("RepoTags") or [] if t != "<none>:<none>"]:  # an untagged image lists this
        engine.client.remove_image(tag, noprune=True)


def _sample(profile):
    from wizard.appgen.samples import ensure_sample

    return ensure_sample("digits").sample_input


def _fresh_input() -> dict:
    """A digits row no earlier run cached (the cache key is the row's content)."""
    import random

    return {"data": [[float(random.randint(0, 16)) for _ in range(63)] + [random.random()]]}


@pytest.mark.slow
def test_deploy_killed_during_the_build_resumes_to_one_container(docker_engine, standin_base, tmp_path, wizard_home):
    """kill -9 of the CLI while Docker builds; the next deploy finishes with exactly one container."""
    import signal

    suffix = uuid.uuid4().hex[:6]
    path = _profile(tmp_path, suffix)
    profile = profiles.load(path)
    env = dict(os.environ, MLFUNC_WIZARD_HOME=str(wizard_home), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "wizard", "deploy", str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, cwd=REPO, env=env)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if "Step 1/" in line:  # the build has started
                break
        else:
            raise AssertionError("the deploy ended before its build started")
    finally:
        if proc.poll() is None and proc.pid > 0:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    try:
        done = subprocess.run([sys.executable, "-m", "wizard", "deploy", str(path)], capture_output=True, text=True,
                              timeout=600, cwd=REPO, env=env)
        assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
        found = ctr.find(docker_engine, group=profile.resource_group.name)
        assert len(found) == 1 and found[0].running
    finally:
        subprocess.run([sys.executable, "-m", "wizard", "destroy", profile.name, "--yes"], capture_output=True,
                       text=True, timeout=300, cwd=REPO, env=env)
        drop_tags(docker_engine, profile.name)
    assert ctr.find(docker_engine, group=profile.resource_group.name) == []
