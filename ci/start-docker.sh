#!/usr/bin/env bash
# Starts a Docker engine (Debian's dockerd) if none answers, and waits until it does.
# Idempotent: with an engine already running (started by anyone), it does nothing.
# A dockerd started here runs on after the script ends (the compose tests need it), with
# its pid in /run/indoubt-dockerd.pid and its log in /var/log/indoubt-dockerd.log;
# `bash ci/stop-docker.sh` stops it (and only it). Usage (as root): bash ci/start-docker.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/docker-lib.sh

if indoubt_docker_ready; then
  echo "ci/start-docker.sh: a Docker engine is already running"
  exit 0
fi
command -v dockerd >/dev/null || { echo "ci/start-docker.sh: dockerd is missing: apt-get install docker.io" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "ci/start-docker.sh: starting dockerd needs root" >&2; exit 2; }

# A pid file of a dockerd that died leaves its socket and pid file behind; dockerd refuses
# to start over a live one, and cleans up a stale one itself.
if [ -s "$INDOUBT_DOCKERD_PIDFILE" ] && kill -0 "$(cat "$INDOUBT_DOCKERD_PIDFILE")" 2>/dev/null; then
  echo "ci/start-docker.sh: dockerd $(cat "$INDOUBT_DOCKERD_PIDFILE") runs but does not answer; see $INDOUBT_DOCKERD_LOG" >&2
  exit 1
fi
# setsid: the engine must outlive this script and not get the terminal's Ctrl-C.
setsid dockerd --pidfile "$INDOUBT_DOCKERD_PIDFILE" >>"$INDOUBT_DOCKERD_LOG" 2>&1 </dev/null &
for _ in $(seq 1 150); do
  if indoubt_docker_ready; then
    echo "ci/start-docker.sh: started dockerd (pid $(cat "$INDOUBT_DOCKERD_PIDFILE"), log $INDOUBT_DOCKERD_LOG)"
    exit 0
  fi
  sleep 0.2
done
echo "ci/start-docker.sh: dockerd did not answer within 30 s; its log:" >&2
tail -20 "$INDOUBT_DOCKERD_LOG" >&2 || true
exit 1
