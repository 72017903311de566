#!/bin/sh
# The entrypoint of InDoubt's locally built PostgreSQL image (ci/build-images.sh).
#
# It follows the official `postgres` image's conventions closely enough that
# docker-compose.yml runs either image unchanged:
#   - `docker run IMAGE -c name=value ...` runs `postgres -c name=value ...`;
#   - as root, it prepares PGDATA (default /var/lib/postgresql/data) and the socket folder,
#     then runs itself again as the `postgres` user;
#   - on an empty PGDATA it runs initdb with POSTGRES_USER (default postgres),
#     POSTGRES_PASSWORD, POSTGRES_INITDB_ARGS, allows network clients with
#     POSTGRES_HOST_AUTH_METHOD (default scram-sha-256; the harness uses trust), listens on
#     all addresses, and creates POSTGRES_DB (default: the user's name);
#   - then execs the server in the foreground, logging to stderr.
# Not supported (the official image has them): /docker-entrypoint-initdb.d scripts,
# POSTGRES_INITDB_WALDIR, *_FILE secrets.
set -eu

if [ "${1#-}" != "$1" ]; then
	set -- postgres "$@"
fi

if [ "$1" = postgres ]; then
	: "${PGDATA:=/var/lib/postgresql/data}"
	export PGDATA
	if [ "$(id -u)" = 0 ]; then
		mkdir -p "$PGDATA" /var/run/postgresql
		chown postgres:postgres "$PGDATA" /var/run/postgresql
		chmod 700 "$PGDATA"
		chmod 3777 /var/run/postgresql
		exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
	fi

	if [ ! -s "$PGDATA/PG_VERSION" ]; then
		user="${POSTGRES_USER:-postgres}"
		auth="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
		if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$auth" != trust ]; then
			echo "docker-entrypoint.sh: the database is uninitialized and no password is set:" >&2
			echo "  set POSTGRES_PASSWORD, or POSTGRES_HOST_AUTH_METHOD=trust to allow every connection without one" >&2
			exit 1
		fi
		pwfile=
		if [ -n "${POSTGRES_PASSWORD:-}" ]; then
			pwfile="$(mktemp)"
			printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
		fi
		# shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of words, as in the official image.
		initdb --username="$user" ${pwfile:+--pwfile="$pwfile"} ${POSTGRES_INITDB_ARGS:-} -D "$PGDATA" >/dev/null
		[ -z "$pwfile" ] || rm -f "$pwfile"
		printf "\nlisten_addresses = '*'\n" >> "$PGDATA/postgresql.conf"
		printf '\nhost all all all %s\n' "$auth" >> "$PGDATA/pg_hba.conf"
		database="${POSTGRES_DB:-$user}"
		if [ "$database" != postgres ]; then
			printf 'CREATE DATABASE "%s"\n' "$database" | postgres --single -D "$PGDATA" postgres >/dev/null
		fi
		echo "docker-entrypoint.sh: initialized $PGDATA (user $user, host auth $auth)" >&2
	fi
fi

exec "$@"
