"""The builds `make dist` ships: the wheel installs and runs offline, and the frozen app runs (CLI and first page).

Both run the real build tools (python -m build, PyInstaller) on this checkout. No registry is reached: the wheel is
installed with --no-index, and its dependencies come from this project's .venv, exposed to the fresh environment
through a path file (pip check then proves the wheel's declared requirements are all satisfied there).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))
import build_dist  # noqa: E402  (packaging/ is not a package)

# The PyInstaller build alone takes 2–5 minutes on 2 cores (more while other work runs).
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
EXAMPLE = ROOT / "examples" / "digits-local.json"


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "LANG": "C", **kwargs.pop("env", {})}
    env.pop("PYTHONPATH", None)  # the checkout must not leak into what is being tested
    return subprocess.run(cmd, capture_output=True, text=True, timeout=kwargs.pop("timeout", 300), env=env,
                          stdin=subprocess.DEVNULL, **kwargs)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    built = build_dist.build_wheel(out)
    wheels = [p for p in built if p.suffix == ".whl"]
    assert len(wheels) == 1 and any(p.name.endswith(".tar.gz") for p in built)
    return wheels[0]


def test_wheel_installs_offline_and_runs(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    site = Path(run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    # Dependencies from this project's environment, without its editable finder (a path entry runs no .pth files).
    (site / "zz-project-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    done = run([str(py), "-m", "pip", "install", "--no-index", "--no-deps", str(wheel)])
    assert done.returncode == 0, done.stderr
    check = run([str(py), "-m", "pip", "check"])
    assert "mlfunc-wizard" not in check.stdout, check.stdout  # every requirement the wheel declares is present
    exe = venv / "bin" / "mlfunc-wizard"
    where = run([str(py), "-c", "import wizard; print(wizard.__file__)"], cwd=tmp_path)
    assert where.stdout.strip().startswith(str(venv)), where  # the wheel, not the checkout

    version = run([str(exe), "--version"], cwd=tmp_path)
    assert version.returncode == 0 and VERSION in version.stdout, version
    valid = run([str(exe), "validate", str(EXAMPLE)], cwd=tmp_path)
    assert valid.returncode == 0, valid.stdout + valid.stderr
    out = tmp_path / "app"
    built = run([str(exe), "build", str(EXAMPLE), "--out", str(out)], cwd=tmp_path,
                env={"MLFUNC_WIZARD_HOME": str(tmp_path / "home")})
    assert built.returncode == 0, built.stdout + built.stderr
    # The runtime ships inside the wheel and lands in the app it builds, with the shipped templates.
    assert (out / "function_app.py").is_file() and (out / "host.json").is_file()
    assert any(out.rglob("cached_entry.py"))


@pytest.fixture(scope="module")
def frozen_app(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("frozen")
    folder = build_dist.build_app(out, tmp_path_factory.mktemp("pyinstaller-work"))
    return folder / build_dist.APP


def test_frozen_app_runs_the_cli(frozen_app, tmp_path):
    version = run([str(frozen_app), "--version"], cwd=tmp_path)
    assert version.returncode == 0 and VERSION in version.stdout, version
    valid = run([str(frozen_app), "validate", str(EXAMPLE)], cwd=tmp_path)
    assert valid.returncode == 0, valid.stdout + valid.stderr
    broken = tmp_path / "broken.json"
    broken.write_text('{"name": "a--b"}')
    refused = run([str(frozen_app), "validate", str(broken)], cwd=tmp_path)
    assert refused.returncode == 1 and "name" in refused.stdout + refused.stderr


def test_frozen_app_opens_its_first_page_offscreen(frozen_app, tmp_path):
    shown = run([str(frozen_app), "gui", "--smoke-test"], cwd=tmp_path,
                env={"QT_QPA_PLATFORM": "offscreen", "MLFUNC_WIZARD_HOME": str(tmp_path / "home"),
                     "XDG_CONFIG_HOME": str(tmp_path / "config")})
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "first page:" in shown.stdout


def test_deb_wraps_the_frozen_app(frozen_app, tmp_path):
    if not build_dist.shutil.which("dpkg-deb"):
        pytest.skip("dpkg-deb is not installed (Debian's dpkg)")
    deb = build_dist.build_deb(frozen_app.parent, tmp_path)
    listing = run(["dpkg-deb", "--contents", str(deb)]).stdout
    for path in ("./opt/mlfunc-wizard/mlfunc-wizard", "./usr/bin/mlfunc-wizard",
                 "./usr/share/applications/mlfunc-wizard.desktop",
                 "./usr/share/icons/hicolor/scalable/apps/mlfunc-wizard.svg"):
        assert path in listing, path
    info = run(["dpkg-deb", "--field", str(deb), "Package", "Version"]).stdout
    assert "mlfunc-wizard" in info and VERSION in info


def test_frozen_app_deploys_locally_with_a_system_python(frozen_app, tmp_path, shared_env_cache):
    """The bundle's executable is no interpreter: the package step builds (or reuses) the app's environment with a
    system Python, helpers (log writers) run through the bundle, and the deployment answers and is destroyed."""
    env = {"MLFUNC_WIZARD_HOME": str(tmp_path / "home"), "MLFUNC_WIZARD_ENV_CACHE": str(shared_env_cache)}
    deploy = run([str(frozen_app), "deploy", str(EXAMPLE), "--yes"], cwd=tmp_path, env=env, timeout=900)
    try:
        assert deploy.returncode == 0, deploy.stdout[-3000:] + deploy.stderr[-3000:]
        answer = run([str(frozen_app), "invoke", "digits-local"], cwd=tmp_path, env=env)
        assert answer.returncode == 0, answer.stdout + answer.stderr
        assert '"result"' in answer.stdout
    finally:
        gone = run([str(frozen_app), "destroy", "digits-local", "--yes"], cwd=tmp_path, env=env)
    assert gone.returncode == 0, gone.stdout + gone.stderr
    assert not (tmp_path / "home" / "resource-groups").exists() or not any((tmp_path / "home" / "resource-groups").iterdir())
