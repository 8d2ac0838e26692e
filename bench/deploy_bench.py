"""Benchmark of a local deploy as a user runs it: profile -> first 200 through `invoke` (prints JSON).

It drives the real CLI (`python -m wizard`) in a private data folder, so nothing of the user's is touched:
  warm_deploy_s     a fresh deploy of examples/digits-local.json with the package cache warm, then `invoke`
                    until the first 200 (target <= 5 s on 2 cores)
  redeploy_noop_s   `deploy` again with everything in place (target <= 2 s)
The package environment cache is the user's (or $MLFUNC_WIZARD_ENV_CACHE): the first run builds it once,
outside the measurement. Every deployment made is destroyed. The last line printed is one JSON object.

Usage: .venv/bin/python bench/deploy_bench.py [--runs 3] [--quick] [--profile examples/digits-local.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGETS = {"warm_deploy_s": 5.0, "redeploy_noop_s": 2.0}


def say(message: str) -> None:
    sys.stderr.write(f"[deploy-bench] {message}\n")
    sys.stderr.flush()


def cli(env: dict[str, str], *args: str, timeout: float = 600) -> tuple[float, subprocess.CompletedProcess]:
    """Run one CLI command; returns (seconds, completed process)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "wizard", *args], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    return time.perf_counter() - started, done


def checked(step: str, result: tuple[float, subprocess.CompletedProcess]) -> float:
    seconds, done = result
    if done.returncode != 0:
        raise RuntimeError(f"{step} exited {done.returncode}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="measured deploys (default 3; the median is reported)")
    parser.add_argument("--quick", action="store_true", help="one measured run")
    parser.add_argument("--profile", default=str(REPO / "examples" / "digits-local.json"))
    args = parser.parse_args(argv)
    runs = 1 if args.quick else max(1, args.runs)
    profile_path = Path(args.profile).resolve()
    name = json.loads(profile_path.read_text(encoding="utf-8"))["name"]

    home = Path(tempfile.mkdtemp(prefix="mlfunc-deploy-bench-"))
    env = {**os.environ, "MLFUNC_WIZARD_HOME": str(home), "PYTHONPATH": str(REPO), "LANG": "C"}
    deployed = False
    try:
        # Warm the package cache (and the sample model) once; not measured.
        seconds = checked("warm-up deploy", cli(env, "deploy", str(profile_path), "--yes"))
        deployed = True
        say(f"warm-up deploy (may build the package environment): {seconds:.1f} s")
        checked("destroy", cli(env, "destroy", name, "--yes"))
        deployed = False

        warm: list[float] = []
        noop: list[float] = []
        deploy_only: list[float] = []
        invoke_only: list[float] = []
        for run in range(runs):
            started = time.perf_counter()
            deploy_s = checked("deploy", cli(env, "deploy", str(profile_path), "--yes"))
            deployed = True
            invoke_s, done = cli(env, "invoke", name)
            if done.returncode != 0:
                raise RuntimeError(f"invoke exited {done.returncode}: {done.stderr[-1000:]}")
            warm.append(time.perf_counter() - started)
            deploy_only.append(deploy_s)
            invoke_only.append(invoke_s)
            noop.append(checked("redeploy", cli(env, "deploy", str(profile_path), "--yes")))
            say(f"run {run + 1}: warm deploy + first 200 {warm[-1]:.2f} s (deploy {deploy_s:.2f} s, "
                f"invoke {invoke_s:.2f} s); no-op redeploy {noop[-1]:.2f} s")
            checked("destroy", cli(env, "destroy", name, "--yes"))
            deployed = False

        report = {
            "benchmark": "deploy",
            "profile": str(profile_path.relative_to(REPO)) if profile_path.is_relative_to(REPO) else str(profile_path),
            "runs": runs,
            "warm_deploy_s": round(statistics.median(warm), 2),
            "warm_deploy_s_runs": [round(v, 2) for v in warm],
            "deploy_command_s": round(statistics.median(deploy_only), 2),
            "first_invoke_s": round(statistics.median(invoke_only), 2),
            "redeploy_noop_s": round(statistics.median(noop), 2),
            "redeploy_noop_s_runs": [round(v, 2) for v in noop],
            "load_average_1m": round(os.getloadavg()[0], 2),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        }
        report["targets"] = {f"{key} <= {limit}": report[key] <= limit for key, limit in TARGETS.items()}
        report["targets_met"] = all(report["targets"].values())
        print(json.dumps(report))
        return 0 if report["targets_met"] else 1
    finally:
        if deployed:
            cli(env, "destroy", name, "--yes")
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
