"""`mlfunc-wizard logs` on Azure: the app's Kudu log stream (GET https://<scm host>/api/logstream with the ARM
token), read over HTTPS by requests from the emulator's SCM site while lines are appended to it; no history."""

from __future__ import annotations

import threading

import pytest

from tests.azure.arm_emulator.logstream import WELCOME, site_log
from tests.azure.deploying import deploy
from tests.polling import wait_for
from wizard import deployment
from wizard.core.logstream import NoHistory


class Following:
    def __init__(self, profile, credential):
        self.cancel = threading.Event()
        self.lines: list = []
        self.error: BaseException | None = None
        self.stream = deployment.logs(profile, follow=True, cancel_event=self.cancel, credential=credential)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for line in self.stream:
                self.lines.append(line)
        except BaseException as exc:
            self.error = exc

    def text(self) -> str:
        return "\n".join(line.line for line in self.lines)

    def stop(self) -> None:
        self.cancel.set()
        self._thread.join(timeout=10)
        assert not self._thread.is_alive(), "the log stream did not stop after cancel"


@pytest.fixture
def deployed(arm, credential, managed_profile):
    managed_profile.function.packaging = "docker"
    managed_profile.function.registry = "ghcr.io/example/digits:1.2"  # a pushed image: no build needed
    result = deploy(managed_profile, credential)
    assert result.outcome.ok, result.failed_sentences
    return managed_profile


def test_follows_the_scm_log_stream_while_lines_are_written(arm, credential, deployed):
    log = site_log(arm, deployed.function.app_name)
    following = Following(deployed, credential)
    try:
        wait_for(lambda: WELCOME.strip() in following.text(), 20, "Kudu's welcome line")
        for i in range(3):  # written while the stream is open: the chunked answer grows
            log.append(f"[Information] custom line {i}")
            wait_for(lambda: f"custom line {i}" in following.text(), 20, f"custom line {i}")
        result = deployment.invoke(deployed, {"data": [[0.0, 1.0]]}, credential=credential)
        assert result.ok
        wait_for(lambda: "Executed 'Functions.score' (Succeeded" in following.text(), 20, "the invocation's lines")
        key = deployment.endpoint(deployed, credential=credential).key
        log.append(f"[Warning] the app printed its key {key}")
        wait_for(lambda: "printed its key" in following.text(), 20, "the line with the key")
    finally:
        following.stop()
    assert following.error is None, following.error
    assert key not in following.text() and f"{key[:4]}…{key[-4:]}" in following.text()
    assert all(line.source.startswith("logstream 127.0.0.1:") for line in following.lines)
    assert following.lines[1].time is not None  # Kudu's UTC stamp is read
    # The ARM credential's bearer token opened the stream, and cancelling closed it on the server's side too.
    assert log.tokens and all(token.startswith("emu-token-") for token in log.tokens)
    wait_for(lambda: log.streams_open == 0, 20, "the stream to close on the server")


def test_a_new_connection_sees_no_history_and_since_is_refused(arm, credential, deployed):
    log = site_log(arm, deployed.function.app_name)
    log.append("written before anyone followed")
    with pytest.raises(NoHistory, match="keeps no history"):
        deployment.logs(deployed, since="10m", credential=credential)
    with pytest.raises(NoHistory, match="keeps no history"):
        deployment.logs(deployed, follow=False, credential=credential)
    following = Following(deployed, credential)
    try:
        wait_for(lambda: WELCOME.strip() in following.text(), 20, "Kudu's welcome line")
        log.append("written while following")
        wait_for(lambda: "written while following" in following.text(), 20, "the new line")
    finally:
        following.stop()
    assert "written before anyone followed" not in following.text()


def test_a_missing_app_is_a_sentence(arm, credential, deployed):
    deployed.function.app_name = "gone-app"
    with pytest.raises(deployment.WizardError, match="not in resource group"):
        deployment.logs(deployed, credential=credential)
