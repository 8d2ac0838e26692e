"""Benchmark of the function app image (prints JSON): build cache reuse, what the image adds, cold start, live output.

  warm_over_cold_build  rebuild after changing only the model file / a build without the layer cache (target <= 0.25)
  image_overhead_mb     image size - base image size - installed requirements (what we add: code, model) (<= 5)
  cold_start_s          `docker run` to the first 200 from /api/score (as runtime_bench's cold_start_first_answer_s)
  first_log_line_s      build start to the first build line reaching the caller (target <= 1): the CLI-style
                        "Sending build context" line; first_engine_line_s: to the engine's first line (Step 1/N)
  host_change_over_cold_build  after a change of the local functions host (a stand-in base with a new host layer):
                        the stand-in rebuild plus the app image rebuild / the cold build (requirements stay cached)
Same engine, same run; the base is the local stand-in (MLFUNC_WIZARD_BASE_IMAGE=stand-in: never pulls), the
wheelhouse comes from the per-machine cache. Every image and container made here is removed at the end.
Progress goes to stderr; the last line printed is one JSON object. `--quick`: one round (about a minute warm).

Usage: .venv/bin/python bench/image_bench.py [--quick]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ["MLFUNC_WIZARD_BASE_IMAGE"] = "stand-in"


def err(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post_score(port: int, key: str, body: bytes) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("POST", "/api/score", body=body, headers={"Content-Type": "application/json", "x-functions-key": key})
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()


def layer_size(engine, image_id: str, marker: str) -> int:
    return sum(h["Size"] for h in engine.client.history(image_id) if marker in (h.get("CreatedBy") or ""))


def host_change_build(engine, app: Path, tag: str) -> tuple[float, list[str]]:
    """Seconds to rebuild the stand-in and the app image after an edit of the functions host; the images made."""
    from wizard.containers import base_image
    from wizard.containers.app_image import build_app_image

    source, files, entry = base_image.host_source()
    with tempfile.TemporaryDirectory(prefix="mlfunc-bench-host-") as tmp:
        changed = Path(tmp)
        for path in files:
            shutil.copyfile(path, changed / path.name)
        with (changed / entry).open("a", encoding="utf-8") as fh:
            fh.write(f"\n# bench host edit {uuid.uuid4()}\n")
        original = base_image.host_source
        base_image.host_source = lambda: (changed, sorted(changed / p.name for p in files), entry)
        latest = engine.client.inspect_image(f"{base_image.STANDIN_REPO}:latest")["Id"]
        try:
            started = time.monotonic()
            ref = base_image.ensure_standin(engine, log=lambda line: None)
            build_app_image(engine, app, tag=f"{tag}-host2", base_image=ref, python_version="3.11",
                            deployment="image-bench", on_line=lambda line: None, log=lambda line: None)
            return time.monotonic() - started, [f"{tag}-host2", ref]
        finally:
            base_image.host_source = original
            engine.client.tag(latest, base_image.STANDIN_REPO, "latest")  # ensure_standin moved it


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one round instead of three")
    args = parser.parse_args()
    rounds = 1 if args.quick else 3

    from wizard import profile as profiles
    from wizard.appgen import samples
    from wizard.appgen.builder import build_app
    from wizard.containers import containers as ctr
    from wizard.containers.app_image import build_app_image
    from wizard.containers.base_image import ensure_base_image
    from wizard.containers.engine import EngineUnavailable, connect

    try:
        engine = connect()
    except EngineUnavailable as exc:
        err(exc.message + " (or start the private engine: sudo scripts/docker-engine.sh start)")
        print(json.dumps({"error": exc.message}))
        return 1
    work = Path(tempfile.mkdtemp(prefix="mlfunc-image-bench-"))
    os.environ.setdefault("MLFUNC_WIZARD_HOME", str(work / "home"))
    made_images: list[str] = []
    made_containers: list[str] = []
    results: dict[str, list[float]] = {"warm_over_cold_build": [], "image_overhead_mb": [], "cold_start_s": [],
                                       "first_log_line_s": [], "first_engine_line_s": [], "cold_build_s": [], "warm_build_s": [],
                                       "host_change_over_cold_build": [], "host_change_build_s": []}
    try:
        t = time.monotonic()
        base = ensure_base_image(engine, "3.11", log=lambda line: None, cancel_event=threading.Event())
        err(f"base {base.ref} ready in {time.monotonic() - t:.1f} s")
        app = work / "app"
        build_app(profiles.load(REPO / "examples" / "digits-local-docker.json"), app)
        other_model = samples.ensure_sample("digits-heavy").model_path
        for r in range(rounds):
            tag = f"mlfunc-wizard/image-bench:{uuid.uuid4().hex[:8]}"
            first_line: list[float] = []
            first_engine: list[float] = []
            started = time.monotonic()

            def on_line(line: str, first_line=first_line, first_engine=first_engine) -> None:
                if not first_line:
                    first_line.append(time.monotonic())
                if not first_engine and line.startswith("Step 1/"):
                    first_engine.append(time.monotonic())

            cold = build_app_image(engine, app, tag=tag, base_image=base.ref, python_version="3.11",
                                   deployment="image-bench", on_line=on_line, log=lambda line: None, nocache=True)
            cold_s = time.monotonic() - started
            made_images.append(tag)
            results["first_log_line_s"].append(first_line[0] - started)
            results["first_engine_line_s"].append(first_engine[0] - started)
            results["cold_build_s"].append(cold_s)

            # Only the model changes: the requirements layers must come from the cache.
            shutil.copyfile(other_model, app / "model" / "model.pkl")
            (app / "model" / "model.pkl").write_bytes((app / "model" / "model.pkl").read_bytes() + secrets.token_bytes(8))
            tag2 = f"{tag}-model2"
            started = time.monotonic()
            build_app_image(engine, app, tag=tag2, base_image=base.ref, python_version="3.11",
                            deployment="image-bench", on_line=lambda line: None, log=lambda line: None)
            warm_s = time.monotonic() - started
            made_images.append(tag2)
            results["warm_build_s"].append(warm_s)
            results["warm_over_cold_build"].append(warm_s / cold_s)

            # Only the functions host changes: a new stand-in (a thin host layer) and an app image on it.
            host_s, host_images = host_change_build(engine, app, tag)
            made_images.extend(host_images)
            results["host_change_build_s"].append(host_s)
            results["host_change_over_cold_build"].append(host_s / cold_s)

            image = engine.client.inspect_image(cold.image_id)
            base_size = engine.client.inspect_image(base.ref)["Size"]
            deps = layer_size(engine, cold.image_id, "/home/site/wwwroot/.python_packages")  # COPY --from=deps
            results["image_overhead_mb"].append((image["Size"] - base_size - deps) / 1e6)

            # Cold start: docker run -> first 200 from /api/score (no cache configured: the model answers).
            port, key = free_port(), secrets.token_urlsafe(16)
            body = json.dumps({"data": [samples.ensure_sample("digits").sample_input["data"][0]]}).encode()
            started = time.monotonic()
            container = ctr.run(engine, image=cold.image_id, name=f"mlfunc-image-bench-{uuid.uuid4().hex[:8]}",
                                env={"MLFUNC_FUNCTION_KEY": key, "MLFUNC_MASTER_KEY": key + "m"},
                                labels={ctr.GROUP_LABEL: "image-bench", ctr.APP_LABEL: "image-bench"}, port=port)
            made_containers.append(container.id)
            status = 0
            while time.monotonic() - started < 120:
                try:
                    status = post_score(port, key, body)
                except (OSError, http.client.HTTPException):
                    status = 0
                if status == 200:
                    break
                time.sleep(0.02)
            if status != 200:
                raise RuntimeError(f"the container did not answer 200 ({status}): {ctr.logs_tail(engine, container.id)}")
            results["cold_start_s"].append(time.monotonic() - started)
            engine.client.remove_container(container.id, force=True)
            made_containers.remove(container.id)
            build_app(profiles.load(REPO / "examples" / "digits-local-docker.json"), app)  # back to the first model
            err(f"round {r + 1}/{rounds}: cold {cold_s:.1f} s, model-only {warm_s:.1f} s, host change {host_s:.1f} s, "
                f"cold start {results['cold_start_s'][-1]:.2f} s, first line {results['first_log_line_s'][-1]:.2f} s")
    finally:
        for cid in made_containers:
            engine.client.remove_container(cid, force=True)
        for tag in made_images:
            try:
                engine.client.remove_image(tag, force=True)
            except Exception:
                pass
        engine.close()
        shutil.rmtree(work, ignore_errors=True)
    summary = {name: round(statistics.median(values), 3) for name, values in results.items()}
    summary.update({"rounds": rounds, "base_image": base.ref, "base_kind": base.kind, "cpus": os.cpu_count(),
                    "targets": {"warm_over_cold_build": "<= 0.25", "image_overhead_mb": "<= 5", "first_log_line_s": "<= 1"}})
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
