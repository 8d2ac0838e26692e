"""The facade the CLI and the GUI use: plan, deploy (resumable), list, invoke and destroy deployments."""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import requests

from wizard import profile as profiles
from wizard.core import whatif
from wizard.core.engine import Engine, RunOutcome
from wizard.core.errors import WizardError
from wizard.core.events import EventSink, StepEvent
from wizard.core.journal import Journal, scrub_value
from wizard.core.plan import Plan
from wizard.core.whatif import WhatIf
from wizard.i18n import _
from wizard.paths import data_home
from wizard.profile import Profile
from wizard.secrets import registry, scrub
from wizard.targets.base import Endpoint, StepFailed, Target

log = logging.getLogger(__name__)

PROFILE_COPY = "profile.json"
LOCK_FILE = "deploy.lock"

__all__ = [
    "DeploymentBusy", "DeploymentInfo", "DeploymentNotFound", "DeploymentRun", "DestroyRefused", "InvokeError",
    "InvokeResult", "RunOutcome", "destroy", "endpoint", "invoke", "list_deployments", "load_deployed_profile",
    "make_plan", "state_dir", "target_for", "what_if", "drift", "WhatIf", "logs",
]


class DeploymentNotFound(WizardError, LookupError):
    """No deployment of that name in the data folder; the message says how to list them."""


class DeploymentBusy(WizardError, RuntimeError):
    """Another process is deploying the same profile right now."""


class DestroyRefused(WizardError, ValueError):
    """The typed confirmation did not match the resource group name."""


class InvokeError(WizardError, RuntimeError):
    """The function could not be reached at all (no HTTP answer)."""


# --- targets and plans ---------------------------------------------------------------------


def target_for(profile: Profile, *, credential: Any = None) -> Target:
    """The Target for `profile.target`; imported lazily so the local target never loads the Azure SDKs."""
    if profile.target == "local":
        from wizard.targets.local.target import LocalTarget

        return LocalTarget()
    if profile.target == "azure":
        from wizard.targets.azure.target import AzureTarget

        return AzureTarget(credential=credential)
    raise ValueError(_('Unknown target "{target}" in the profile; use "local" or "azure".').format(target=profile.target))


def state_dir(name: str) -> Path:
    """The deployment's state folder (journal + profile copy); not created here."""
    if not name or "/" in name or "\\" in name or name in (".", ".."):
        raise ValueError(_('"{name}" cannot name a deployment; use letters, digits and hyphens.').format(name=name))
    return data_home() / "deployments" / name


def make_plan(profile: Profile, *, credential: Any = None, target: Target | None = None) -> Plan:
    target = target or target_for(profile, credential=credential)
    return Plan(target.steps(profile), target=target.name)


def what_if(profile: Profile, *, credential: Any = None, target: Target | None = None) -> WhatIf:
    """What a deploy of `profile` would do to each resource, acting on nothing (`mlfunc-wizard plan`,
    the Review page). On Azure without a credential nothing is observed: the steps come back `unknown`
    with the reason. Observing takes no deploy lock: it only reads."""
    if profile.target == "azure" and credential is None and target is None:
        plan = make_plan(profile)
        return whatif.steps_only(plan, profile, _("Not signed in to Azure, so nothing was compared with what is "
                                                  "deployed; sign in (az login) to see what would change."))
    target = target or target_for(profile, credential=credential)
    plan = make_plan(profile, target=target)
    folder = state_dir(profile.name)
    journal = Journal(folder) if (folder / "journal.json").exists() else None
    return whatif.preview(plan, profile, journal)


def drift(name: str, *, credential: Any = None, target: Target | None = None) -> WhatIf:
    """How the resources of deployment `name` differ from the profile it was deployed with (`status`)."""
    return what_if(load_deployed_profile(name), credential=credential, target=target)


# --- deploying -----------------------------------------------------------------------------


