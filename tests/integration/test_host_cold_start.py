"""Cold start of the generated app on the real host over real HTTP (issue 16 item 3): the model loads once, in
the background; the host answers at once, health says 503 until the model is loaded, score waits for it
(bounded), and an init() that raises is reported by both with a sentence.

The entry script's init() blocks until the test writes a gate file (no sleeps, no timed assertions)."""

from __future__ import annotations

import json
import textwrap
import threading

import pytest

from tests.fixtures.function_host import FUNCTION_KEY, MASTER_KEY, build_generated_app
from tests.polling import wait_for
from wizard.profile import Profile

KEYS = {"MLFUNC_FUNCTION_KEY": FUNCTION_KEY, "MLFUNC_MASTER_KEY": MASTER_KEY}
AUTH = {"x-functions-key": FUNCTION_KEY}
WAITING_LINE = "A score request is waiting for the model to load."

GATED_SCORE = textwrap.dedent(
    '''
    """An entry script whose init() takes as long as the test wants: it waits for a gate file."""
    import json
    import os
    import time
    from pathlib import Path

    inits = []


    def init():
        gate = Path(os.environ["COLD_START_GATE"])
        Path(str(gate) + ".init-started").touch()
        while not gate.exists():
            time.sleep(0.02)
        if gate.read_text() == "fail":
            raise RuntimeError("weights are corrupt (this text stays in the log)")
        inits.append(1)


    def run(raw_data):
        return [{"sum": sum(row), "inits": len(inits)} for row in json.loads(raw_data)["data"]]
    '''
)


@pytest.fixture(scope="module")
def gated_app(tmp_path_factory, samples_home):
    folder = tmp_path_factory.mktemp("gated")
    (folder / "profile").mkdir()
    (folder / "profile" / "gated_score.py").write_text(GATED_SCORE)
    profile = Profile()
    profile.base_dir = folder / "profile"
    profile.model.entry_script = "gated_score.py"
    return build_generated_app(profile, folder / "app", samples_home)


@pytest.fixture
def start_gated(tmp_path, gated_app, function_host):
    """start_gated(**settings) -> (host, gate file); init() runs (and blocks) when it returns."""
    built, settings = gated_app

    def start(**extra: str):
        gate = tmp_path / "gate"
        host = function_host(built.path, {**settings, **KEYS, "COLD_START_GATE": str(gate), **extra})
        wait_for(lambda: (tmp_path / "gate.init-started").exists(), what="init() to start")
        return host, gate

    return start


def score(host, rows=((1, 2, 3),)):
    return host.post_json("/api/score", {"data": [list(r) for r in rows]}, AUTH)


def test_health_is_503_while_loading_and_score_waits_for_the_model(start_gated):
    host, gate = start_gated()
    # The host answers while init() is still running: health says the model is not loaded yet.
    health = host.request("GET", "/api/health")
    assert health.status == 503
    assert health.json()["model_loaded"] is False and health.json()["loading"] is True
    assert "error" not in health.json()
    answers = []
    caller = threading.Thread(target=lambda: answers.append(score(host)))
    caller.start()
    wait_for(lambda: WAITING_LINE in host.log(), what="the score request to wait for the model")
    gate.write_text("go")
    caller.join(60)
    assert answers and answers[0].status == 200, answers and answers[0].body
    assert answers[0].json()["result"] == [{"sum": 6.0, "inits": 1}]
    healthy = host.request("GET", "/api/health")
    assert healthy.status == 200 and healthy.json()["model_loaded"] is True
    # Loaded once per process: later calls do not run init() again.
    assert score(host, [(4, 5, 6)]).json()["result"] == [{"sum": 15.0, "inits": 1}]


def test_score_gives_up_with_a_503_sentence_when_the_load_outlasts_its_wait(start_gated):
    host, gate = start_gated(MODEL_LOAD_WAIT_SECONDS="0.1")
    waited = score(host)
    assert waited.status == 503
    assert waited.json()["error"] == "The model is still loading; try again in a few seconds."
    assert waited.header("retry-after") == "5"
    gate.write_text("go")
    assert host.wait_until_healthy().status == 200
    assert score(host).status == 200


