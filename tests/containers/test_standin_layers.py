"""A change of the local functions host (wizard/funchost) gives a new stand-in base whose host is a thin layer on top
of an unchanged runtime image, and an app image on it differs from the previous one only in its last (host) layers:
the app is built on the runtime and the host goes on top, so the requirements install and every app layer come
from the layer cache. Timings are printed, not asserted."""

from __future__ import annotations

import json
import shutil
import time
import uuid
from pathlib import Path

from wizard import profile as profiles
from wizard.appgen.builder import build_app
from wizard.containers import base_image
from wizard.containers.app_image import build_app_image

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "digits-local-docker.json"


def _app(tmp_path: Path) -> tuple[Path, str]:
    data = json.loads(EXAMPLE.read_text())
    data["name"] = f"layers-{uuid.uuid4().hex[:6]}"
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(data))
    app_dir = tmp_path / "app"
    build_app(profiles.load(path), app_dir)
    return app_dir, data["name"]


def _pip_step_cached(lines: list[str]) -> bool:
    at = next(i for i, line in enumerate(lines) if "RUN if ls /build/*.whl" in line)
    return lines[at + 1].strip() == "---> Using cache"


def test_a_host_change_rebuilds_the_host_layer_not_the_dependency_install(docker_engine, standin_base, tmp_path,
                                                                          monkeypatch):
    app_dir, name = _app(tmp_path)
    engine = docker_engine
    tags: list[str] = []
    new_ref = ""
    try:
        first: list[str] = []
        tags.append(f"mlfunc-wizard/{name}:before")
        build_app_image(engine, app_dir, tag=tags[-1], base_image=standin_base, python_version="3.11",
                        deployment=name, on_line=first.append)

        # Edit the host as a developer would: a copy of it with one more line.
        source, files, entry = base_image.host_source()
        changed = tmp_path / "host"
        shutil.copytree(source, changed, ignore=shutil.ignore_patterns("__pycache__"))
        with (changed / entry).open("a", encoding="utf-8") as fh:
            fh.write(f"\n# host edit {uuid.uuid4()}\n")
        monkeypatch.setattr(base_image, "host_source",
                            lambda: (changed, sorted(changed / f.name for f in files), entry))
        started = time.monotonic()
        standin_lines: list[str] = []
        new_ref = base_image.ensure_standin(engine, log=standin_lines.append)
        standin_s = time.monotonic() - started
        assert new_ref != standin_base

        # The new stand-in shares every layer of the old one but its host layers (two COPYs at most).
        old_layers = engine.client.inspect_image(standin_base)["RootFS"]["Layers"]
        new_layers = engine.client.inspect_image(new_ref)["RootFS"]["Layers"]
        shared = 0
        for a, b in zip(old_layers, new_layers):
            if a != b:
                break
            shared += 1
        assert len(new_layers) - shared <= 2, (len(old_layers), len(new_layers), shared)

        second: list[str] = []
        tags.append(f"mlfunc-wizard/{name}:after")
        started = time.monotonic()
        build_app_image(engine, app_dir, tag=tags[-1], base_image=new_ref, python_version="3.11",
                        deployment=name, on_line=second.append)
        app_s = time.monotonic() - started
        assert _pip_step_cached(second), "\n".join(second[-40:])
        before = engine.client.inspect_image(tags[0])["RootFS"]["Layers"]
        after = engine.client.inspect_image(tags[1])["RootFS"]["Layers"]
        same = 0
        for a, b in zip(before, after):
            if a != b:
                break
            same += 1
        assert len(after) == len(before) and len(after) - same <= 2, (len(before), len(after), same)
        print(f"host change: stand-in rebuilt in {standin_s:.1f} s, app image rebuilt in {app_s:.1f} s")
    finally:
        for tag in tags:
            try:
                engine.client.remove_image(tag, noprune=True)
            except Exception:  # the build under test may have failed before tagging it
                pass
        if new_ref and new_ref != standin_base:
            engine.client.remove_image(new_ref, noprune=True)
            engine.client.tag(standin_base, base_image.STANDIN_REPO, "latest")  # ensure_standin moved :latest