class _DeployLock:
    """An OS file lock on the state folder: two deploys of one profile would race on its resources.
    The OS drops it when the process dies, so a killed deploy never leaves a stale lock."""

    def __init__(self, folder: Path):
        self.path = folder / LOCK_FILE
        self._fh: Any = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+")
        try:
            if sys.platform != "win32":  # (sys.platform, not os.name: mypy checks only this platform's branch)
                import fcntl

                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            else:  # pragma: no cover - Windows
                import msvcrt

                msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            fh.close()
            raise DeploymentBusy(
                _("Another mlfunc-wizard is deploying '{name}' right now; wait for it to finish or cancel it first.").format(
                    name=self.path.parent.name)
            ) from None
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            self._fh.close()  # closing drops the lock
            self._fh = None


class DeploymentRun:
    """One deploy of a profile: blocking `run()` that resumes from the journal; `cancel()` from any thread."""

    def __init__(self, profile: Profile, on_event: EventSink, *, credential: Any = None, target: Target | None = None,
                 allow_replace: bool = False):
        self.profile = profile
        self.allow_replace = allow_replace  # consent to replace a resource whose setting cannot change in place
        self.on_event = on_event
        self.credential = credential
        self._target = target
        self._engine: Engine | None = None
        self._plan: Plan | None = None
        self._cancel_requested = threading.Event()
        self.state_dir = state_dir(profile.name)

    @property
    def target(self) -> Target:
        if self._target is None:
            self._target = target_for(self.profile, credential=self.credential)
        return self._target

    @property
    def plan(self) -> Plan:
        """The plan this run executes (the GUI shows its steps before and while running)."""
        if self._plan is None:
            self._plan = Plan(self.target.steps(self.profile), target=self.target.name)
        return self._plan

    @property
    def cancel_requested(self) -> bool:
        return self._cancel_requested.is_set()

    def cancel(self) -> None:
        self._cancel_requested.set()
        engine = self._engine
        if engine is not None:
            engine.cancel()

    def run(self) -> RunOutcome:
        plan = self.plan
        lock = _DeployLock(self.state_dir)
        lock.acquire()
        try:
            _save_profile_copy(self.profile, self.state_dir)
            journal = Journal(self.state_dir)
            engine = Engine(plan, self.profile, self.state_dir, self.on_event, journal=journal,
                            allow_replace=self.allow_replace)
            self._engine = engine
            if self._cancel_requested.is_set():
                engine.cancel()
            # Issue 12 item 11: a failed deploy says what still runs; a failed first run stops what it started.
            first_run, after_failed = not journal.exists, getattr(self.target, "after_failed_run", None)
            before = self.target.before_run(self.profile) if after_failed else None  # type: ignore[attr-defined]
            outcome = engine.run()
            if outcome.ok:
                try:
                    outcome.endpoint = self.target.endpoint(self.profile, outcome.outputs)
                    registry.add(outcome.endpoint.key)
                    journal.set_meta(endpoint_url=outcome.endpoint.url, health_url=outcome.endpoint.health_url)
                except Exception as exc:  # noqa: BLE001 - reported as a failed pseudo-step
                    sentence = scrub(str(exc)) if isinstance(exc, StepFailed) else scrub(
                        _("Could not fetch the invoke URL and function key ({error}); run deploy again to retry.").format(
                            error=f"{type(exc).__name__}: {exc}"))
                    outcome.ok = False
                    outcome.failed["endpoint"] = sentence
                    journal.set_meta(status="failed")
                    self.on_event(StepEvent("failed", "endpoint", sentence, detail=scrub(getattr(exc, "detail", ""))))
            if after_failed and not outcome.ok and not outcome.cancelled:
                after_failed(self.profile, before, first_run=first_run,
                             log=lambda line: self.on_event(StepEvent("log", "", scrub(line))))
            return outcome
        finally:
            lock.release()


