#!/usr/bin/env bash
# A private PostgreSQL for `make demo-server` (and for trying server mode on one machine), from the distribution's
# server binaries: a cluster in .pg/ of the checkout on a Unix socket, no TCP port, no password (trust, local only).
#   scripts/pg-local.sh start   # initialise once, start, create the database `evidence`; prints its URL
#   scripts/pg-local.sh url     # the URL (EVIDENCE_DATABASE_URL)
#   scripts/pg-local.sh stop
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="${EVIDENCE_PG_DIR:-$ROOT/.pg}"
PORT="${EVIDENCE_PG_PORT:-55432}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -n "$BIN" ] || { echo "error: PostgreSQL server binaries not found (install the postgresql package: make setup)" >&2; exit 2; }
as_owner() { if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
url() { echo "postgresql://evidence@/evidence?host=$DIR/socket&port=$PORT"; }
case "${1:-}" in
  start)
    mkdir -p "$DIR/socket"
    [ "$(id -u)" = "0" ] && chown -R postgres "$DIR"
    if [ ! -f "$DIR/data/PG_VERSION" ]; then
      as_owner "$BIN/initdb" -D "$DIR/data" -U evidence --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! as_owner "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
      as_owner "$BIN/pg_ctl" -D "$DIR/data" -o "-p $PORT -k $DIR/socket -c listen_addresses=''" \
        -l "$DIR/log" -w -t 60 start >/dev/null
    fi
    as_owner "$BIN/psql" -h "$DIR/socket" -p "$PORT" -U evidence -d postgres -Atqc \
      "SELECT 1 FROM pg_database WHERE datname = 'evidence'" | grep -q 1 ||
      as_owner "$BIN/createdb" -h "$DIR/socket" -p "$PORT" -U evidence --template=template0 evidence
    echo "PostgreSQL running in $DIR (stop: scripts/pg-local.sh stop)" >&2
    url ;;
  url) url ;;
  stop) as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true ;;
  *) echo "usage: $0 start|url|stop" >&2; exit 2 ;;
esac
