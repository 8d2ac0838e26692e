"""The local function app: a detached functions-host process per app, its state file, settings and restarts.

functions/<app>/host-state.json records what the running host was started with (pid, port, interpreter,
app hash, settings hash) so a later deploy can tell "running and right" from "stale" or "gone".
functions/<app>/settings.json holds the applied app settings; secrets there are references into the
resource group's keys.json (like Key Vault references), resolved only in the host's environment.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import wizard.funchost
from wizard.core.errors import WizardError
from wizard.i18n import _
from wizard.targets.local import processes
from wizard.targets.local import resource_group as rg

STATE = "host-state.json"
SETTINGS = "settings.json"
LOG = "host.log"
START_TIMEOUT_S = 90.0  # first start imports scikit-learn from a cold disk cache
# Like on Azure, the app sees its app settings, not the environment of whoever ran the CLI (no stray
# REDIS_*, PYTHONPATH or cloud credentials): only these pass through, plus MLFUNC_WIZARD_* (data folder,
# the test suite's process marker).
_PASS_THROUGH = ("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "TEMP", "TMP",
                 "SYSTEMROOT", "SSL_CERT_FILE", "SSL_CERT_DIR")


class HostStartError(WizardError):
    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.detail = detail


@dataclass
class HostState:
    pid: int
    port: int
    python: str
    app_dir: str
    app_sha: str
    settings_sha: str
    log_file: str
    # processes.identify(): what proves the PID is still this host; None (older state file) = never signalled.
    identity: dict[str, Any] | None = None
    role: str = "function-host"


def app_folder(group: Path, app: str) -> Path:
    return group / "functions" / app


def host_script() -> Path:
    # Run by file path: the app's environment does not have `wizard`; the launcher loads the host package itself.
    return Path(wizard.funchost.__file__).resolve().parent / "run_host.py"


def read_state(group: Path, app: str) -> HostState | None:
    try:
        data = json.loads((app_folder(group, app) / STATE).read_text(encoding="utf-8"))
        known = set(HostState.__dataclass_fields__)
        return HostState(**{k: v for k, v in data.items() if k in known})
    except (OSError, ValueError, TypeError):
        return None


def write_state(group: Path, app: str, state: HostState) -> None:
    folder = app_folder(group, app)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{STATE}.tmp"
    tmp.write_text(json.dumps(state.__dict__, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, folder / STATE)


def read_settings(group: Path, app: str) -> dict[str, Any]:
    try:
        return json.loads((app_folder(group, app) / SETTINGS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"settings": {}, "secret_refs": {}}


def write_settings(group: Path, app: str, settings: dict[str, str], secret_refs: dict[str, list[str]]) -> None:
    folder = app_folder(group, app)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{SETTINGS}.tmp"
    tmp.write_text(json.dumps({"settings": settings, "secret_refs": secret_refs}, indent=2, sort_keys=True) + "\n",
                   encoding="utf-8")
    os.replace(tmp, folder / SETTINGS)


def settings_sha(doc: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()[:16]


def tree_sha(folder: Path) -> str:
    """Whether the running host serves the current package: the app's fingerprint (the same one the image routes
    tag with, so a setting the app does not hold, like the cache TTL, restarts nothing)."""
    from wizard.appgen.builder import app_fingerprint

    return app_fingerprint(folder)


def host_env(group: Path, app: str, blob_root: Path | None) -> dict[str, str]:
    """The host's environment: the applied app settings with secrets resolved from keys.json, and the keys."""
    env = {k: v for k, v in os.environ.items() if k in _PASS_THROUGH or k.startswith("MLFUNC_WIZARD_")}
    doc = read_settings(group, app)
    env.update({k: str(v) for k, v in doc.get("settings", {}).items()})
    keys = rg.read_keys(group)
    for name, ref in doc.get("secret_refs", {}).items():
        value: Any = keys
        for part in ref:
            value = value.get(part, {}) if isinstance(value, dict) else {}
        if isinstance(value, str) and value:
            env[name] = value
    fkeys = rg.get_keys(group, "functions", app)
    env["MLFUNC_FUNCTION_KEY"] = fkeys.get("default", "")
    env["MLFUNC_MASTER_KEY"] = fkeys.get("master", "")
    env["WEBSITE_SITE_NAME"] = app
    env["FUNCTIONS_WORKER_RUNTIME"] = "python"
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # keep the package folder exactly as built
    if blob_root is not None:
        env["MLFUNC_BLOB_ROOT"] = str(blob_root)
    return env


