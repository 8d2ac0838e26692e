"""Benchmark of the generated function app on the local host with a real redis-server (prints JSON).

One run starts redis-server and two hosts (python -m wizard.appgen.host): the generated app for the
digits-heavy sample, and a "ceiling" app whose handler does one Redis GET and returns it. A bounded
closed-loop client (threads, one keep-alive connection each) measures:
  ceiling       the host stack + one Redis GET (the best a cached answer can do)
  hit           the same input again and again (all answers from Redis)
  miss          unique inputs (every answer from the heavy model)
  redis_down    unique inputs after redis-server was stopped (fail open: connection refused)
  redis_frozen  unique inputs while redis-server is paused with SIGSTOP (fail open: timeouts + breaker)
Compared scenarios run interleaved in short rounds (ceiling/hit pairs; miss/down alternating), so
other load on the machine hits both sides alike; hit/ceiling is the median of the per-round ratios,
and hit_over_ceiling_capacity_by_cpu gives the same comparison from the host's own CPU time.
Targets: hit/ceiling throughput >= 0.8; hit p50 <= 0.2 x miss p50; redis_down p99 <= miss p99 + 150 ms
with no failed requests. Progress goes to stderr; the last line printed is one JSON object.
`--quick` finishes in under a minute. Every process started is stopped by PID, also on Ctrl-C.

Usage: .venv/bin/python bench/runtime_bench.py [--quick] [--concurrency 4] [--tls]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import select
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from wizard.appgen.builder import app_settings, build_app  # noqa: E402
from wizard.appgen.samples import ensure_sample  # noqa: E402
from wizard.profile import Profile  # noqa: E402
from wizard.targets.local.redis import RedisSpec, RunningCache, start_cache  # noqa: E402

FUNCTION_KEY = "bench-function-key-0f1e2d3c4b5a"
READY_PREFIX = "mlfunc-host listening on "
STOP = threading.Event()  # set on Ctrl-C / SIGTERM: load threads finish their request and end
CEILING_KEY = "mlfunc-bench:ceiling"

CEILING_APP = textwrap.dedent(
    '''
    """Ceiling for the benchmark: the same host stack, one Redis GET per request, nothing else."""
    import os

    import azure.functions as func
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)
    # Generous timeouts: the ceiling is the best case; it must not fail when the machine is busy.
    timeout = 2.0
    client = redis.Redis(
        host=os.environ["REDIS_HOST"],
        port=int(os.environ["REDIS_PORT"]),
        password=os.environ.get("REDIS_PASSWORD") or None,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
    )


    @app.route(route="score", methods=["POST"])
    def score(req: func.HttpRequest) -> func.HttpResponse:
        req.get_body()
        value = client.get("%s")
        return func.HttpResponse(value, mimetype="application/json", headers={"X-Cache": "HIT"})
    '''
    % CEILING_KEY
)


@dataclass
class Host:
    process: subprocess.Popen
    port: int
    log_path: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


@dataclass
class Result:
    latencies_ms: list[float] = field(default_factory=list)
    failed: int = 0
    failures: dict[str, int] = field(default_factory=dict)
    x_cache: dict[str, int] = field(default_factory=dict)
    wall_s: float = 0.0
    server_cpu_s: float = 0.0  # CPU the host process spent meanwhile (robust against other load)

    def add(self, other: "Result") -> None:
        self.latencies_ms.extend(other.latencies_ms)
        self.failed += other.failed
        self.wall_s += other.wall_s
        self.server_cpu_s += other.server_cpu_s
        for kind, count in other.failures.items():
            self.failures[kind] = self.failures.get(kind, 0) + count
        for state, count in other.x_cache.items():
            self.x_cache[state] = self.x_cache.get(state, 0) + count

    def summary(self) -> dict:
        ordered = sorted(self.latencies_ms)

        def pct(p: float) -> float:
            if not ordered:
                return float("nan")
            return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 2)

        ok = len(ordered)
        return {
            "requests": ok + self.failed,
            "ok": ok,
            "failed": self.failed,
            "failures": self.failures,
            "rps": round(ok / self.wall_s, 1) if self.wall_s else 0.0,
            "p50_ms": pct(50),
            "p90_ms": pct(90),
            "p99_ms": pct(99),
            "max_ms": round(ordered[-1], 2) if ordered else float("nan"),
            "wall_s": round(self.wall_s, 2),
            "host_cpu_ms_per_request": round(self.server_cpu_s * 1000 / ok, 3) if ok else None,
            "x_cache": self.x_cache,
        }


def say(message: str) -> None:
    sys.stderr.write(f"[bench] {message}\n")
    sys.stderr.flush()


def start_host(app_dir: Path, env: dict[str, str], log_path: Path) -> Host:
    full_env = {**os.environ, **env, "PYTHONPATH": str(REPO)}
    with open(log_path, "ab") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "wizard.appgen.host", str(app_dir), "--port", "0"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=log_file,
            env=full_env,
        )
    assert process.stdout is not None
    deadline = time.monotonic() + 60
    line = b""
    while time.monotonic() < deadline and process.poll() is None:
        if select.select([process.stdout], [], [], 0.1)[0]:
            line = process.stdout.readline()
            break
    text = line.decode().strip()
    if not text.startswith(READY_PREFIX):
        if process.poll() is None:
            process.kill()
        raise RuntimeError(f"host for {app_dir} did not start; see {log_path}:\n{log_path.read_text()[-2000:]}")
    return Host(process, int(text.rsplit(":", 1)[1]), log_path)


def connect(port: int) -> http.client.HTTPConnection:
    """A keep-alive connection with Nagle off: http.client sends headers and body in two writes,
    and Nagle + delayed ACK would add ~40 ms to every request (real clients such as urllib3 do the same)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.connect()
    connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return connection


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process used so far (Linux /proc; 0.0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_load(port: int, bodies: list[bytes], concurrency: int, cap_s: float, server_pid: int | None = None) -> Result:
    """Closed loop: `concurrency` threads, each on its own keep-alive connection, send bodies[i] in turn."""
    result = Result()
    lock = threading.Lock()
    next_index = [0]
    deadline = time.monotonic() + cap_s
    headers = {"content-type": "application/json", "x-functions-key": FUNCTION_KEY}

    def take() -> int | None:
        if STOP.is_set():
            return None
        with lock:
            i = next_index[0]
            if i >= len(bodies) or time.monotonic() > deadline:
                return None
            next_index[0] += 1
            return i

    def note_failure(kind: str) -> None:
        with lock:
            result.failed += 1
            result.failures[kind] = result.failures.get(kind, 0) + 1

    def worker() -> None:
        connection: http.client.HTTPConnection | None = None
        latencies: list[float] = []
        caches: dict[str, int] = {}
        try:
            while (i := take()) is not None:
                started = time.perf_counter()
                try:
                    if connection is None:
                        connection = connect(port)
                    connection.request("POST", "/api/score", body=bodies[i], headers=headers)
                    response = connection.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException) as exc:
                    note_failure(type(exc).__name__)
                    if connection is not None:
                        connection.close()
                    connection = None  # a new connection for the next request
                    continue
                elapsed = (time.perf_counter() - started) * 1000
                if response.status != 200:
                    note_failure(f"HTTP {response.status}")
                    continue
                latencies.append(elapsed)
                state = response.getheader("x-cache", "-")
                caches[state] = caches.get(state, 0) + 1
        finally:
            if connection is not None:
                connection.close()
            with lock:
                result.latencies_ms.extend(latencies)
                for state, count in caches.items():
                    result.x_cache[state] = result.x_cache.get(state, 0) + count

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    cpu_before = cpu_seconds(server_pid) if server_pid else 0.0
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.wall_s = time.perf_counter() - started
    if server_pid:
        result.server_cpu_s = cpu_seconds(server_pid) - cpu_before
    return result


