"""Engine benchmark: an Azure-shaped plan whose steps wait in proportion to real Azure durations, run
through the real engine; prints wall time against the critical path and the sequential sum (last line JSON).

Usage: python bench/engine_bench.py [--scale SECONDS_PER_MINUTE] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wizard.core.engine import Engine  # noqa: E402
from wizard.core.events import StepEvent  # noqa: E402
from wizard.core.plan import Plan  # noqa: E402
from wizard.profile import Profile  # noqa: E402
from wizard.targets.base import Step, StepContext  # noqa: E402

# (name, minutes on Azure, needs) — durations as observed for the real resources.
AZURE_SHAPE: list[tuple[str, float, tuple[str, ...]]] = [
    ("resource-group", 0.1, ()),
    ("cache", 20.0, ("resource-group",)),
    ("cache-access", 0.2, ("cache",)),
    ("storage", 1.0, ("resource-group",)),
    ("registry", 0.5, ("resource-group",)),
    ("image", 8.0, ("registry",)),
    ("plan", 1.0, ("resource-group",)),
    ("function-app", 2.0, ("plan", "storage", "image")),
    ("app-settings", 0.5, ("function-app", "cache-access")),
    ("function-keys", 0.1, ("function-app",)),
    ("smoke-test", 0.2, ("app-settings", "function-keys")),
]


class Sleep:
    """A step that takes its time the way real steps do: a cancellable wait with progress reports."""

    def __init__(self, seconds: float):
        self.seconds = seconds

    def existing(self, ctx: StepContext) -> dict[str, Any] | None:
        return None

    def run(self, ctx: StepContext) -> dict[str, Any]:
        ctx.report(0.0, "creating")
        ctx.wait(self.seconds)
        ctx.report(1.0, "created")
        return {"waited_s": self.seconds}


def build_plan(scale: float) -> Plan:
    steps = [Step(name=name, title=f"Create {name}", creates=name, needs=needs, action=Sleep(minutes * scale),
                  estimate_s=minutes * scale) for name, minutes, needs in AZURE_SHAPE]
    return Plan(steps, target="bench")


def run_once(scale: float) -> dict[str, float]:
    plan = build_plan(scale)
    events: list[StepEvent] = []
    lock = threading.Lock()

    def sink(event: StepEvent) -> None:
        with lock:
            events.append(event)

    with tempfile.TemporaryDirectory() as state:
        start = time.perf_counter()
        outcome = Engine(plan, Profile(name="bench"), Path(state), sink).run()
        wall = time.perf_counter() - start
    if not outcome.ok:
        raise SystemExit(f"benchmark plan failed: {outcome.failed}")
    return {"wall_s": wall, "events": float(len(events))}


def cancel_latency(scale: float) -> float:
    """Seconds from cancel() to run() returning, cancelled while the long cache step waits."""
    plan = build_plan(scale)
    with tempfile.TemporaryDirectory() as state:
        engine = Engine(plan, Profile(name="bench"), Path(state), lambda event: None)
        returned: list[float] = []
        runner = threading.Thread(target=lambda: (engine.run(), returned.append(time.perf_counter())))
        runner.start()
        time.sleep(min(1.0, plan.critical_path_s() / 4))
        asked = time.perf_counter()
        engine.cancel()
        runner.join()
    return returned[0] - asked


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1, help="seconds per Azure minute (default 0.1)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    plan = build_plan(args.scale)
    critical = plan.critical_path_s()
    sequential = plan.sequential_s()
    walls = [run_once(args.scale)["wall_s"] for _ in range(args.repeat)]
    wall = max(walls)  # the worst run is the one a user might get
    cancel_s = cancel_latency(args.scale)
    print(f"steps: {len(plan.steps)}; 1 Azure minute = {args.scale} s")
    print("critical path: " + " -> ".join(s.name for s in plan.critical_path()))
    print(f"critical path {critical:.3f} s, sequential sum {sequential:.3f} s")
    print("wall times: " + ", ".join(f"{w:.3f} s" for w in walls))
    print(f"cancel -> run() returned in {cancel_s * 1000:.0f} ms (target < 1000 ms)")
    print(f"worst wall / critical path = {wall / critical:.3f} (target <= 1.1); wall / sequential = {wall / sequential:.3f}")
    result = {
        "bench": "engine",
        "scale_s_per_min": args.scale,
        "steps": len(plan.steps),
        "repeat": args.repeat,
        "critical_path_s": round(critical, 4),
        "sequential_s": round(sequential, 4),
        "wall_s": round(wall, 4),
        "wall_s_runs": [round(w, 4) for w in walls],
        "wall_over_critical_path": round(wall / critical, 4),
        "wall_over_sequential": round(wall / sequential, 4),
        "target_wall_over_critical_path": 1.1,
        "meets_target": wall <= 1.1 * critical,
        "cancel_to_return_s": round(cancel_s, 4),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