def master_key(group: Path, app: str) -> str:
    """The app's master key, which the host's admin API (/admin/host/status) needs, as on Azure."""
    return rg.get_keys(group, "functions", app).get("master", "")


def status_ok(port: int, timeout: float = 1.0, *, master_key: str) -> bool:
    """GET /admin/host/status (with the master key) answers {"state": "Running"}: the Functions host's own status route."""
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            conn.request("GET", "/admin/host/status", headers={"x-functions-key": master_key})
            resp = conn.getresponse()
            body = resp.read()
        finally:
            conn.close()
        return resp.status == 200 and json.loads(body).get("state") == "Running"
    except (OSError, ValueError, http.client.HTTPException):
        return False


def is_our_host(state: HostState) -> bool:
    """The recorded host runs now and its identity (start time, executable, group marker) matches."""
    return processes.is_owned(state)


def running_and_right(group: Path, app: str, *, python: str, app_dir: Path, app_sha: str,
                      want_settings: str | None = None) -> HostState | None:
    state = read_state(group, app)
    if state is None or not is_our_host(state):
        return None
    if state.python != python or state.app_dir != str(app_dir) or state.app_sha != app_sha:
        return None
    if want_settings is not None and state.settings_sha != want_settings:
        return None
    return state if status_ok(state.port, master_key=master_key(group, app)) else None


def stop(group: Path, app: str, log: Callable[[str], None] | None = None) -> None:
    state = read_state(group, app)
    if state:
        processes.stop_owned(state, timeout=5.0, log=log)


def start(
    group: Path,
    app: str,
    *,
    python: str,
    app_dir: Path,
    app_sha: str,
    blob_root: Path | None,
    log: Callable[[str], None],
    cancel_event: threading.Event,
) -> HostState:
    """(Re)start the app's host on its recorded port (a new free one the first time or if taken)."""
    previous = read_state(group, app)
    if previous and processes.pid_alive(previous.pid):
        if is_our_host(previous):
            log(_("Stopping the running host (pid {pid}) to apply the change.").format(pid=previous.pid))
        processes.stop_owned(previous, timeout=5.0, log=log)  # logs and leaves it alone when not provably ours
    port = previous.port if previous and not processes.port_open(previous.port) else processes.free_port()
    folder = app_folder(group, app)
    log_file = folder / LOG
    env = host_env(group, app, blob_root)
    current_settings = settings_sha(read_settings(group, app))
    argv = [python, str(host_script()), str(app_dir), "--port", str(port), "--host", "127.0.0.1"]
    # host.log is rotated by size: the host writes to stderr, piped through processes' rotating writer.
    proc = processes.spawn_detached(argv, log_file=log_file, env=env, cwd=app_dir, group=rg.group_id(group))
    state = HostState(pid=proc.pid, port=port, python=python, app_dir=str(app_dir), app_sha=app_sha,
                      settings_sha=current_settings, log_file=str(log_file), identity=proc.identity)
    write_state(group, app, state)
    rg.set_processes(group, app, [rg.ProcessRecord(proc.pid, "function-host", app, "host", port, str(log_file),
                                                   identity=proc.identity)])
    log(_("Started the functions host for {app} (pid {pid}) on http://127.0.0.1:{port}; waiting until it answers.").format(
        app=app, pid=proc.pid, port=port))
    if not processes.wait_until(lambda: status_ok(port, master_key=env["MLFUNC_MASTER_KEY"]), timeout=START_TIMEOUT_S, interval=0.1, pid=proc.pid,
                                cancel_event=cancel_event):
        if cancel_event.is_set():
            # A half-started host is stopped; the next deploy starts it again.
            processes.stop_owned(state, timeout=3.0, log=log)
            from wizard.targets.base import Cancelled

            raise Cancelled()
        processes.stop_owned(state, timeout=3.0, log=log)
        raise HostStartError(
            _("The functions host for {app} did not start; see {log_file}.").format(app=app, log_file=log_file),
            detail=processes.tail(log_file, 30),
        )
    return state
