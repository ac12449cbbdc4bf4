#!/usr/bin/env bash
# Chuishao — PostgreSQL write baseline for the event store.
#
# Creates a scratch database (chuishao_pgbench), an events/outbox table pair shaped like ours, and
# runs pgbench with 8 clients / 2 threads, each transaction = 1 event insert + 1 outbox insert.
# Prints pgbench's "tps = ..." line unchanged on stdout; drops the scratch database at the end.
#
# Env: PGHOST (127.0.0.1) PGPORT (5432) PGUSER (postgres) PGPASSWORD (optional),
#      SECONDS / PGBENCH_SECONDS (run length, default 15), PGBENCH_CLIENTS (8), PGBENCH_THREADS (2).
# Exit codes: 0 ok, 3 pgbench not installed, 1 anything else.
set -euo pipefail

# Bash's own $SECONDS is always set (seconds since the shell started), so "${SECONDS:-15}" would be
# ~0 here. Only honour SECONDS when the caller really put it in the environment.
DURATION="${PGBENCH_SECONDS:-$(printenv SECONDS 2>/dev/null || true)}"
DURATION="${DURATION:-15}"
[[ "$DURATION" =~ ^[0-9]+$ ]] && [ "$DURATION" -gt 0 ] || { echo "invalid duration '$DURATION'" >&2; exit 1; }
CLIENTS="${PGBENCH_CLIENTS:-8}"
THREADS="${PGBENCH_THREADS:-2}"

export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
DB=chuishao_pgbench

find_bin() { # $1 = program name
  if command -v "$1" >/dev/null 2>&1; then command -v "$1"; return 0; fi
  local c
  for c in $(ls -d /usr/lib/postgresql/*/bin/"$1" /usr/pgsql-*/bin/"$1" 2>/dev/null | sort -V -r); do
    [ -x "$c" ] && { echo "$c"; return 0; }
  done
  return 1
}

PGBENCH="$(find_bin pgbench)" || {
  echo "pgbench not found (PATH or /usr/lib/postgresql/*/bin). Install it, e.g.: apt-get install postgresql-contrib (Debian/Ubuntu) or postgresql15-contrib (RHEL)." >&2
  exit 3
}
PSQL="$(find_bin psql)" || { echo "psql not found" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/chuishao-pgbench.XXXXXX")"
cleanup() {
  "$PSQL" -X -q -d postgres -v ON_ERROR_STOP=0 -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

psql_db() { PGOPTIONS="-c client_min_messages=warning" "$PSQL" -X -q -v ON_ERROR_STOP=1 "$@"; }

psql_db -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" >/dev/null

psql_db -d "$DB" -f "$(dirname "${BASH_SOURCE[0]}")/baseline-tables.sql" >/dev/null

# One transaction = one new whistle stream (position 1) + its outbox row, as two statements like the
# app sends them. The event's data is ~600 bytes of JSON (close to a real WhistleBlown); the outbox
# payload carries the whole event.
cat >"$work/append.sql" <<'SQL'
\set street random(1, 6)
\set households random(0, 500)
\set lat random(39100000, 39140000)
\set lng random(117180000, 117220000)
BEGIN;
INSERT INTO events (event_id, stream_id, stream_position, type, data, metadata, prev_hash, hash)
SELECT e.id, 'whistle-' || e.id, 1, 'WhistleBlown', e.data,
       jsonb_build_object('actor', jsonb_build_object('role', 'street', 'org', 'street-' || :street, 'sub', 'bench-' || :client_id),
                          'correlationId', e.id, 'causationId', e.id, 'schemaVersion', 1),
       repeat('0', 64),
       encode(sha256(convert_to(e.data::text, 'UTF8')), 'hex')
FROM (
  SELECT gen_random_uuid() AS id,
         jsonb_build_object(
           'situationCode', 'PUBLIC_SERVICE_HEATING_OUTAGE',
           'title', '小区供暖中断，多户居民反映室温过低',
           'description', '居民反映暖气不热，约' || :households || '户受影响，请尽快到场排查。',
           'location', jsonb_build_object('address', '和平区南京路与营口道交口附近某小区3号楼', 'communityId', 'community-' || :street || '-01',
                                          'lat', :lat / 1000000.0, 'lng', :lng / 1000000.0),
           'requestedDepartments', jsonb_build_array('dept-heating', 'dept-housing'),
           'hints', jsonb_build_object('lifeSafety', false, 'householdsAffected', :households),
           'streetId', 'street-' || :street,
           'attachments', jsonb_build_array(jsonb_build_object('url', 'https://files.example.org/p/' || md5(random()::text) || '.jpg', 'kind', 'photo'))
         ) AS data
) e
RETURNING global_position AS pos
\gset
INSERT INTO outbox (topic, key, payload)
SELECT 'chuishao.whistles.v1', stream_id,
       jsonb_build_object('eventId', event_id, 'type', type, 'streamId', stream_id, 'position', global_position,
                          'occurredAt', occurred_at, 'data', data, 'metadata', metadata, 'hash', hash)
FROM events WHERE global_position = :pos;
END;
SQL

echo "pgbench: ${CLIENTS} clients, ${THREADS} threads, ${DURATION}s, 1 event + 1 outbox row per transaction (db $DB on $PGHOST:$PGPORT)" >&2
"$PGBENCH" -n -f "$work/append.sql" -c "$CLIENTS" -j "$THREADS" -T "$DURATION" "$DB" >"$work/out.txt" 2>"$work/err.txt" || {
  cat "$work/out.txt" "$work/err.txt" >&2
  echo "pgbench failed" >&2
  exit 1
}
if ! grep -q '^tps = ' "$work/out.txt"; then
  cat "$work/out.txt" "$work/err.txt" >&2
  echo "pgbench printed no tps line" >&2
  exit 1
fi
grep -E 'number of transactions actually processed|number of failed|latency average' "$work/out.txt" >&2 || true
psql_db -d "$DB" -At -c "SELECT 'avg event data: ' || round(avg(octet_length(e.data::text))) || ' bytes json, row ' || round(avg(pg_column_size(e.*))) || ' bytes' FROM events e" >&2 || true
grep '^tps = ' "$work/out.txt"
