"""The function app's HTTP contract, run against the app's container instead of the host process: the same test
functions as tests/integration/test_function_app_http.py, with `shared` and `app_host` served by a container of the
generated app's image (built on the local stand-in base, --network host, a real redis-server)."""

from __future__ import annotations

import http.client
import json
import socket
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.function_host import HttpAnswer, cache_settings
from tests.integration.test_function_app_http import (  # noqa: F401 - the contract tests, collected here too
    KEYS,
    test_answers_expire_after_the_ttl,
    test_body_over_the_limit_is_413,
    test_half_cached_batch_is_partial_and_keeps_the_order,
    test_health_is_anonymous_and_reports_model_and_cache,
    test_invalid_json_or_wrong_shape_is_400_with_a_sentence,
    test_miss_then_hit_over_tls_and_on_a_cluster,
    test_redis_killed_mid_test_still_answers_with_bypass,
    test_same_input_is_a_miss_then_a_hit,
    test_score_accepts_the_key_in_the_query_and_the_master_key,
    test_score_without_a_valid_key_is_401,
)
from wizard.containers import containers as ctr
from wizard.containers.app_image import build_app_image
from wizard.targets.local.redis import RedisSpec, start_cache

GROUP = "http-contract"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ContainerHost:
    """What the contract tests use of RunningHost, served by a container."""

    engine: Any
    container: Any
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return ctr.logs_tail(self.engine, self.container.id, lines=2000)

    def request(self, method: str, path: str, body: bytes | str | None = None, headers: dict[str, str] | None = None,
                timeout: float = 30.0) -> HttpAnswer:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            payload = body.encode() if isinstance(body, str) else body
            conn.request(method, path, body=payload, headers=headers or {})
            response = conn.getresponse()
            return HttpAnswer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
        finally:
            conn.close()

    def post_json(self, path: str, document: Any, headers: dict[str, str] | None = None) -> HttpAnswer:
        return self.request("POST", path, json.dumps(document), {"content-type": "application/json", **(headers or {})})

    def wait_until_healthy(self, path: str = "/api/health", timeout: float = 120.0) -> HttpAnswer:
        deadline = time.monotonic() + timeout
        while True:
            try:
                answer = self.request("GET", path)
                if answer.status == 200:
                    return answer
            except (OSError, http.client.HTTPException):
                answer = HttpAnswer(0, {}, b"")
            if time.monotonic() > deadline:
                return answer
            time.sleep(0.05)

    def stop(self) -> None:
        ctr.remove(self.engine, self.container)


@pytest.fixture(scope="module")
def app_image(docker_engine, standin_base, generated_app, tmp_path_factory) -> str:
    built, _ = generated_app
    tag = f"mlfunc-wizard/http-contract:{uuid.uuid4().hex[:8]}"
    result = build_app_image(docker_engine, Path(built.path), tag=tag, base_image=standin_base, python_version="3.11",
                             deployment=GROUP, on_line=lambda line: None)
    yield result.image_id
    docker_engine.client.remove_image(tag, noprune=True)


def _start(engine, image: str, env: dict[str, str]) -> ContainerHost:
    binds = []
    if env.get("REDIS_CA_FILE"):
        folder = str(Path(env["REDIS_CA_FILE"]).parent)
        binds.append(f"{folder}:{folder}:ro")
    port = _free_port()
    name = f"mlfunc-http-contract-{uuid.uuid4().hex[:8]}"
    container = ctr.run(engine, image=image, name=name, env=env, port=port, binds=binds,
                        labels={ctr.GROUP_LABEL: GROUP, ctr.APP_LABEL: name})
    host = ContainerHost(engine, container, port)
    assert host.wait_until_healthy().status == 200, host.log()
    return host


@pytest.fixture(scope="module")
def shared(docker_engine, app_image, generated_app, tmp_path_factory):
    built, settings = generated_app
    cache = start_cache(RedisSpec(tls=False), tmp_path_factory.mktemp("shared-redis"))
    host = None
    try:
        host = _start(docker_engine, app_image, {**settings, **cache_settings(cache), **KEYS})
        yield host, cache, built
    finally:
        if host is not None:
            host.stop()
        cache.stop()


@pytest.fixture
def app_host(docker_engine, app_image, redis_factory, generated_app):
    built, settings = generated_app
    started: list[ContainerHost] = []

    def make(spec: dict | None = None, **extra_settings: str):
        cache = redis_factory(**(spec or {"tls": False}))
        host = _start(docker_engine, app_image, {**settings, **cache_settings(cache), **KEYS, **extra_settings})
        started.append(host)
        return host, cache

    yield make
    for host in started:
        host.stop()
