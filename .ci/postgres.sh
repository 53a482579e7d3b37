# Sourced by .ci/run: a throwaway PostgreSQL on loopback for the DATABASE_URL contract tests.
# Debian's postgresql package; the cluster lives in a temp folder and is stopped on exit.
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  [ -n "${APT_UPDATED:-}" ] || { apt-get update -qq; APT_UPDATED=1; }
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PG_DIR=$(mktemp -d /tmp/ringnity-pg.XXXXXX)
PG_PORT=${PG_PORT:-54329}
chown postgres "$PG_DIR"
as_postgres() { su postgres -s /bin/sh -c "$*"; }
as_postgres "$PG_BIN/initdb -D $PG_DIR/data -A trust -U postgres" >/dev/null
as_postgres "$PG_BIN/pg_ctl -D $PG_DIR/data -l $PG_DIR/log -w -o \"-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off\" start" >/dev/null
trap 'as_postgres "$PG_BIN/pg_ctl -D $PG_DIR/data -m fast stop" >/dev/null 2>&1; rm -rf "$PG_DIR"' EXIT
as_postgres "$PG_BIN/createdb -h 127.0.0.1 -p $PG_PORT -U postgres ringnity_test"
export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/ringnity_test"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT for the DATABASE_URL tests"
