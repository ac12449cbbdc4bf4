-- The event store's two tables as the baselines use them: pgbench's transaction
-- (deploy/bench/pgbench-baseline.sh) and the floor's hops (scripts/bench/floor.js) write
-- one row into each. Created in the schema first on the search_path.
CREATE TABLE IF NOT EXISTS events (
  global_position bigserial PRIMARY KEY,
  event_id        uuid        NOT NULL UNIQUE,
  stream_id       text        NOT NULL,
  stream_position bigint      NOT NULL,
  type            text        NOT NULL,
  data            jsonb       NOT NULL,
  metadata        jsonb       NOT NULL,
  occurred_at     timestamptz NOT NULL DEFAULT now(),
  prev_hash       char(64)    NOT NULL,
  hash            char(64)    NOT NULL,
  UNIQUE (stream_id, stream_position)
);
CREATE TABLE IF NOT EXISTS outbox (
  id         bigserial PRIMARY KEY,
  topic      text        NOT NULL,
  key        text        NOT NULL,
  payload    jsonb       NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
