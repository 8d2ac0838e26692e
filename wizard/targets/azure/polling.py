"""Waiting on ARM long-running operations without blocking: cancellable, with progress, errors translated."""

from __future__ import annotations

import time
from typing import Any, Callable, TypeVar

from azure.core.exceptions import HttpResponseError, ResourceNotFoundError, ServiceRequestError, ServiceResponseError
from azure.core.polling import LROPoller

from wizard.i18n import _
from wizard.targets.azure.config import polling_interval
from wizard.targets.azure.errors import translate
from wizard.targets.base import StepContext, StepFailed

T = TypeVar("T")

# How often we look at a poller that runs in its own thread: short, so a cancel is seen at once.
_TICK_S = 0.05


def wait_lro(
    ctx: StepContext,
    start: Callable[[], LROPoller[T]],
    what: str,
    *,
    estimate_s: float,
    span: tuple[float, float] = (0.0, 1.0),
    name: str = "",
    name_field: str = "",
) -> T:
    """Start an LRO and wait for it; progress runs over `span` of the step along the expected duration.

    The SDK poller runs in its own thread; we never block in `result()` before `done()`, so a cancel
    ends the wait within a tick (the operation itself carries on in Azure; a re-run finds its result)."""
    try:
        poller = start()
    except (HttpResponseError, ServiceRequestError, ServiceResponseError) as exc:
        raise translate(exc, what, name=name, name_field=name_field) from exc
    began = time.monotonic()
    low, high = span
    last_report = -1.0
    while not poller.done():
        ctx.wait(_TICK_S)
        elapsed = time.monotonic() - began
        if elapsed - last_report >= 1.0:
            last_report = elapsed
            fraction = low + (high - low) * min(0.95, elapsed / max(estimate_s, 1.0))
            ctx.report(fraction, _("Still {what} ({elapsed} s; usually about {usual})").format(
                what=what, elapsed=int(elapsed), usual=_human(estimate_s)))
    try:
        result = poller.result()
    except (HttpResponseError, ServiceRequestError, ServiceResponseError) as exc:
        raise translate(exc, what, name=name, name_field=name_field) from exc
    ctx.report(high, _("Finished {what}").format(what=what))
    return result


def wait_until(
    ctx: StepContext,
    probe: Callable[[], T | None],
    what: str,
    *,
    timeout_s: float,
    estimate_s: float,
    span: tuple[float, float] = (0.0, 1.0),
    interval_s: float | None = None,
) -> T:
    """Call `probe` until it returns something (not None); cancellable; StepFailed after `timeout_s`."""
    interval = polling_interval() if interval_s is None else interval_s
    began = time.monotonic()
    low, high = span
    while True:
        ctx.check_cancelled()
        value = probe()
        if value is not None:
            ctx.report(high, _("Finished {what}").format(what=what))
            return value
        elapsed = time.monotonic() - began
        if elapsed > timeout_s:
            raise StepFailed(
                _("Gave up {what} after {waited}. Look at the resource in the Azure portal, then deploy again "
                  "(finished resources are kept).").format(what=what, waited=_human(timeout_s))
            )
        ctx.report(low + (high - low) * min(0.95, elapsed / max(estimate_s, 1.0)), _("Still {what}…").format(what=what))
        ctx.wait(max(interval, _TICK_S))


def provisioning_state(resource: Any) -> str:
    state = getattr(resource, "provisioning_state", None)
    if state is None and getattr(resource, "properties", None) is not None:
        state = getattr(resource.properties, "provisioning_state", None)
    state = getattr(state, "value", state)  # SDK enums carry the wire value
    return str(state or "")


TERMINAL_OK = {"succeeded", "running"}  # Redis caches report "Running" when usable
TERMINAL_BAD = {"failed", "canceled", "cancelled"}


def get_or_none(what: str, get: Callable[[], T]) -> T | None:
    """The resource, or None when ARM answers 404."""
    try:
        return get()
    except ResourceNotFoundError:
        return None
    except (HttpResponseError, ServiceRequestError, ServiceResponseError) as exc:
        if isinstance(exc, HttpResponseError) and exc.status_code == 404:
            return None
        raise translate(exc, what) from exc


def existing_and_ready(what: str, get: Callable[[], T]) -> T | None:
    """The resource when it exists and finished provisioning; for StepAction.existing()."""
    resource = get_or_none(what, get)
    if resource is not None and provisioning_state(resource).lower() in TERMINAL_OK:
        return resource
    return None


def resume_or_create(
    ctx: StepContext,
    get: Callable[[], T],
    start: Callable[[], LROPoller[T]],
    what: str,
    *,
    estimate_s: float,
    span: tuple[float, float] = (0.0, 1.0),
    name: str = "",
    name_field: str = "",
) -> T:
    """Create the resource, unless an earlier run already started it: then wait for that one by GET.

    This is how a re-run after a crash, a cancel or an expired token resumes a 20-minute create instead of
    sending a second PUT (which ARM would refuse with 409 while the first one is still running)."""
    current = get_or_none(what, get)
    if current is not None:
        state = provisioning_state(current).lower()
        if state in TERMINAL_OK:
            return current  # finished meanwhile (e.g. while we waited to retry): nothing to send
        if state and state not in TERMINAL_OK and state not in TERMINAL_BAD:
            ctx.log(_("An earlier run is already {what}; waiting for it to finish.").format(what=what))

            def probe() -> T | None:
                now = get_or_none(what, get)
                if now is None:
                    return current  # deleted meanwhile: treat like a failed attempt
                now_state = provisioning_state(now).lower()
                # A failed earlier attempt ends the wait too; it is then created again below.
                return now if now_state in TERMINAL_OK or now_state in TERMINAL_BAD else None

            finished = wait_until(ctx, probe, what, timeout_s=3600, estimate_s=estimate_s, span=span)
            if finished is not current and provisioning_state(finished).lower() in TERMINAL_OK:
                return finished
    return wait_lro(ctx, start, what, estimate_s=estimate_s, span=span, name=name, name_field=name_field)


def _human(seconds: float) -> str:
    if seconds >= 90:
        return f"{round(seconds / 60)} min"
    return f"{int(seconds)} s"
