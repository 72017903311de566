# Shared by ci/start-docker.sh, ci/stop-docker.sh, ci/build-images.sh and ci/test-compose.sh
# (source it; it defines variables and functions, and runs nothing).

# The docker CLI: $INDOUBT_DOCKER, else Debian's (docker.io, /usr/bin/docker), which matches
# the engine it ships with, else whichever is first on PATH. The Swift harness chooses the
# same way.
indoubt_docker_cli() {
  if [ -n "${INDOUBT_DOCKER:-}" ]; then
    echo "$INDOUBT_DOCKER"
  elif [ -x /usr/bin/docker ]; then
    echo /usr/bin/docker
  else
    command -v docker || echo docker
  fi
}
DOCKER="$(indoubt_docker_cli)"

# Where ci/start-docker.sh keeps the pid and log of a dockerd it started itself.
INDOUBT_DOCKERD_PIDFILE="${INDOUBT_DOCKERD_PIDFILE:-/run/indoubt-dockerd.pid}"
INDOUBT_DOCKERD_LOG="${INDOUBT_DOCKERD_LOG:-/var/log/indoubt-dockerd.log}"

# The images ci/build-images.sh builds, and the compose backend uses by default.
INDOUBT_LOCAL_PG_IMAGE="indoubt/postgres:15"
INDOUBT_LOCAL_SIDECAR_IMAGE="indoubt/sidecar:latest"

indoubt_docker_ready() { "$DOCKER" info >/dev/null 2>&1; }
