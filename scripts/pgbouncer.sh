#!/usr/bin/env bash
# PgBouncer in transaction mode in front of this machine's PostgreSQL (issue 23): .ci/run runs the concurrency and
# job tests through it, with DATABASE_POOLED=1 (docs/scaling.md, "Pooled connections").
# Usage: scripts/pgbouncer.sh start|stop [port]   (default 6432; PostgreSQL at 127.0.0.1:5432, trusted)
set -euo pipefail
port=${2:-6432}
dir=${PGBOUNCER_DIR:-/tmp/pgbouncer-$port}
case "${1:-}" in
start)
  mkdir -p "$dir"
  echo '"postgres" ""' >"$dir/users.txt"
  # join_collapse_limit: set on each server connection here, since in transaction mode a client's startup
  # parameter would not follow it from one server connection to the next (dealership/settings.py)
  cat >"$dir/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=5432 connect_query='SET join_collapse_limit = 1'

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/users.txt
pool_mode = transaction
max_client_conn = 500
default_pool_size = 40
ignore_startup_parameters = extra_float_digits
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
  if [ "$(id -u)" = 0 ]; then  # PgBouncer refuses to run as root
    chown -R postgres "$dir"
    pgbouncer -d -u postgres "$dir/pgbouncer.ini"
  else
    pgbouncer -d "$dir/pgbouncer.ini"
  fi
  for _ in $(seq 40); do pg_isready -q -h 127.0.0.1 -p "$port" && exit 0; sleep 0.25; done
  echo "PgBouncer did not start: $dir/pgbouncer.log" >&2
  tail -20 "$dir/pgbouncer.log" >&2 || true
  exit 1
  ;;
stop)
  if [ -f "$dir/pgbouncer.pid" ]; then kill "$(cat "$dir/pgbouncer.pid")" 2>/dev/null || true; fi
  ;;
*)
  echo "usage: $0 start|stop [port]" >&2
  exit 2
  ;;
esac
