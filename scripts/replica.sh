#!/usr/bin/env bash
# A real streaming replica of this machine's PostgreSQL (127.0.0.1:5432) on another port (issue 23): .ci/run runs
# the replica tests against it (tests/test_replicas.py; docs/scaling.md, "Reads on replicas").
# Usage: scripts/replica.sh start|stop [port]   (default 5433; run as root or as the postgres user)
set -euo pipefail
port=${2:-5433}
dir=${REPLICA_DIR:-/tmp/replica-$port}
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
case "${1:-}" in
start)
  hba=$(psql -h 127.0.0.1 -U postgres -tAc "SHOW hba_file")
  if ! grep -q "^host *replication *all *127.0.0.1/32" "$hba"; then
    # the cluster lets nobody stream by default: allow it from this machine, as the other lines do
    echo "host replication all 127.0.0.1/32 trust" >>"$hba"
    psql -h 127.0.0.1 -U postgres -qtAc "SELECT pg_reload_conf()" >/dev/null
  fi
  if [ -f "$dir/postmaster.pid" ]; then as_postgres "$bin/pg_ctl" -D "$dir" -m fast stop >/dev/null || true; fi
  rm -rf "$dir"
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  chmod 700 "$dir"
  # -R writes the standby signal and primary_conninfo; -X stream copies the WAL written meanwhile
  as_postgres "$bin/pg_basebackup" -h 127.0.0.1 -p 5432 -U postgres -D "$dir" -R -X stream -c fast
  # Debian keeps a cluster's configuration outside its data directory: the copy needs its own
  as_postgres bash -c "cat >'$dir/postgresql.conf' <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
hot_standby = on
hot_standby_feedback = on
max_connections = 200
shared_buffers = 128MB
CONF
cp '$hba' '$dir/pg_hba.conf'; touch '$dir/pg_ident.conf'"
  as_postgres "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start >/dev/null
  for _ in $(seq 60); do
    streaming=$(psql -h 127.0.0.1 -p "$port" -U postgres -tAc \
      "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'" 2>/dev/null || true)
    [ "$streaming" = 1 ] && { echo "replica streaming on port $port ($dir)"; exit 0; }
    sleep 0.5
  done
  echo "the replica did not start streaming: $dir/server.log" >&2
  tail -20 "$dir/server.log" >&2 || true
  exit 1
  ;;
stop)
  if [ -f "$dir/postmaster.pid" ]; then as_postgres "$bin/pg_ctl" -D "$dir" -m fast stop >/dev/null || true; fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|stop [port]" >&2
  exit 2
  ;;
esac