def test_init_that_raises_is_reported_by_health_and_score(start_gated):
    host, gate = start_gated()
    gate.write_text("fail")
    failed = wait_for(lambda: (lambda a: a if "error" in a.json() else None)(host.request("GET", "/api/health")), what="the failed load")
    body = failed.json()
    assert failed.status == 503 and body["model_loaded"] is False and body["loading"] is False
    assert "init() raised RuntimeError" in body["error"] and "deploy again" in body["error"]
    answer = score(host)
    assert answer.status == 503 and answer.json()["error"] == body["error"]
    # The exception's own text and traceback stay in host.log, under the correlation id the sentence names.
    assert "weights are corrupt" not in json.dumps(body) + answer.body.decode()
    log = host.log()
    assert "weights are corrupt" in log and answer.json()["correlation_id"] in log


# --- the local target's smoke step with a model that loads in the background ------------------------


def _smoke_setup(tmp_path, gated_app, function_host, redis_factory):
    """A local resource group whose recorded function host is the gated app (a real host and redis-server)."""
    from wizard import profile as profiles
    from wizard.targets.base import StepContext
    from wizard.targets.local import function_host as local_host
    from wizard.targets.local import resource_group as rg

    from tests.fixtures.function_host import cache_settings

    profile = profiles.Profile()
    profile.target = "local"
    profile.model.sample_input = {"data": [[1, 2, 3]]}
    group = rg.ensure_group(profile.resource_group.name, {}, profile.name)
    app = profile.function.app_name
    keys = rg.ensure_keys(group, "functions", app, ("default", "master"))
    built, settings = gated_app
    gate = tmp_path / "gate"
    env = {**settings, **cache_settings(redis_factory(tls=False)), "COLD_START_GATE": str(gate),
           "MLFUNC_FUNCTION_KEY": keys["default"], "MLFUNC_MASTER_KEY": keys["master"]}
    host = function_host(built.path, env)
    wait_for(lambda: (tmp_path / "gate.init-started").exists(), what="init() to start")
    local_host.write_state(group, app, local_host.HostState(pid=host.pid, port=host.port, python="", app_dir=str(built.path),
                                                            app_sha="", settings_sha="", log_file=str(host.log_path)))
    lines: list[str] = []
    ctx = StepContext(profile=profile, state_dir=tmp_path / "state", outputs={}, cancel_event=threading.Event(),
                      report=lambda fraction, message: None, log=lines.append)
    return ctx, gate, host


def test_smoke_step_waits_for_a_loading_model(tmp_path, wizard_home, gated_app, function_host, redis_factory):
    from wizard.targets.local.smoke_step import SmokeTestAction

    ctx, gate, host = _smoke_setup(tmp_path, gated_app, function_host, redis_factory)
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(SmokeTestAction().check(ctx))
        except Exception as exc:  # reported below
            outcome.append(exc)

    checker = threading.Thread(target=run)
    checker.start()
    # The step polls health; open the gate only after its own cache wait (5 s) would have run out.
    wait_for(lambda: host.log().count('"GET /api/health" 503') >= 30, timeout=60, what="the smoke step to poll a loading model")
    gate.write_text("go")
    checker.join(60)
    assert outcome and not isinstance(outcome[0], Exception), outcome
    assert outcome[0].status == 200 and outcome[0].health["model_loaded"] is True


def test_smoke_step_reports_the_init_error_sentence(tmp_path, wizard_home, gated_app, function_host, redis_factory):
    from wizard.targets.base import StepFailed
    from wizard.targets.local.smoke_step import SmokeTestAction

    ctx, gate, _host = _smoke_setup(tmp_path, gated_app, function_host, redis_factory)
    gate.write_text("fail")
    with pytest.raises(StepFailed) as failed:
        SmokeTestAction().check(ctx)
    assert "init() raised RuntimeError" in failed.value.message
    assert '"model_loaded": false' in failed.value.detail
