"""`mlfunc-wizard logs` on a real local deployment: the CLI follows the functions host's log while `invoke` runs,
keeps following when the host's log rotates (small MLFUNC_WIZARD_LOG_MAX_BYTES), `--since` reads history from
the rotated files, `--output json` is one object per line, and Ctrl-C stops it with 130 and no traceback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import requests

from tests.integration.test_local_deploy import REPO, cli, env_cache, make_profile  # noqa: F401 - fixtures
from tests.polling import wait_for
from wizard import deployment
from wizard.paths import data_home

NAME = "logs-local"
GROUP = "rg-logs-local"


class LogsCommand:
    """`mlfunc-wizard logs ...` as a user runs it, its stdout read line by line as it comes."""

    def __init__(self, *args: str):
        self.proc = subprocess.Popen([sys.executable, "-m", "wizard", "logs", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, cwd=REPO, env=dict(os.environ))
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def text(self) -> str:
        return "\n".join(self.lines)

    def interrupt(self) -> tuple[int, str]:
        """Ctrl-C, as the terminal sends it: SIGINT to our own child, by its PID."""
        assert self.proc.pid > 0
        self.proc.send_signal(signal.SIGINT)
        try:
            code = self.proc.wait(timeout=20)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(timeout=10)
        return code, self.proc.stderr.read() if self.proc.stderr else ""


def test_logs_follows_a_local_deployment_while_invoke_runs(cli, tmp_path, monkeypatch):  # noqa: F811 - the fixture
    monkeypatch.setenv("MLFUNC_WIZARD_LOG_MAX_BYTES", "1500")  # the host log rotates within the test
    cli("deploy", str(make_profile(tmp_path, name=NAME, group=GROUP)))
    log_file = data_home() / "resource-groups" / GROUP / "functions" / f"{NAME}-app" / "host.log"
    started = time.time()

    follower = LogsCommand(NAME)
    try:
        wait_for(lambda: follower.lines, 60, "the last lines of the host log")  # tail -f shows the last lines first
        for _ in range(2):
            before = follower.text().count('"POST /api/score"')
            cli("invoke", NAME, timeout=60)
            wait_for(lambda: follower.text().count('"POST /api/score"') > before, 30, "the invocation's access line")
        # Enough requests for several rotations; each line names its request so none may go missing.
        endpoint = deployment.endpoint(NAME)
        for i in range(40):
            answer = requests.post(f"{endpoint.url}?n=req{i:02d}&code={endpoint.key}", json={"data": [[0.0] * 64]}, timeout=30)
            assert answer.status_code == 200
        wait_for(lambda: "n=req39" in follower.text(), 60, "the last request's line")
        assert log_file.with_name("host.log.2").exists(), "the host log did not rotate"
    finally:
        code, stderr = follower.interrupt()
    assert code == 130 and "Traceback" not in stderr, stderr
    seen = [line for line in follower.lines if "n=req" in line]
    assert [line.split("n=req")[1][:2] for line in seen] == [f"{i:02d}" for i in range(40)]
    assert endpoint.key not in follower.text()  # ?code= masked by the host, and again by the stream

    # --since reads back across the rotated files; --output json is one object per line.
    since = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(started))
    history = cli("logs", NAME, "--since", since, "--no-follow", "--output", "json", timeout=60).stdout.splitlines()
    documents = [json.loads(line) for line in history]
    assert all(set(d) == {"time", "source", "line"} and d["source"] == "host.log" for d in documents)
    assert [d["line"].split("n=req")[1][:2] for d in documents if "n=req" in d["line"]][-3:] == ["37", "38", "39"]
    assert all(d["time"] is None or d["time"] >= since for d in documents)
    future = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(time.time() + 3600))
    assert cli("logs", NAME, "--since", future, "--no-follow", timeout=60).stdout == ""

    unknown = cli("logs", "no-such-deployment", check=False, timeout=60)
    assert unknown.returncode == 1 and unknown.stderr.strip() == (
        "error: No deployment named 'no-such-deployment'. Run `mlfunc-wizard status` to list deployments.")
    bad = cli("logs", NAME, "--since", "yesterday", check=False, timeout=60)
    assert bad.returncode == 2 and "neither a duration" in bad.stderr
