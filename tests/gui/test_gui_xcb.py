"""The wizard on a real X server (Xvfb) with Qt's xcb platform, and the system libraries that platform needs.

Offscreen rendering (the rest of tests/gui) never loads the xcb plugin, so a missing libxcb-* package only
showed when a person ran `make run` on a desktop. These tests load it for real.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETUP = ROOT / "scripts" / "setup.sh"


def _qt_dir() -> Path:
    import PySide6

    return Path(PySide6.__file__).parent / "Qt"


def _xcb_plugin() -> Path:
    return _qt_dir() / "plugins" / "platforms" / "libqxcb.so"


def setup_packages() -> list[str]:
    """SYSTEM_PACKAGES of scripts/setup.sh (every `SYSTEM_PACKAGES=(...)`/`SYSTEM_PACKAGES+=(...)` line)."""
    packages: list[str] = []
    for match in re.finditer(r"^\s*SYSTEM_PACKAGES\+?=\(([^)]*)\)", SETUP.read_text(), re.MULTILINE):
        packages += [p for p in match.group(1).split() if not p.startswith("#")]
    return packages


@pytest.fixture
def xvfb():
    """A real Xvfb on a display number it picks itself (-displayfd), stopped by its PID afterwards."""
    if not shutil.which("Xvfb"):
        pytest.fail("Xvfb is not installed; scripts/setup.sh installs the xvfb package")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
                            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as ready:
            number = ready.readline().strip()  # written once the server accepts connections
        assert number.isdigit(), "Xvfb did not report its display number"
        yield f":{number}"
    finally:
        if proc.poll() is None and proc.pid > 0:
            os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


SHOW_FIRST_PAGE = """
import sys
from PySide6.QtGui import QGuiApplication
from wizard.ui.app import make_app
from wizard.ui.wizard import DeploymentWizard
app = make_app()
window = DeploymentWizard()
window.show()
app.processEvents()
print("platform=" + QGuiApplication.platformName())
print("page=" + window.currentPage().title())
print("visible=" + str(window.isVisible()))
window.close()
sys.exit(0)
"""


def test_the_wizard_starts_on_a_real_x_display_with_the_xcb_platform(xvfb, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
    env.update(DISPLAY=xvfb, QT_QPA_PLATFORM="xcb", MLFUNC_WIZARD_HOME=str(tmp_path / "home"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), LANG="C")
    proc = subprocess.Popen([sys.executable, "-c", SHOW_FIRST_PAGE], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 0, f"the wizard did not start on xcb:\n{err[-3000:]}"
    assert "platform=xcb" in out
    assert "page=Start" in out
    assert "visible=True" in out


def _ldd(path: Path) -> list[tuple[str, str]]:
    """(soname, resolved path or 'not found') for every library the dynamic loader would load."""
    out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, check=True).stdout
    found = []
    for line in out.splitlines():
        m = re.match(r"\s*(\S+) => (not found|(\S+) \(0x)", line)
        if m:
            found.append((m.group(1), m.group(3) or "not found"))
    return found


def _package_of(path: str) -> str:
    """The Debian package owning a library file (tries the /usr-merged spellings too)."""
    real = os.path.realpath(path)
    candidates = [path, real]
    for p in (path, real):
        if p.startswith("/lib"):
            candidates.append("/usr" + p)
        elif p.startswith("/usr/lib"):
            candidates.append(p[4:])
    for candidate in candidates:
        done = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if done.returncode == 0:
            return done.stdout.split(":", 1)[0].split(",")[0].strip()
    return ""


def _field(package: str, field: str) -> str:
    done = subprocess.run(["dpkg-query", "-W", "-f", "${" + field + "}", package], capture_output=True, text=True)
    return done.stdout if done.returncode == 0 else ""


def _dependency_closure(packages: list[str]) -> set[str]:
    """The packages apt installs along with `packages` (their Depends/Pre-Depends, recursively, as installed here)."""
    seen: set[str] = set()
    todo = list(packages)
    while todo:
        name = todo.pop().split(":", 1)[0]
        if name in seen:
            continue
        seen.add(name)
        depends = _field(name, "Depends") + "," + _field(name, "Pre-Depends")
        for clause in depends.split(","):
            for alternative in clause.split("|"):
                dep = alternative.strip().split(" ", 1)[0].split(":", 1)[0]
                if dep:
                    todo.append(dep)
    return seen


def test_every_library_the_xcb_plugin_needs_comes_from_a_package_setup_installs():
    if not shutil.which("dpkg"):
        pytest.skip("not a Debian-family system: scripts/setup.sh installs system packages with apt only")
    libraries = _ldd(_xcb_plugin())
    missing = [soname for soname, path in libraries if path == "not found"]
    assert not missing, f"the xcb plugin cannot load: {sorted(set(missing))} not found"
    installed_by_setup = _dependency_closure(setup_packages())
    qt = str(_qt_dir())
    gaps = []
    for soname, path in libraries:
        if path.startswith(qt):
            continue  # bundled with PySide6
        package = _package_of(path)
        if not package:
            gaps.append(f"{soname} ({path}: no package owns it)")
        elif package not in installed_by_setup and _field(package, "Priority") != "required":
            gaps.append(f"{soname} from {package}")
    # Not hidden by this machine having the package: it must be reachable from setup.sh's list itself.
    assert not gaps, "add these packages to SYSTEM_PACKAGES in scripts/setup.sh: " + ", ".join(gaps)


def test_setup_lists_the_xcb_packages_by_name():
    # The direct xcb dependencies are named, not left to another package's dependencies.
    listed = set(setup_packages())
    for package in ("libxcb-icccm4", "libxcb-keysyms1", "libxcb-image0", "libxcb-render-util0", "libxcb-randr0",
                    "libxcb-shape0", "libxcb-cursor0", "libxcb-xkb1", "libxkbcommon-x11-0"):
        assert package in listed, package
