"""The local function-keys step: the host's keys exist and the host enforces them."""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from typing import ClassVar

from wizard.i18n import _
from wizard.targets.base import Outputs, StepContext, StepFailed, TransientError
from wizard.targets.local import function_host
from wizard.targets.local import resource_group as rg
from wizard.targets.local.common import (
    FUNCTION_KEYS,
    http_call,
    require_group,
)


@dataclass(frozen=True)
class FunctionKeysOutputs(Outputs):
    key_names: tuple[str, ...]
    auth_level: str
    auth_header: str
    invoke_url: str


class FunctionKeysAction:
    outputs_type: ClassVar[type[Outputs]] = FunctionKeysOutputs

    def check(self, ctx: StepContext) -> FunctionKeysOutputs:
        group = require_group(ctx.profile)
        app = ctx.profile.function.app_name
        keys = rg.get_keys(group, "functions", app)
        if not keys.get("default"):
            raise StepFailed(_("The function app has no keys recorded; run deploy again."))
        state = function_host.read_state(group, app)
        if state is None:
            raise StepFailed(_("The function app is not running; run deploy again."))
        auth = (ctx.profile.function.trigger.auth_level or "function").lower()
        if ctx.profile.function.trigger.type == "http" and auth != "anonymous":
            # The host enforces the key like Azure: without it 401, with it the function runs (400 on `{}`).
            try:
                without, _hdrs, _body = http_call("POST", state.port, "/api/score", b"{}", {"Content-Type": "application/json"})
                key = keys["master"] if auth == "admin" else keys["default"]
                with_key, _hdrs, _body = http_call("POST", state.port, "/api/score", b"{}",
                                       {"Content-Type": "application/json", "x-functions-key": key})
            except (OSError, http.client.HTTPException) as exc:  # e.g. the host restarting
                raise TransientError(_("The function app did not answer ({error})").format(error=exc)) from None
            if without != 401 or with_key == 401:
                raise StepFailed(_("The functions host does not enforce its keys as expected (HTTP {without} without "
                                   "a key, {with_key} with it); see {log_file}.").format(
                    without=without, with_key=with_key, log_file=state.log_file))
        ctx.secrets["function_key"] = keys["default"]
        return FunctionKeysOutputs(key_names=tuple(FUNCTION_KEYS), auth_level=auth, auth_header="x-functions-key",
                                   invoke_url=f"http://127.0.0.1:{state.port}/api/score")
