"""`mlfunc-wizard logs` of a container app (function.packaging docker): the container's output through the Docker
SDK, followed live until cancelled, `--since` read back by the engine; found by the labels the deploy gives it.
A real container of the local stand-in base image writes the lines (no app build: the log path is what is tested)."""

from __future__ import annotations

import threading
import time

import pytest

from tests.polling import wait_for
from wizard import deployment
from wizard.containers import containers as ctr
from wizard.profile import Profile
from wizard.secrets import registry
from wizard.targets.local import resource_group as rg

SECRET = "Ct9r" + "s" * 28 + "Qw3e"
TICKER = ("import sys, time\n"
          "sys.stdout.write('started with " + SECRET + "\\n'); sys.stdout.flush()\n"
          "i = 0\n"
          "while True:\n"
          "    sys.stdout.write(f'tick {i}\\n'); sys.stdout.flush(); i += 1; time.sleep(0.2)\n")


@pytest.fixture
def ticking_app(docker_engine, standin_base, wizard_home):
    profile = Profile(name="logs-docker", target="local")
    profile.resource_group.name = "rg-logs-docker"
    profile.function.app_name = "logs-docker-app"
    profile.function.packaging = "docker"
    rg.ensure_group(profile.resource_group.name, {}, profile.name)
    client = docker_engine.client
    created = client.create_container(
        standin_base, entrypoint=["python", "-u", "-c", TICKER], detach=True,
        name=ctr.container_name(profile.resource_group.name, profile.function.app_name),
        labels={ctr.OWNER_LABEL: "mlfunc-wizard", ctr.GROUP_LABEL: profile.resource_group.name,
                ctr.APP_LABEL: profile.function.app_name},
        host_config=client.create_host_config(init=True))
    client.start(created["Id"])
    try:
        yield profile
    finally:
        client.remove_container(created["Id"], force=True)  # the container this test created, by its id


def test_follows_the_containers_output_and_stops_on_cancel(ticking_app):
    registry.add(SECRET)
    cancel = threading.Event()
    seen: list = []
    errors: list = []

    def follow() -> None:
        try:
            for line in deployment.logs(ticking_app, follow=True, cancel_event=cancel):
                seen.append(line)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=follow, daemon=True)
    thread.start()
    try:
        wait_for(lambda: any(line.line == "tick 3" for line in seen), 60, "tick 3")
        first = max(int(line.line.split()[1]) for line in seen if line.line.startswith("tick"))
        wait_for(lambda: any(line.line == f"tick {first + 5}" for line in seen), 60, "lines written while following")
    finally:
        cancel.set()
        thread.join(timeout=20)
    assert not thread.is_alive(), "the container log stream did not stop after cancel"
    assert not errors, errors
    assert seen[0].source.startswith("container mlfunc-rg-logs-docker-logs-docker-app")
    assert all(line.time is not None for line in seen)  # the engine's timestamps
    ticks = [int(line.line.split()[1]) for line in seen if line.line.startswith("tick")]
    assert ticks == list(range(ticks[0], ticks[0] + len(ticks)))


def test_since_and_no_follow_read_what_the_engine_kept(ticking_app):
    registry.add(SECRET)
    wait_for(lambda: any(line.line == "tick 2" for line in
                         deployment.logs(ticking_app, since="1h", follow=False)), 60, "tick 2 in the kept output")
    kept = [line.line for line in deployment.logs(ticking_app, since="1h", follow=False)]
    assert kept[0] == f"started with {SECRET[:4]}…{SECRET[-4:]}" and SECRET not in "\n".join(kept)
    later = time.time() + 3600
    assert list(deployment.logs(ticking_app, since=later, follow=False)) == []
