"""Cold start of the generated app on the local functions host: `cold_start_first_answer_s`, the time from
starting the host process to the first 200 of /api/score, model load included (prints JSON as a script).

The host gets a port chosen beforehand, so the clock covers the interpreter start, the app import and the
model load; the client retries refused connections and 503s until the first 200.
Usage: .venv/bin/python bench/cold_start.py [--runs 3] [--sample digits-heavy]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

FUNCTION_KEY = "cold-start-function-key-7a6b5c4d"
TIMEOUT_S = 120.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _first_answer(port: int, body: bytes, deadline: float) -> int:
    """Status of one POST /api/score; 0 when the host does not accept connections yet."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=max(1.0, deadline - time.monotonic()))
    try:
        connection.request("POST", "/api/score", body=body, headers={"content-type": "application/json", "x-functions-key": FUNCTION_KEY})
        response = connection.getresponse()
        response.read()
        return response.status
    except (ConnectionRefusedError, ConnectionResetError, http.client.RemoteDisconnected):
        return 0
    finally:
        connection.close()


def cold_start_first_answer_s(app_dir: Path, env: dict[str, str], body: bytes, log_path: Path, python: str = sys.executable) -> float:
    """Seconds from starting a host for `app_dir` to its first 200 of /api/score; the host is stopped by PID after.

    `env` holds the app settings (REDIS_* for a cache, or none for no cache); the function key is added here."""
    port = _free_port()
    command = [python, "-m", "wizard.funchost", str(app_dir), "--port", str(port)]
    full_env = {**os.environ, **env, "MLFUNC_FUNCTION_KEY": FUNCTION_KEY, "PYTHONPATH": str(REPO)}
    with open(log_path, "ab") as log_file:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log_file, env=full_env)
    try:
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the host exited with {process.returncode}; see {log_path}")
            status = _first_answer(port, body, deadline)
            if status == 200:
                return time.perf_counter() - started
            if status not in (0, 503):
                raise RuntimeError(f"/api/score answered {status}; see {log_path}")
            time.sleep(0.005)
        raise RuntimeError(f"no 200 from /api/score within {TIMEOUT_S:.0f} s; see {log_path}")
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait(10)


def build_sample_app(sample: str, work: Path) -> tuple[Path, dict[str, str], bytes]:
    """The generated app for a sample model, its app settings (no cache) and a one-row score body."""
    from wizard.appgen.builder import app_settings, build_app
    from wizard.appgen.samples import ensure_sample
    from wizard.profile import Profile

    found = ensure_sample(sample)
    profile = Profile()
    profile.name = "cold-start-bench"
    profile.model.source = "sample"
    profile.model.sample = sample
    built = build_app(profile, work / "app")
    body = json.dumps({"data": [list(map(float, found.sample_input["data"][0]))]}).encode()
    return built.path, app_settings(profile, built), body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sample", default="digits-heavy")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mlfunc-cold-") as folder:
        work = Path(folder)
        app_dir, settings, body = build_sample_app(args.sample, work)
        runs = [round(cold_start_first_answer_s(app_dir, settings, body, work / "host.log"), 3) for _ in range(args.runs)]
    print(json.dumps({"sample": args.sample, "cold_start_first_answer_s": statistics.median(runs), "runs_s": runs}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