def _save_profile_copy(profile: Profile, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    data = profiles.to_dict(profile)
    # Relative model paths must still resolve when the copy is loaded from the state folder.
    if profile.base_dir is not None:
        data["_base_dir"] = str(profile.base_dir)
    tmp = folder / f".{PROFILE_COPY}.tmp"
    tmp.write_text(json.dumps(scrub_value(data), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(folder / PROFILE_COPY)


# --- listing ------------------------------------------------------------------------------


@dataclass
class DeploymentInfo:
    name: str
    target: str
    resource_group: str
    status: str  # deployed | failed | cancelled | running | interrupted | unknown
    updated: float | None
    endpoint_url: str = ""
    steps: dict[str, str] = field(default_factory=dict)  # step -> journal state


def load_deployed_profile(name: str) -> Profile:
    """The profile copy saved by the last deploy of `name`."""
    path = state_dir(name) / PROFILE_COPY
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DeploymentNotFound(
            _("No deployment named '{name}'. Run `mlfunc-wizard status` to list deployments.").format(name=name)
        ) from None
    base_dir = data.pop("_base_dir", None)
    profile = profiles.from_dict(data)
    profile.base_dir = Path(base_dir) if base_dir else None
    return profile


def _info(folder: Path) -> DeploymentInfo | None:
    try:
        profile = load_deployed_profile(folder.name)
    except (DeploymentNotFound, profiles.ProfileError, ValueError):
        return None
    journal = Journal(folder)
    status = str(journal.meta.get("status") or "unknown")
    if status == "running" and not _is_locked(folder):
        status = "interrupted"  # the deploying process died (killed, crashed, power loss)
    return DeploymentInfo(
        name=folder.name, target=profile.target, resource_group=profile.resource_group.name, status=status,
        updated=journal.meta.get("updated"), endpoint_url=str(journal.meta.get("endpoint_url") or ""),
        steps={n: journal.steps[n].state.value for n in _plan_order(journal) if n in journal.steps},
    )


def _plan_order(journal: Journal) -> list[str]:
    planned = [str(n) for n in journal.meta.get("plan") or []]
    return planned + sorted(set(journal.steps) - set(planned))


def _is_locked(folder: Path) -> bool:
    lock = _DeployLock(folder)
    try:
        lock.acquire()
    except DeploymentBusy:
        return True
    lock.release()
    return False


def list_deployments() -> list[DeploymentInfo]:
    root = data_home() / "deployments"
    if not root.is_dir():
        return []
    infos = [_info(folder) for folder in sorted(root.iterdir()) if folder.is_dir()]
    return [i for i in infos if i is not None]


def deployment_info(name: str) -> DeploymentInfo:
    info = _info(state_dir(name))
    if info is None:
        raise DeploymentNotFound(_("No deployment named '{name}'. Run `mlfunc-wizard status` to list deployments.").format(name=name))
    return info


def _resolve(name_or_profile: str | Profile) -> Profile:
    return name_or_profile if isinstance(name_or_profile, Profile) else load_deployed_profile(name_or_profile)


# --- using a deployment -------------------------------------------------------------------


def endpoint(name_or_profile: str | Profile, *, credential: Any = None, target: Target | None = None) -> Endpoint:
    """The invoke URL and a freshly fetched key (registered for masking) of a finished deployment."""
    profile = _resolve(name_or_profile)
    journal = Journal(state_dir(profile.name))
    target = target or target_for(profile, credential=credential)
    ep = target.endpoint(profile, journal.finished_outputs())
    registry.add(ep.key)
    return ep


@dataclass
class InvokeResult:
    status: int
    body: str
    json: Any
    latency_ms: float
    x_cache: str
    model_version: str
    headers: dict[str, str]

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def invoke(name_or_profile: str | Profile, data: Any, *, timeout: float = 30, credential: Any = None,
           target: Target | None = None) -> InvokeResult:
    """POST `data` as JSON to the deployment's function with its key; measures the round trip."""
    ep = endpoint(name_or_profile, credential=credential, target=target)
    headers = {"Content-Type": "application/json"}
    if ep.key:
        headers[ep.auth_header or "x-functions-key"] = ep.key
    body = json.dumps(data).encode("utf-8")
    start = time.perf_counter()
    try:
        # A custom cloud (or the test emulator) may use a private CA, the same bundle the SDK clients trust.
        verify = os.environ.get("MLFUNC_WIZARD_CA_BUNDLE") or True
        response = requests.post(ep.url, data=body, headers=headers, timeout=timeout, verify=verify)
    except requests.RequestException as exc:
        raise InvokeError(
            _("Could not reach {url}: {error}. Check that the deployment is running (`mlfunc-wizard status`).").format(
                url=ep.url, error=scrub(str(exc)))
        ) from None
    latency_ms = (time.perf_counter() - start) * 1000
    try:
        parsed = response.json()
    except ValueError:
        parsed = None
    return InvokeResult(
        status=response.status_code, body=response.text, json=parsed, latency_ms=latency_ms,
        x_cache=response.headers.get("X-Cache", ""), model_version=response.headers.get("X-Model-Version", ""),
        headers=dict(response.headers),
    )


def destroy(name_or_profile: str | Profile, *, log: Callable[[str], None], cancel_event: threading.Event | None = None,
            typed_name: str | None = None, credential: Any = None, target: Target | None = None) -> None:
    """Delete the resource group via the target, then the deployment's state folder.
    `typed_name`, when given, must equal the resource group name (the user's confirmation)."""
    profile = _resolve(name_or_profile)
    group = profile.resource_group.name
    if typed_name is not None and typed_name.strip() != group:
        raise DestroyRefused(_("You typed '{typed}', not the resource group name '{group}'; nothing was deleted.").format(
            typed=typed_name.strip(), group=group))
    folder = state_dir(profile.name)
    lock = _DeployLock(folder)
    lock.acquire()  # never delete under a running deploy
    try:
        target = target or target_for(profile, credential=credential)
        target.destroy(profile, lambda line: log(scrub(line)), cancel_event or threading.Event(), typed_name=typed_name)
    finally:
        lock.release()
    if cancel_event is not None and cancel_event.is_set():
        return
    shutil.rmtree(folder, ignore_errors=True)
    log(_("Removed the deployment record {folder}.").format(folder=folder))


def forget(name: str) -> tuple[str, str]:
    """Delete only the local record of deployment `name` (its state folder): no sign-in, no target, nothing in
    the cloud or on this computer is stopped. Returns (resource group, subscription id; "" for local) left to
    delete by hand. Used by `destroy NAME --forget` and the GUI's Forget."""
    folder = state_dir(name)
    if not folder.is_dir():
        raise DeploymentNotFound(_("No deployment named '{name}'. Run `mlfunc-wizard status` to list deployments.").format(name=name))
    try:
        profile = load_deployed_profile(name)
        group, subscription = profile.resource_group.name, profile.azure.subscription_id
    except (WizardError, OSError, ValueError):  # a damaged record is exactly what one forgets
        group, subscription = "", ""
    lock = _DeployLock(folder)
    lock.acquire()  # never under a running deploy (DeploymentBusy)
    try:
        shutil.rmtree(folder)
    finally:
        lock.release()
    return group, subscription


def logs(name_or_profile: str | Profile, since: str | float | None = None, follow: bool = True,
         cancel_event: threading.Event | None = None, *, credential: Any = None) -> Iterator[Any]:
    """The function app's log lines (wizard.core.logstream.LogLine, secrets masked): history from `since` (a
    duration like 10m, a timestamp, or epoch seconds) where the target keeps it, then, with `follow`, new lines
    until `cancel_event` is set (`mlfunc-wizard logs`, the Test page's Logs panel). Errors come before any line."""
    from wizard.core.logstream import parse_since

    profile = _resolve(name_or_profile)
    start = parse_since(since) if isinstance(since, str) else since
    cancel = cancel_event or threading.Event()
    if profile.target == "local":
        from wizard.targets.local import logstream as local_logs

        return local_logs.stream(profile, since=start, follow=follow, cancel=cancel)
    from wizard.targets.azure import logstream as azure_logs

    target = target_for(profile, credential=credential)
    return azure_logs.stream(profile, target.credential(profile), since=start, follow=follow,  # type: ignore[attr-defined]
                             cancel=cancel)
