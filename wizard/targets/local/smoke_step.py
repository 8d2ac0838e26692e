"""The local smoke-test step: the function answers its health check with the cache reachable, then scores the sample."""

from __future__ import annotations

import http.client
import json
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

from wizard.i18n import _
from wizard.profile import Profile
from wizard.targets.base import Outputs, StepContext, StepFailed, TransientError
from wizard.targets.local import function_host
from wizard.targets.local import resource_group as rg
from wizard.targets.local.common import (
    http_call,
    require_group,
)


@dataclass(frozen=True)
class SmokeOutputs(Outputs):
    health: dict[str, Any] = field(default_factory=dict)
    status: int | None = None
    x_cache: str = ""


class SmokeTestAction:
    """Always runs: cheap, and it is the proof the deployment works now."""

    CACHE_WAIT_S = 5.0
    MODEL_LOAD_WAIT_S = 120.0  # the app loads its model in the background; health answers 503 meanwhile
    outputs_type: ClassVar[type[Outputs]] = SmokeOutputs

    def _sample(self, profile: Profile) -> Any:
        if profile.model.sample_input is not None:
            return profile.model.sample_input
        if profile.model.source == "sample":
            from wizard.appgen.samples import ensure_sample

            return ensure_sample(profile.model.sample or "digits").sample_input
        return None

    def check(self, ctx: StepContext) -> SmokeOutputs:
        group = require_group(ctx.profile)
        app = ctx.profile.function.app_name
        state = function_host.read_state(group, app)
        if state is None:
            raise StepFailed(_("The function app is not running; run deploy again."))
        # The cache must be reachable from the function (fail-open would hide a wrong host, port, CA or key).
        deadline = time.monotonic() + self.CACHE_WAIT_S
        load_deadline = time.monotonic() + self.MODEL_LOAD_WAIT_S
        health: dict[str, Any] = {}
        while True:
            try:
                status, _headers, body = http_call("GET", state.port, "/api/health", timeout=10)
                health = json.loads(body) if status in (200, 503) else {}  # 503: the model is not loaded
            except (OSError, ValueError, http.client.HTTPException):
                health = {}
            if health.get("model_loaded") is False and health.get("error"):  # init() raised: say so, not the cache
                raise StepFailed(_("{health} See {log_file}.").format(
                    health=health['error'], log_file=state.log_file), detail=json.dumps(health))
            if health.get("loading") and time.monotonic() < load_deadline:
                deadline = time.monotonic() + self.CACHE_WAIT_S  # the model loads in the background first
            elif health.get("cache") == "ok" or time.monotonic() > deadline:
                break
            ctx.wait(0.2)
        if health.get("model_loaded") is False:
            raise StepFailed(_("The function app did not load its model within {seconds:.0f} s; see "
                               "{log_file}.").format(
                seconds=self.MODEL_LOAD_WAIT_S, log_file=state.log_file), detail=json.dumps(health))
        if health.get("cache") != "ok":
            raise StepFailed(
                _("The function answers but reports its cache as {state!r}; check the cache settings and {log_file}.").format(
                    state=health.get('cache', 'unknown'), log_file=state.log_file), detail=json.dumps(health),
            )
        outputs = SmokeOutputs(health=health)
        if ctx.profile.function.trigger.type != "http":
            ctx.log(_("The trigger is not HTTP; the smoke test checked the host's health only."))
            return outputs
        data = self._sample(ctx.profile)
        if data is None:
            ctx.log(_("The profile has no model.sample_input; the smoke test checked the host's health only."))
            return outputs
        key = rg.get_keys(group, "functions", app).get("default", "")
        try:
            status, headers, body = http_call("POST", state.port, "/api/score", json.dumps(data).encode(),
                                          {"Content-Type": "application/json", "x-functions-key": key}, timeout=60)
        except (OSError, http.client.HTTPException) as exc:
            raise TransientError(_("The function did not answer the smoke test ({error})").format(error=exc)) from None
        if status != 200:
            raise StepFailed(_("The smoke test POST answered HTTP {status}: {body}").format(
                status=status, body=body[:300].decode(errors='replace')),
                             detail=f"see {state.log_file}")
        ctx.log(_("Smoke test: HTTP 200, X-Cache {x_cache}: {body}").format(
            x_cache=headers.get("x-cache", "?"), body=body[:200].decode(errors="replace")))
        return SmokeOutputs(health=health, status=status, x_cache=headers.get("x-cache", ""))
