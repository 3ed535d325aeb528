#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for the tests (and `make demo-postgres`): a new cluster in a
# temporary directory, listening on 127.0.0.1 only, on a free port, trust authentication,
# fsync off (nothing in it outlives the run).
#
#   scripts/postgres.sh start        starts one; prints `export` lines (eval them):
#                                    SLATE_TEST_POSTGRES_URL, SLATE_POSTGRES_DIR
#   scripts/postgres.sh stop [DIR]   stops the one in DIR (default $SLATE_POSTGRES_DIR) and
#                                    removes DIR
#   scripts/postgres.sh env          prints the export lines of the running one ($SLATE_POSTGRES_DIR)
#   scripts/postgres.sh run -- CMD…  starts one, runs CMD with SLATE_TEST_POSTGRES_URL set,
#                                    stops it on exit (trap), exits with CMD's status. When
#                                    SLATE_TEST_POSTGRES_URL is already set, runs CMD as is.
#                                    When no server can be started, says why on stderr and
#                                    runs CMD without it (the PostgreSQL tests then skip,
#                                    each printing that it skipped).
#
# The package `postgresql` is installed when missing (root only, as scripts/ensure-deps.sh
# does). `initdb` refuses root, so as root the cluster belongs to the `postgres` user (which
# the package creates); otherwise to the current user.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
here=$(cd "$(dirname "$0")" && pwd)

log() { echo "postgres.sh: $*" >&2; }

ensure_installed() {
  [ -x "$PG_BIN/initdb" ] && return 0
  if [ "$(id -u)" = 0 ]; then
    log "installing postgresql"
    "$here/ensure-deps.sh" postgresql >&2 || return 1
  fi
  [ -x "$PG_BIN/initdb" ] || { log "no PostgreSQL 15 at $PG_BIN (install: apt-get install -y postgresql)"; return 1; }
}

# Runs a command as the cluster's owner.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

print_env() {
  local dir=$1
  echo "export SLATE_POSTGRES_DIR=$dir"
  echo "export SLATE_TEST_POSTGRES_URL=$(cat "$dir/url")"
}

start() {
  ensure_installed || return 1
  local dir user
  dir=$(mktemp -d "${TMPDIR:-/tmp}/slate-postgres.XXXXXX")
  chmod 755 "$dir"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || { log "no postgres user"; rm -rf "$dir"; return 1; }
    chown postgres: "$dir"
    user=postgres
  else
    user=$(id -un)
  fi
  if ! as_owner "$PG_BIN/initdb" -D "$dir/data" -U "$user" --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
      >"$dir/initdb.log" 2>&1; then
    log "initdb failed:"; cat "$dir/initdb.log" >&2; rm -rf "$dir"; return 1
  fi
  local attempt port
  for attempt in 1 2 3; do
    port=$(free_port)
    if as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200" \
        >/dev/null 2>&1; then
      echo "postgres://$user@127.0.0.1:$port/postgres" >"$dir/url"
      print_env "$dir"
      return 0
    fi
  done
  log "pg_ctl start failed:"; tail -20 "$dir/server.log" >&2 || true
  rm -rf "$dir"
  return 1
}

stop() {
  local dir=${1:-${SLATE_POSTGRES_DIR:-}}
  [ -n "$dir" ] && [ -d "$dir/data" ] || { log "no cluster to stop (${dir:-SLATE_POSTGRES_DIR unset})"; return 1; }
  as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || log "pg_ctl stop failed in $dir"
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) shift; stop "$@" ;;
  env)
    [ -n "${SLATE_POSTGRES_DIR:-}" ] && [ -f "$SLATE_POSTGRES_DIR/url" ] || { log "no running cluster"; exit 1; }
    print_env "$SLATE_POSTGRES_DIR" ;;
  run)
    shift
    [ "${1:-}" = "--" ] && shift
    [ $# -gt 0 ] || { log "usage: postgres.sh run -- COMMAND…"; exit 2; }
    if [ -n "${SLATE_TEST_POSTGRES_URL:-}" ]; then exec "$@"; fi
    if lines=$(start); then
      eval "$lines"
      trap 'stop "$SLATE_POSTGRES_DIR"' EXIT
      log "PostgreSQL at $SLATE_TEST_POSTGRES_URL"
      status=0
      "$@" || status=$?
      exit $status
    else
      log "no PostgreSQL server could be started: the PostgreSQL tests will skip"
      exec "$@"
    fi ;;
  *)
    echo "usage: $0 start | stop [DIR] | env | run -- COMMAND…" >&2
    exit 2 ;;
esac