def unique_bodies(base_rows: list[list[float]], count: int, salt: int) -> list[bytes]:
    """One-row requests that are all different (new cache keys), cycling over the sample rows."""
    bodies = []
    for i in range(count):
        row = list(base_rows[i % len(base_rows)])
        row[0] = row[0] + (salt * 1_000_000 + i + 1) * 1e-9
        bodies.append(json.dumps({"data": [row]}).encode())
    return bodies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a shorter run (under a minute)")
    parser.add_argument("--concurrency", type=int, default=4, help="client connections (default 4: 2 per core here)")
    parser.add_argument("--tls", action="store_true", help="talk to Redis over TLS (default: plain port)")
    args = parser.parse_args(argv)

    # Request counts per scenario, split into interleaved rounds; `cap` bounds each load run's wall time.
    if args.quick:
        fast_n, fast_rounds, slow_n, slow_rounds, cap = 1800, 9, 100, 2, 10.0
    else:
        fast_n, fast_rounds, slow_n, slow_rounds, cap = 10500, 35, 600, 4, 60.0
    work = Path(tempfile.mkdtemp(prefix="mlfunc-bench-"))
    hosts: list[Host] = []
    cache: RunningCache | None = None
    frozen = False

    def on_sigterm(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_sigterm)
    # Started in the background by a shell, SIGINT may arrive ignored; Ctrl-C must still clean up.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        started = time.perf_counter()
        sample = ensure_sample("digits-heavy")
        rows = [list(map(float, r)) for r in sample.sample_input["data"]]
        say(f"sample {sample.name} {sample.version}: {len(rows)} rows")
        cache = start_cache(RedisSpec(tls=args.tls), work / "redis")
        say(f"redis-server on port {cache.port} (pids {cache.pids})")
        cache.client().set(CEILING_KEY, json.dumps({"result": [0]}))

        profile = Profile()
        profile.name = "runtime-bench"
        profile.model.source = "sample"
        profile.model.sample = "digits-heavy"
        built = build_app(profile, work / "app")
        redis_env = {"REDIS_HOST": cache.host, "REDIS_PORT": str(cache.port), "REDIS_SSL": "true" if args.tls else "false"}
        if args.tls and cache.ca_file:
            redis_env["REDIS_CA_FILE"] = str(cache.ca_file)
        if cache.password:
            redis_env["REDIS_PASSWORD"] = cache.password
        env = {**app_settings(profile, built), **redis_env, "MLFUNC_FUNCTION_KEY": FUNCTION_KEY}
        ceiling_dir = work / "ceiling"
        ceiling_dir.mkdir()
        (ceiling_dir / "function_app.py").write_text(CEILING_APP)
        if args.tls:
            # The ceiling app connects like the runtime does: TLS with the cache's CA.
            (ceiling_dir / "function_app.py").write_text(
                CEILING_APP.replace("retry=Retry(NoBackoff(), 0),", f"retry=Retry(NoBackoff(), 0), ssl=True, ssl_ca_certs={str(cache.ca_file)!r},")
            )
        app_host = start_host(built.path, env, work / "app-host.log")
        hosts.append(app_host)
        ceiling_host = start_host(ceiling_dir, env, work / "ceiling-host.log")
        hosts.append(ceiling_host)
        say(f"hosts up: app on {app_host.port}, ceiling on {ceiling_host.port} ({time.perf_counter() - started:.1f}s)")

        hit_body = json.dumps({"data": [rows[0]]}).encode()
        results = {name: Result() for name in ("ceiling", "hit", "miss", "redis_down", "redis_frozen")}
        salts = iter(range(1, 1000))

        def measure(name: str, port: int, bodies: list[bytes], keep: bool = True) -> Result:
            host = ceiling_host if port == ceiling_host.port else app_host
            part = run_load(port, bodies, args.concurrency, cap, server_pid=host.process.pid)
            if keep:
                results[name].add(part)
            s = part.summary()
            say(f"{name:13s} {s['ok']:5d} ok {s['failed']:3d} failed  {s['rps']:8.1f} req/s  p50 {s['p50_ms']:7.2f} ms  p99 {s['p99_ms']:7.2f} ms  {s['x_cache']}")
            return part

        def wait_cache_ok() -> None:
            # After Redis is back, the breaker closes at its next probe (cool-down 5 s by default).
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                connection = connect(app_host.port)
                try:
                    connection.request("GET", "/api/health")
                    if json.loads(connection.getresponse().read()).get("cache") == "ok":
                        return
                finally:
                    connection.close()
                time.sleep(0.2)
            raise RuntimeError("the app did not use Redis again within 30 s after it came back")

        # Warm-up (not measured): connections, worker threads, code paths, one MISS for the hit input.
        run_load(ceiling_host.port, [hit_body] * 200, args.concurrency, cap)
        run_load(app_host.port, [hit_body] * 200, args.concurrency, cap)
        run_load(app_host.port, unique_bodies(rows, 16, salt=next(salts)), args.concurrency, cap)

        # Other work on the machine changes over time: interleave the scenarios that are compared,
        # in short rounds with alternating order, so each pair sees the same conditions.
        round_ratios: list[float] = []
        discarded_rounds = 0
        for round_index in range(fast_rounds):
            pair = [("ceiling", ceiling_host.port), ("hit", app_host.port)]
            done = {}
            for name, port in pair if round_index % 2 == 0 else reversed(pair):
                done[name] = measure(name, port, [hit_body] * (fast_n // fast_rounds), keep=False)
            if set(done["hit"].x_cache) != {"HIT"}:
                # Redis answered slower than CACHE_TIMEOUT_MS (the machine was busy), the breaker
                # opened and the app answered from the model: this round did not measure hits.
                discarded_rounds += 1
                say("round discarded: the hit run was not all hits")
                continue
            for name, part in done.items():
                results[name].add(part)
            round_ratios.append(done["hit"].summary()["rps"] / done["ceiling"].summary()["rps"])

        def miss_round() -> None:
            measure("miss", app_host.port, unique_bodies(rows, slow_n // slow_rounds, salt=next(salts)))

        def down_round() -> None:
            nonlocal cache
            cache.stop()  # gone: connections are refused at once
            measure("redis_down", app_host.port, unique_bodies(rows, slow_n // slow_rounds, salt=next(salts)))
            cache = cache.restart()
            wait_cache_ok()

        for round_index in range(slow_rounds):
            for step in (miss_round, down_round) if round_index % 2 == 0 else (down_round, miss_round):
                step()
            # Paused, not gone: requests wait for the 100 ms timeout until the breaker opens.
            for pid in cache.pids:
                os.kill(pid, signal.SIGSTOP)
            frozen = True
            measure("redis_frozen", app_host.port, unique_bodies(rows, slow_n // slow_rounds, salt=next(salts)))
            for pid in cache.pids:
                os.kill(pid, signal.SIGCONT)
            frozen = False
            wait_cache_ok()
        scenarios = {name: result.summary() for name, result in results.items()}
        for name, summary in scenarios.items():
            say(f"TOTAL {name:13s} {summary['ok']:5d} ok {summary['failed']:3d} failed  {summary['rps']:8.1f} req/s  p50 {summary['p50_ms']:7.2f} ms  p99 {summary['p99_ms']:7.2f} ms  host CPU {summary['host_cpu_ms_per_request']} ms/req")

        hit, ceiling, miss, down = scenarios["hit"], scenarios["ceiling"], scenarios["miss"], scenarios["redis_down"]
        failed = sum(s["failed"] for s in scenarios.values())
        report = {
            "benchmark": "runtime",
            "quick": args.quick,
            "concurrency": args.concurrency,
            "rows_per_request": 1,
            "rounds": {"ceiling_hit": fast_rounds, "miss_down_frozen": slow_rounds},
            "redis_tls": args.tls,
            "model": f"{sample.name} {sample.version}",
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
            "scenarios": scenarios,
            # Median of the per-round ratios: each round measures both back to back, so a change in
            # other load on the machine affects one round, not the result.
            "hit_over_ceiling_throughput": round(statistics.median(round_ratios), 3) if round_ratios else 0.0,
            "hit_rounds_discarded": discarded_rounds,
            "hit_over_ceiling_throughput_pooled": round(hit["rps"] / ceiling["rps"], 3),
            "hit_over_ceiling_throughput_rounds": [round(r, 3) for r in round_ratios],
            "hit_over_miss_p50": round(hit["p50_ms"] / miss["p50_ms"], 4),
            "down_p99_minus_miss_p99_ms": round(down["p99_ms"] - miss["p99_ms"], 2),
            "frozen_p99_minus_miss_p99_ms": round(scenarios["redis_frozen"]["p99_ms"] - miss["p99_ms"], 2),
            "failed_requests": failed,
            # Noise-robust companion of the throughput ratio: what one host core could serve,
            # from the CPU time the host process itself used (other load on the machine hardly moves it).
            "hit_over_ceiling_capacity_by_cpu": round(ceiling["host_cpu_ms_per_request"] / hit["host_cpu_ms_per_request"], 3),
            "load_average_1m": round(os.getloadavg()[0], 2),
            "down_failed_requests": down["failed"] + scenarios["redis_frozen"]["failed"],
            "elapsed_s": round(time.perf_counter() - started, 1),
        }
        report["targets"] = {
            "hit_over_ceiling_throughput >= 0.8": report["hit_over_ceiling_throughput"] >= 0.8,
            "hit_over_miss_p50 <= 0.2": report["hit_over_miss_p50"] <= 0.2,
            "down_p99_minus_miss_p99_ms <= 150": report["down_p99_minus_miss_p99_ms"] <= 150,
            "failed_requests == 0": failed == 0,
        }
        report["targets_met"] = all(report["targets"].values())
        print(json.dumps(report))
        return 0 if report["targets_met"] else 1
    except KeyboardInterrupt:
        STOP.set()
        say("interrupted; stopping processes")
        return 130
    finally:
        for host in hosts:
            host.stop()
        if cache is not None:
            if frozen:
                for pid in cache.pids:
                    try:
                        os.kill(pid, signal.SIGCONT)
                    except ProcessLookupError:
                        pass
            cache.stop()
        say(f"stopped all processes; logs in {work}")


if __name__ == "__main__":
    sys.exit(main())
