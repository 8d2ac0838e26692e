"""The engine benchmark runs and ends with one JSON object carrying its ratios (speed itself is not asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_engine_bench_prints_its_ratios_as_the_last_line():
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "engine_bench.py"), "--scale", "0.005", "--repeat", "1"],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["steps"] == 11
    assert result["critical_path_s"] < result["sequential_s"]
    assert result["wall_over_critical_path"] > 0 and result["wall_over_sequential"] > 0
    assert "critical path: resource-group -> cache -> cache-access -> app-settings -> smoke-test" in done.stdout
