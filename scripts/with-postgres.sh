#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster, then stop and remove the cluster.
#
#   scripts/with-postgres.sh make test-pg
#
# The cluster is made by initdb in a temporary directory, listens on 127.0.0.1 only, on a free port,
# with its socket in that directory; it runs as the `postgres` account when this script runs as root
# (PostgreSQL refuses to run as root). A role `zhifa` with a random password and the right to
# create databases (the tests create test_zhifa, test_zhifa_gw0, ...) owns the database `zhifa`.
# The command gets ZHIFA_DATABASE_URL=postgres://zhifa:...@127.0.0.1:PORT/zhifa.
set -euo pipefail

if (($# == 0)); then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi

pg_bin=""
for dir in /usr/lib/postgresql/*/bin; do
  [[ -x $dir/initdb ]] && pg_bin=$dir   # the glob sorts 13 < 15 < 16 for two-digit versions
done
if [[ -z $pg_bin ]]; then
  echo "ERROR: no PostgreSQL server found (/usr/lib/postgresql/*/bin/initdb): run \`make install\` as root" >&2
  echo "       or \`apt-get install postgresql\`" >&2
  exit 1
fi

workdir=$(mktemp -d "${TMPDIR:-/tmp}/zhifa-pg.XXXXXX")
data=$workdir/data
log=$workdir/postgresql.log
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  id postgres >/dev/null 2>&1 || { echo "ERROR: the postgres account is missing (is the postgresql package installed?)" >&2; exit 1; }
  chown postgres: "$workdir"
  as_pg=(runuser -u postgres --)
fi
pg() { (cd "$workdir" && "${as_pg[@]}" "$@"); }

started=false
cleanup() {
  local rc=$?
  if $started; then
    pg "$pg_bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || echo "WARNING: pg_ctl stop failed (see $log)" >&2
  fi
  if ((rc != 0)) && [[ -s $log ]]; then
    echo "--- last lines of the PostgreSQL log ---" >&2
    tail -n 20 "$log" >&2 || true
  fi
  rm -rf "$workdir"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  python3 - <<'PY'
import socket
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
PY
}
port=$(free_port)
password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')

echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}'): throwaway cluster in $workdir, 127.0.0.1:$port"
pg "$pg_bin/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=peer --auth-host=scram-sha-256 >"$workdir/initdb.log" \
  || { cat "$workdir/initdb.log" >&2; exit 1; }
# A throwaway cluster needs no durability: skip the disk flushes.
pg "$pg_bin/pg_ctl" -D "$data" -l "$log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $workdir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null
started=true

pg "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$workdir" -p "$port" -U postgres -d postgres <<SQL
CREATE ROLE zhifa LOGIN CREATEDB PASSWORD '$password';
CREATE DATABASE zhifa OWNER zhifa ENCODING 'UTF8';
SQL

export ZHIFA_DATABASE_URL="postgres://zhifa:$password@127.0.0.1:$port/zhifa"
echo "ZHIFA_DATABASE_URL=postgres://zhifa:***@127.0.0.1:$port/zhifa"
"$@"
