#!/usr/bin/env bash
# A private Docker engine for machines without an init system (CI runners, containers, WSL without systemd).
#
#   scripts/docker-engine.sh start    start dockerd (as root) under the user's cache folder; waits until it answers
#   scripts/docker-engine.sh stop     stop it by the PID in its pidfile (after checking /proc/PID/exe is dockerd)
#   scripts/docker-engine.sh status   "running pid N at unix://SOCK" (exit 0) or "not running" (exit 3)
#   scripts/docker-engine.sh env      prints `export DOCKER_HOST=unix://SOCK`: eval "$(scripts/docker-engine.sh env)"
#
# Everything lives in ${MLFUNC_WIZARD_CACHE:-${XDG_CACHE_HOME:-~/.cache}/mlfunc-wizard}/docker: data/ (images,
# layers: kept between runs, so a second start is warm), exec/, docker.sock, dockerd.pid, dockerd.log.
# The flags are the ones that work without a host network set-up: no iptables, no bridge (containers use
# --network host or none), overlay2 storage (set MLFUNC_DOCKER_STORAGE=vfs where overlayfs is unavailable).
# mlfunc-wizard finds this engine's socket by itself when no other engine answers.
set -euo pipefail

CACHE=${MLFUNC_WIZARD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mlfunc-wizard}
DIR=$CACHE/docker
SOCK=$DIR/docker.sock
PIDFILE=$DIR/dockerd.pid
LOG=$DIR/dockerd.log
STORAGE=${MLFUNC_DOCKER_STORAGE:-overlay2}

# The PID in the pidfile, only when that process is really a dockerd (a stale file may name another program).
engine_pid() {
  [ -f "$PIDFILE" ] || return 1
  local pid exe
  pid=$(tr -dc '0-9' <"$PIDFILE")
  [ -n "$pid" ] && [ "$pid" -gt 0 ] || return 1
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  [ "$(basename "${exe% (deleted)}")" = dockerd ] || return 1
  echo "$pid"
}

answers() {
  docker -H "unix://$SOCK" version --format '{{.Server.Version}}' >/dev/null 2>&1
}

case "${1:-}" in
  start)
    if pid=$(engine_pid) && answers; then
      echo "docker-engine: already running (pid $pid) at unix://$SOCK"
      exit 0
    fi
    if [ "$(id -u)" -ne 0 ]; then
      echo "docker-engine: dockerd needs root; run: sudo $0 start" >&2
      exit 1
    fi
    command -v dockerd >/dev/null 2>&1 || { echo "docker-engine: dockerd is not installed; run: sudo apt-get install -y docker.io" >&2; exit 1; }
    mkdir -p "$DIR/data" "$DIR/exec"
    rm -f "$SOCK"
    # setsid: the engine outlives this shell and does not get the terminal's Ctrl-C.
    setsid dockerd --iptables=false --ip6tables=false --bridge=none --storage-driver="$STORAGE" \
      --data-root "$DIR/data" --exec-root "$DIR/exec" -H "unix://$SOCK" --pidfile "$PIDFILE" \
      </dev/null >>"$LOG" 2>&1 &
    started=$!
    for _ in $(seq 1 150); do
      if answers; then
        echo "docker-engine: running (pid $started) at unix://$SOCK"
        exit 0
      fi
      kill -0 "$started" 2>/dev/null || break
      sleep 0.2
    done
    echo "docker-engine: dockerd did not start; the end of $LOG:" >&2
    tail -n 20 "$LOG" >&2
    if [ "$started" -gt 0 ] && kill -0 "$started" 2>/dev/null; then kill "$started"; fi
    exit 1
    ;;
  stop)
    if ! pid=$(engine_pid); then
      echo "docker-engine: not running"
      rm -f "$PIDFILE"
      exit 0
    fi
    kill -TERM "$pid"
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || { echo "docker-engine: stopped (pid $pid)"; exit 0; }
      sleep 0.1
    done
    # Still there after 10 s: it is ours (checked above), so force it.
    kill -KILL "$pid" 2>/dev/null || true
    echo "docker-engine: killed (pid $pid) after 10 s"
    ;;
  status)
    if pid=$(engine_pid) && answers; then
      echo "running pid $pid at unix://$SOCK"
    else
      echo "not running"
      exit 3
    fi
    ;;
  env)
    echo "export DOCKER_HOST=unix://$SOCK"
    ;;
  *)
    echo "usage: $0 start|stop|status|env" >&2
    exit 2
    ;;
esac
