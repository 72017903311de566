#!/usr/bin/env bash
# Stops the dockerd that ci/start-docker.sh started (by the pid in its pid file, after
# checking that the pid is a dockerd), and leaves any other engine alone.
# Usage (as root): bash ci/stop-docker.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/docker-lib.sh

[ -s "$INDOUBT_DOCKERD_PIDFILE" ] || { echo "ci/stop-docker.sh: no dockerd started by ci/start-docker.sh"; exit 0; }
pid="$(cat "$INDOUBT_DOCKERD_PIDFILE")"
if ! kill -0 "$pid" 2>/dev/null || [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != dockerd ]; then
  echo "ci/stop-docker.sh: pid $pid is not a running dockerd; removing the stale pid file"
  rm -f "$INDOUBT_DOCKERD_PIDFILE"
  exit 0
fi
kill -TERM "$pid"
for _ in $(seq 1 150); do
  kill -0 "$pid" 2>/dev/null || { echo "ci/stop-docker.sh: stopped dockerd $pid"; exit 0; }
  sleep 0.2
done
echo "ci/stop-docker.sh: dockerd $pid did not stop within 30 s" >&2
exit 1
