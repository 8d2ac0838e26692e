"""Issue 10 item 5 through the real wizard: the Deploy page of a local profile with packaging docker shows the Docker
build's lines while the build runs, the window keeps serving its event loop, and Cancel stops the build: no build
container or build process is left, and the page says what is left.

Real Qt widgets offscreen (pytest-qt), the real engine and the local stand-in base. The build runs without the
layer cache (MLFUNC_WIZARD_DOCKER_NO_CACHE=1) so that its pip step lasts long enough to be cancelled; the wheelhouse
is the cached one (no network). Times are recorded (printed, and in <cache>/gui-build-times.json), not asserted.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QWizard

from tests.gui.conftest import no_modal_unsaved_question, settings_in_tmp, wizard_window  # noqa: F401 - fixtures
from wizard import deployment
from wizard import profile as profiles
from wizard.containers.paths import cache_home
from wizard.ui.pages.base import PageId

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "digits-local-docker.json"


def _build_processes() -> list[str]:
    """Host processes of a classic-builder RUN step of ours (the pip install of the deps stage), by /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "/build/requirements.txt" in cmd and "pip" in cmd:
            found.append(f"{entry.name}: {cmd[:120]}")
    return found


@pytest.mark.slow
def test_deploy_page_streams_the_docker_build_and_cancel_stops_it(docker_engine, standin_base, wizard_window, qtbot,  # noqa: F811
                                                                  tmp_path, monkeypatch):
    monkeypatch.setenv("MLFUNC_WIZARD_DOCKER_NO_CACHE", "1")
    suffix = uuid.uuid4().hex[:6]
    data = json.loads(EXAMPLE.read_text())
    data["name"] = f"gui-docker-{suffix}"
    data["resource_group"]["name"] = f"rg-gui-docker-{suffix}"
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(data))
    window = wizard_window
    try:
        window.model.replace(profiles.load(path))
        window.setStartId(int(PageId.REVIEW))
        window.restart()
        create = window.button(QWizard.WizardButton.CommitButton)
        qtbot.waitUntil(create.isEnabled, timeout=120_000)  # Review's model check runs in a worker first
        containers_before = {c["Id"] for c in docker_engine.client.containers(all=True)}

        ticks: list[float] = []
        timer = QTimer()
        timer.setInterval(20)
        timer.timeout.connect(lambda: ticks.append(time.monotonic()))
        timer.start()
        try:
            clicked = time.monotonic()
            qtbot.mouseClick(create, Qt.MouseButton.LeftButton)
            page = window.currentPage()
            assert window.currentId() == int(PageId.DEPLOY)

            def text() -> str:
                return page.log_view.toPlainText()

            # The first build line is on screen while the package step is still running.
            qtbot.waitUntil(lambda: "Step 1/" in text(), timeout=300_000)
            first_line = time.monotonic()
            assert page.steps.rows["package"].state == "running"
            assert page.state == "running"
            # Wait for the pip step of the deps stage (a few seconds of work without the layer cache), then Cancel.
            qtbot.waitUntil(lambda: "RUN if ls /build/*.whl" in text(), timeout=300_000)
            qtbot.wait(1500)  # let pip start inside the build container
            assert page.steps.rows["package"].state == "running", "the build ended before Cancel: nothing to cancel"
            assert "Successfully built" not in text()
            ticks_while_building = [t for t in ticks if first_line <= t]
            cancel_at = time.monotonic()
            qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: page.state == "cancelled", timeout=60_000)
            cancelled_at = time.monotonic()
        finally:
            timer.stop()

        # Nothing of the build is left: no new container (the RUN step's), no pip process of the build.
        deadline = time.monotonic() + 30
        while True:
            left = [c for c in docker_engine.client.containers(all=True) if c["Id"] not in containers_before]
            if (not left and not _build_processes()) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        left_gone = time.monotonic()
        assert left == [], [(c["Id"][:12], c.get("Command")) for c in left]
        assert _build_processes() == []
        assert "Successfully built" not in text()
        # The page says what is left.
        assert "Cancelled" in page.status.text()
        assert "no image was tagged" in text()
        assert "is kept" in text() and "no container was started" in text()
        # The event loop ran while the build streamed (the QTimer kept ticking).
        assert len(ticks_while_building) >= 2

        gaps = [b - a for a, b in zip(ticks, ticks[1:])]
        times = json.dumps({
            "create_to_first_build_line_s": round(first_line - clicked, 3),
            "cancel_click_to_cancelled_state_s": round(cancelled_at - cancel_at, 3),
            "cancel_click_to_nothing_left_s": round(left_gone - cancel_at, 3),
            "max_event_loop_gap_s": round(max(gaps), 3) if gaps else None,
            "timer_ticks": len(ticks),
        })
        print(f"gui docker build times: {times}")
        (cache_home() / "gui-build-times.json").write_text(times + "\n")

    finally:
        # Whatever happened above: remove the deployment (its redis-server, a container if the build got through).
        if deployment.state_dir(data["name"]).exists():
            deployment.destroy(data["name"], log=lambda line: None, cancel_event=threading.Event())
        from wizard.targets.local import resource_group as rg

        assert not rg.group_dir(data["resource_group"]["name"]).exists()
