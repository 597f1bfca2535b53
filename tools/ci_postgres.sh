#!/usr/bin/env bash
# Bring up Debian's PostgreSQL cluster for CI and print the test database URL.
#
#   TEST_DATABASE_URL=$(bash tools/ci_postgres.sh)
#
# - installs the Debian `postgresql` package when pg_ctlcluster or the server
#   binary is missing (needs root; apt-get update first);
# - uses the newest installed major version's `main` cluster (pg_createcluster
#   when there is none) and starts it with pg_ctlcluster; a postgres that is not
#   Debian's (e.g. one in /usr/local/bin) is never used;
# - listens on 127.0.0.1:5432, or, when 5432 is taken by something else, on the
#   first free port from 5433 up (said on stderr);
# - creates/updates role `servicehall` (password `servicehall`, LOGIN CREATEDB)
#   and database `servicehall` owned by it, then checks a password login over TCP.
# Progress goes to stderr; stdout is only the URL
#   postgresql+psycopg://servicehall:servicehall@127.0.0.1:<port>/servicehall
set -euo pipefail

PG_ROLE=servicehall
PG_PASSWORD=servicehall
PG_DB=servicehall
PREFERRED_PORT=${CI_PG_PORT:-5432}

say() { echo "ci_postgres: $*" >&2; }

as_root=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { say "not root and no sudo"; exit 1; }
    as_root=(sudo)
fi

newest_version() {
    local v best=""
    for v in /usr/lib/postgresql/*/bin/postgres; do
        [ -x "$v" ] || continue
        v=${v#/usr/lib/postgresql/}; v=${v%%/*}
        if [ -z "$best" ] || [ "$v" -gt "$best" ]; then best=$v; fi
    done
    echo "$best"
}

port_free() {  # true when nothing listens on 127.0.0.1:$1
    python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
EOF
}

# --- 1. the Debian server package -------------------------------------------
if ! command -v pg_ctlcluster >/dev/null || [ -z "$(newest_version)" ]; then
    say "installing Debian package postgresql"
    export DEBIAN_FRONTEND=noninteractive
    "${as_root[@]}" apt-get update -qq >&2
    "${as_root[@]}" apt-get install -y -qq --no-install-recommends postgresql >&2
fi
VER=$(newest_version)
[ -n "$VER" ] || { say "no /usr/lib/postgresql/*/bin/postgres after install"; exit 1; }
BIN=/usr/lib/postgresql/$VER/bin

# --- 2. the cluster -----------------------------------------------------------
# pg_lsclusters -h: "ver cluster port status owner datadir logfile"
cluster_line() { pg_lsclusters -h 2>/dev/null | awk -v v="$VER" '$1 == v && $2 == "main"'; }

if [ -z "$(cluster_line)" ]; then
    port=$PREFERRED_PORT
    while ! port_free "$port"; do port=$((port + 1)); done
    say "creating cluster $VER/main on port $port"
    "${as_root[@]}" pg_createcluster "$VER" main --port="$port" >&2
fi

read -r _ _ port status _ < <(cluster_line)
if [ "$status" != "online" ]; then
    # the configured port may be held by another server (or another cluster)
    want=$PREFERRED_PORT
    while ! port_free "$want"; do want=$((want + 1)); done
    if [ "$want" != "$PREFERRED_PORT" ]; then
        say "port $PREFERRED_PORT is busy (not this cluster): using port $want instead"
    fi
    if [ "$want" != "$port" ]; then
        "${as_root[@]}" pg_conftool "$VER" main set port "$want" >&2
        port=$want
    fi
    say "starting cluster $VER/main on port $port"
    "${as_root[@]}" pg_ctlcluster "$VER" main start >&2
else
    say "cluster $VER/main already online on port $port"
    [ "$port" = "$PREFERRED_PORT" ] || say "note: it listens on $port, not $PREFERRED_PORT"
fi

for _ in $(seq 1 60); do
    "$BIN/pg_isready" -q -h 127.0.0.1 -p "$port" && break
    sleep 0.5
done
"$BIN/pg_isready" -h 127.0.0.1 -p "$port" >&2 || {
    say "server not ready on 127.0.0.1:$port"
    tail -n 30 "/var/log/postgresql/postgresql-$VER-main.log" >&2 || true
    exit 1
}

# --- 3. role and database (idempotent) ----------------------------------------
"${as_root[@]}" runuser -u postgres -- "$BIN/psql" -X -q -v ON_ERROR_STOP=1 \
    -h /var/run/postgresql -p "$port" -d postgres >&2 <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_ROLE') THEN
        CREATE ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
    ELSE
        ALTER ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
    END IF;
END
\$\$;
-- The tests drop their scratch databases WITH (FORCE), which must be able to end an
-- autovacuum worker that happens to be in one.
GRANT pg_signal_backend TO $PG_ROLE;
SELECT 'CREATE DATABASE $PG_DB OWNER $PG_ROLE'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DB')\gexec
SQL

# a password login over TCP, exactly as the tests will connect
PGPASSWORD=$PG_PASSWORD "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" \
    -U "$PG_ROLE" -d "$PG_DB" -tAc "select 'ci_postgres: connected as ' || current_user || ' to ' || current_database() || ', ' || version()" >&2

echo "postgresql+psycopg://$PG_ROLE:$PG_PASSWORD@127.0.0.1:$port/$PG_DB"
