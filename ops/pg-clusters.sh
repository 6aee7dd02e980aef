#!/usr/bin/env bash
# Extra PostgreSQL clusters of the project's own, from Debian's packages (pg_createcluster): tenant
# database servers for the placement map and the online move. Each listens on 127.0.0.1 only, trusts
# local TCP connections (test clusters: no password) and runs with wal_level=logical, so a tenant can
# be moved off it by logical replication. The machine's own cluster (5432) is never touched.
#
#   ops/pg-clusters.sh up [PORT...]     create (once) and start; default ports 5441 5442
#   ops/pg-clusters.sh down [PORT...]   stop and remove them (their data included)
#   ops/pg-clusters.sh status
set -euo pipefail
cmd=${1:-up}
shift || true
ports=("$@")
[ ${#ports[@]} -gt 0 ] || ports=(5441 5442)

if ! command -v pg_createcluster >/dev/null 2>&1; then
  echo "pg-clusters: pg_createcluster not found (Debian's postgresql-common); install the postgresql package" >&2
  exit 2
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -n1)

name_of() { echo "studyspot$1"; }

up() {
  local port=$1 name
  name=$(name_of "$port")
  if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version $name"; then
    pg_createcluster "$version" "$name" -p "$port" -- --auth-local=trust --auth-host=trust >/dev/null
    local conf=/etc/postgresql/$version/$name/conf.d/studyspot.conf
    cat >"$conf" <<EOF
listen_addresses = '127.0.0.1'
wal_level = logical
max_replication_slots = 20
max_wal_senders = 20
max_logical_replication_workers = 8
max_sync_workers_per_subscription = 4
max_connections = 200
shared_buffers = 64MB
fsync = on
EOF
  fi
  if ! pg_isready -q -h 127.0.0.1 -p "$port"; then
    pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$port" && break; sleep 0.5; done
  fi
  pg_isready -q -h 127.0.0.1 -p "$port" || { echo "pg-clusters: $name did not start on $port" >&2; exit 1; }
  echo "pg-clusters: $name up at postgresql://postgres@127.0.0.1:$port/"
}

down() {
  local port=$1 name
  name=$(name_of "$port")
  if pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version $name"; then
    pg_dropcluster --stop "$version" "$name"
    echo "pg-clusters: $name removed"
  fi
}

case "$cmd" in
  up) for p in "${ports[@]}"; do up "$p"; done ;;
  down) for p in "${ports[@]}"; do down "$p"; done ;;
  status) pg_lsclusters ;;
  *) echo "usage: ops/pg-clusters.sh up|down|status [PORT...]" >&2; exit 2 ;;
esac
