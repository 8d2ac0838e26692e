"""Builds what `make dist` ships into dist/: the wheel and sdist, the PyInstaller one-folder app, and a .deb of it.

Usage: .venv/bin/python packaging/build_dist.py [--out dist] [--only wheel|app|deb]...
The .deb installs the frozen app to /opt/mlfunc-wizard, a `mlfunc-wizard` launcher in /usr/bin, the .desktop
entry and the icon. It is built with dpkg-deb (-Zgzip keeps the step short); no registry is reached.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = "mlfunc-wizard"


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def say(message: str) -> None:
    print(f"dist: {message}", flush=True)


def build_wheel(out: Path) -> list[Path]:
    """Wheel and sdist with the build front-end; no isolation, so the declared build tools in .venv are used."""
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--wheel", "--sdist", "--outdir", str(out), str(ROOT)],
                   check=True, cwd=ROOT)
    built = sorted(out.glob("mlfunc_wizard-*.whl")) + sorted(out.glob("mlfunc_wizard-*.tar.gz"))
    say("built " + ", ".join(p.name for p in built))
    return built


def build_app(out: Path, work: Path) -> Path:
    """The PyInstaller one-folder app: out/mlfunc-wizard/mlfunc-wizard."""
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                    "--distpath", str(out), "--workpath", str(work), str(ROOT / "packaging" / f"{APP}.spec")],
                   check=True, cwd=ROOT)
    folder = out / APP
    say(f"built the frozen app in {folder}")
    return folder


def build_deb(app_folder: Path, out: Path) -> Path:
    """Wrap the frozen app as a .deb: /opt/mlfunc-wizard, /usr/bin launcher, .desktop entry and icon."""
    stage = out / "deb-root"
    shutil.rmtree(stage, ignore_errors=True)
    shutil.copytree(app_folder, stage / "opt" / APP, symlinks=True)
    (stage / "usr" / "bin").mkdir(parents=True)
    (stage / "usr" / "bin" / APP).symlink_to(f"/opt/{APP}/{APP}")
    applications = stage / "usr" / "share" / "applications"
    applications.mkdir(parents=True)
    shutil.copy2(ROOT / "packaging" / f"{APP}.desktop", applications / f"{APP}.desktop")
    icons = stage / "usr" / "share" / "icons" / "hicolor" / "scalable" / "apps"
    icons.mkdir(parents=True)
    shutil.copy2(ROOT / "resources" / "icons" / "app.svg", icons / f"{APP}.svg")
    size_kib = sum(p.stat().st_size for p in stage.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
    (stage / "DEBIAN").mkdir()
    (stage / "DEBIAN" / "control").write_text(
        f"Package: {APP}\n"
        f"Version: {version()}\n"
        "Section: devel\n"
        "Priority: optional\n"
        "Architecture: amd64\n"
        "Maintainer: mlfunc-wizard developers <mlfunc-wizard@users.noreply.github.com>\n"
        f"Installed-Size: {size_kib}\n"
        # The local target runs redis-server and builds the function app's environment with a system Python.
        "Depends: libegl1, libgl1, libxkbcommon0, libxkbcommon-x11-0, libfontconfig1, libdbus-1-3, libglib2.0-0\n"
        "Recommends: redis-server (>= 5:7), redis-tools, python3 (>= 3.11), python3-venv\n"
        "Description: Deploy an ML model to Azure Functions with a Redis inference cache\n"
        " A desktop wizard (and CLI) that deploys a scikit-learn model as a function app with a Redis\n"
        " cache in front, on this computer or on Azure.\n",
        encoding="utf-8",
    )
    deb = out / f"{APP}_{version()}_amd64.deb"
    subprocess.run(["dpkg-deb", "-Zgzip", "--root-owner-group", "--build", str(stage), str(deb)], check=True,
                   stdout=subprocess.DEVNULL)
    shutil.rmtree(stage)
    say(f"built {deb}")
    return deb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "dist"))
    parser.add_argument("--only", action="append", choices=("wheel", "app", "deb"))
    args = parser.parse_args(argv)
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    parts = set(args.only or ("wheel", "app", "deb"))
    if "wheel" in parts:
        build_wheel(out)
    if parts & {"app", "deb"}:
        folder = build_app(out, ROOT / "build" / "pyinstaller")
        if "deb" in parts:
            if shutil.which("dpkg-deb") is None:
                say("dpkg-deb is not installed, so no .deb was built (apt-get install dpkg)")
            else:
                build_deb(folder, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
