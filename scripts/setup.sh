#!/usr/bin/env bash
# One-time (idempotent) set-up: system packages (redis-server with TLS, Qt's runtime libraries),
# the .venv with the project and its test tools. Used by `make run` and `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
SYSTEM_PACKAGES=(redis-server redis-tools libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0 xvfb)
# Qt's xcb platform plugin (a real X display): every library `ldd` of PySide6's libqxcb.so names
# (tests/gui/test_gui_xcb.py checks this list against ldd + dpkg -S).
SYSTEM_PACKAGES+=(libx11-6 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1 libxcb-xfixes0 libxcb-xkb1)

redis_ok() {
  command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || return 1
  local major
  major=$(redis-server --version | sed -n 's/.*v=\([0-9]*\)\..*/\1/p')
  [ "${major:-0}" -ge 7 ] || return 1
  # A TLS build accepts --tls-port; one without TLS refuses it.
  redis-server --tls-port 0 --port 0 --test-memory 0 >/dev/null 2>&1 && return 0
  redis-server --help 2>&1 | grep -q -- '--tls' || ldd "$(command -v redis-server)" 2>/dev/null | grep -q libssl
}

missing_packages() {
  command -v dpkg >/dev/null 2>&1 || return 0
  for pkg in "${SYSTEM_PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || echo "$pkg"
  done
}

if command -v apt-get >/dev/null 2>&1; then
  missing=$(missing_packages)
  if [ -n "$missing" ]; then
    if [ "$(id -u)" -eq 0 ]; then
      echo "setup: installing system packages: $missing"
      DEBIAN_FRONTEND=noninteractive apt-get update -qq
      # shellcheck disable=SC2086
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo apt-get update -qq && sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
    else
      echo "setup: missing system packages. Run this, then try again:" >&2
      echo "  sudo apt-get install -y $missing" >&2
      exit 1
    fi
  fi
fi
if ! redis_ok; then
  echo "setup: redis-server >= 7 built with TLS (and redis-cli) is needed. Install it, e.g.:" >&2
  echo "  sudo apt-get install -y redis-server redis-tools     # Debian/Ubuntu" >&2
  echo "  brew install redis                                   # macOS" >&2
  exit 1
fi

# --- containers (function.packaging = "docker") ---------------------------------------------------
# A Docker engine, plus mmdebstrap (the local base image's Debian rootfs) and docker-registry (push tests).
# docker.io is installed only where no engine answers and no Docker package is there: it conflicts with
# docker-ce. Machines without an init system start a private engine with scripts/docker-engine.sh.
docker_answers() {
  command -v docker >/dev/null 2>&1 && timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}
docker_package_present() {
  command -v dockerd >/dev/null 2>&1 && return 0
  command -v dpkg >/dev/null 2>&1 || return 1
  for pkg in docker.io docker-ce moby-engine podman-docker; do
    dpkg -s "$pkg" >/dev/null 2>&1 && return 0
  done
  return 1
}
if command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1; then
  container_packages=(mmdebstrap docker-registry)
  if ! docker_answers && ! docker_package_present; then
    container_packages+=(docker.io)
  fi
  container_missing=""
  for pkg in "${container_packages[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || container_missing="$container_missing $pkg"
  done
  if [ -n "$container_missing" ]; then
    if [ "$(id -u)" -eq 0 ]; then
      echo "setup: installing container packages:$container_missing"
      DEBIAN_FRONTEND=noninteractive apt-get update -qq
      # shellcheck disable=SC2086
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $container_missing >/dev/null
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      # shellcheck disable=SC2086
      sudo apt-get update -qq && sudo apt-get install -y -qq --no-install-recommends $container_missing >/dev/null
    else
      # Containers are optional: the rest works without them, so say what to run instead of stopping.
      echo "setup: for the docker packaging, run: sudo apt-get install -y$container_missing" >&2
    fi
  fi
fi

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  log=.venv/pip-install.log
  echo "setup: installing the project into .venv (log: $log)"
  if ! { .venv/bin/python -m pip install --upgrade pip && .venv/bin/python -m pip install -e '.[test]'; } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "setup: pip install failed; the whole log is in $log" >&2
    exit 1
  fi
  touch "$stamp"
fi

# Translations: Qt's .ts sources -> .qm (pyside6-lrelease from the venv); gettext .po -> .mo (wizard.i18n's msgfmt).
for ts in resources/translations/*.ts; do
  [ -e "$ts" ] || continue
  qm="${ts%.ts}.qm"
  if [ ! -f "$qm" ] || [ "$ts" -nt "$qm" ]; then
    .venv/bin/pyside6-lrelease -silent "$ts" -qm "$qm"
  fi
done
.venv/bin/python -m wizard.i18n >/dev/null
