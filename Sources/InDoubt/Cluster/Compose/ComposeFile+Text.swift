// Generated from docker-compose.yml by ci/sync-compose-text.py: edit the YAML, then run it.
extension ComposeFile {
    /// The text of the repository's `docker-compose.yml`, which the harness passes to
    /// `docker compose --file -`, so that a built `indoubt` needs no checkout beside it.
    /// A unit test keeps it identical to the file.
    public static let text = #"""
# PostgreSQL plus a fault-injecting sidecar, for InDoubt's compose backend
# (`indoubt run --backend compose`, INDOUBT_BACKEND=compose swift test). See docs/compose.md.
# The `replication` profile (`docker compose --profile replication`) adds a streaming
# standby with a sidecar of its own (docs/replication.md, "On Docker Compose").
#
# The sidecar shares the server's network namespace (network_mode: service:postgres) and
# has NET_ADMIN there, so the iptables and tc rules it runs cut the server's own traffic,
# inside the container, never the host's.
#
# Variables (the harness sets every one; by hand only INDOUBT_PG_IMAGE matters):
#   INDOUBT_PG_IMAGE       the PostgreSQL image: an official tag (postgres:16) or the local
#                          build of ci/build-images.sh (indoubt/postgres:15, the default)
#   INDOUBT_SIDECAR_IMAGE  an image with iptables (nf_tables), tc and sh (indoubt/sidecar:latest)
#   INDOUBT_PG_PORT        the host port on 127.0.0.1; empty: Docker picks a free one
#                          (`docker compose port postgres 5432` tells which)
#   INDOUBT_PG_ARGS        extra server arguments, such as "-c fsync=off -c max_connections=200"
#   INDOUBT_STANDBY_PORT, INDOUBT_STANDBY_ARGS
#                          the same for the standby of the replication profile; the primary
#                          then needs "-c hba_file=/etc/indoubt/pg_hba.conf" in INDOUBT_PG_ARGS
#                          (the image's own pg_hba.conf lets no replication connection in)
#   INDOUBT_OWNER_PID, INDOUBT_OWNER_START
#                          the harness process that owns the project (labels the reaper reads
#                          to remove the projects of runs that died)
#
# The harness passes its own copy of this file to `docker compose --file -` (ComposeFile.text):
# after editing it, run `python3 ci/sync-compose-text.py` (a unit test fails until the two match).

x-indoubt-labels: &indoubt-labels
  indoubt.owner.pid: "${INDOUBT_OWNER_PID:-}"
  indoubt.owner.start: "${INDOUBT_OWNER_START:-}"

services:
  postgres:
    image: ${INDOUBT_PG_IMAGE:-indoubt/postgres:15}
    command: postgres ${INDOUBT_PG_ARGS:-}
    environment:
      POSTGRES_HOST_AUTH_METHOD: trust
      POSTGRES_INITDB_ARGS: --no-sync
      PGDATA: /var/lib/postgresql/data
    # Throwaway data, and no anonymous volume for the image's VOLUME to leave behind.
    tmpfs:
      - /var/lib/postgresql/data
    # Used only where INDOUBT_PG_ARGS says hba_file=/etc/indoubt/pg_hba.conf (the replication
    # profile): trust, as POSTGRES_HOST_AUTH_METHOD says, for replication connections too.
    configs:
      - source: indoubt-hba
        target: /etc/indoubt/pg_hba.conf
    ports:
      - "127.0.0.1:${INDOUBT_PG_PORT:-}:5432"
    stop_signal: SIGINT
    healthcheck:
      # Over TCP: the official image's first start runs a temporary server on the socket only.
      test: ["CMD", "pg_isready", "--host=127.0.0.1", "--port=5432", "--username=postgres", "--timeout=2"]
      interval: 1s
      timeout: 3s
      retries: 60
    labels: *indoubt-labels

  sidecar:
    image: ${INDOUBT_SIDECAR_IMAGE:-indoubt/sidecar:latest}
    network_mode: service:postgres
    cap_add:
      - NET_ADMIN
    # Idles until stopped; exits at once on SIGTERM (a plain `sleep` as pid 1 would not).
    entrypoint: ["sh", "-c", "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $$!; done"]
    depends_on:
      - postgres
    labels: *indoubt-labels

  # The replication profile: a standby seeded by pg_basebackup of `postgres` (retried until
  # the primary takes replication connections), then started by the image's own entrypoint,
  # which finds PGDATA initialized and runs the server; `-R` makes it a standby
  # (standby.signal, primary_conninfo host=postgres). Its application_name for
  # synchronous_standby_names is its cluster_name, set in INDOUBT_STANDBY_ARGS.
  standby:
    profiles: [replication]
    image: ${INDOUBT_PG_IMAGE:-indoubt/postgres:15}
    entrypoint:
      - sh
      - -c
      - |
        set -eu
        mkdir -p "$$PGDATA" /var/run/postgresql
        chown postgres:postgres "$$PGDATA" /var/run/postgresql
        chmod 700 "$$PGDATA"
        until setpriv --reuid=postgres --regid=postgres --init-groups pg_basebackup --pgdata="$$PGDATA" \
            --host=postgres --username=postgres --wal-method=stream --checkpoint=fast --no-sync --write-recovery-conf; do
          find "$$PGDATA" -mindepth 1 -delete
          sleep 0.1
        done
        exec docker-entrypoint.sh "$$@"
      - standby
    command: postgres ${INDOUBT_STANDBY_ARGS:-}
    environment:
      POSTGRES_HOST_AUTH_METHOD: trust
      PGDATA: /var/lib/postgresql/data
    tmpfs:
      - /var/lib/postgresql/data
    ports:
      - "127.0.0.1:${INDOUBT_STANDBY_PORT:-}:5432"
    stop_signal: SIGINT
    healthcheck:
      test: ["CMD", "pg_isready", "--host=127.0.0.1", "--port=5432", "--username=postgres", "--timeout=2"]
      interval: 1s
      timeout: 3s
      retries: 60
    labels: *indoubt-labels

  standby-sidecar:
    profiles: [replication]
    image: ${INDOUBT_SIDECAR_IMAGE:-indoubt/sidecar:latest}
    network_mode: service:standby
    cap_add:
      - NET_ADMIN
    entrypoint: ["sh", "-c", "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $$!; done"]
    depends_on:
      - standby
    labels: *indoubt-labels

configs:
  indoubt-hba:
    content: |
      local all all trust
      local replication all trust
      host all all all trust
      host replication all all trust

networks:
  default:
    labels: *indoubt-labels

"""#
}
