/** DDL of the event store, the outbox and the inbox, created in each service's own schema by its first migration. */
/**
 * The outbox trigger's function. `onlyForOtherWriters` (migration 0001, ADR 0013): no NOTIFY from a
 * session with `chuishao.outbox_wake = process`, whose process wakes its relay itself.
 */
export function notifyOutboxFunction(onlyForOtherWriters: boolean): string {
  const notify = `PERFORM pg_notify('chuishao_outbox_' || current_schema(), '');`;
  return `CREATE OR REPLACE FUNCTION notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  ${onlyForOtherWriters ? `IF coalesce(current_setting('chuishao.outbox_wake', true), '') <> 'process' THEN\n    ${notify}\n  END IF;` : notify}
  RETURN NULL;
END $$`;
}

export const EVENT_STORE_DDL = `
CREATE TABLE IF NOT EXISTS streams (
  stream_id   text PRIMARY KEY,
  stream_type text NOT NULL,
  version     bigint NOT NULL,
  last_hash   char(64) NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS events (
  global_position bigserial PRIMARY KEY,
  event_id        uuid NOT NULL UNIQUE,
  stream_id       text NOT NULL REFERENCES streams(stream_id),
  stream_position bigint NOT NULL,
  type            text NOT NULL,
  schema_version  int NOT NULL,
  data            jsonb NOT NULL,
  metadata        jsonb NOT NULL,
  occurred_at     timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  prev_hash       char(64) NOT NULL,
  hash            char(64) NOT NULL,
  transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
  UNIQUE (stream_id, stream_position)
);
CREATE INDEX IF NOT EXISTS events_type_idx ON events (type, global_position);
CREATE TABLE IF NOT EXISTS outbox (
  id         bigserial PRIMARY KEY,
  topic      text NOT NULL,
  key        text,
  value      text NOT NULL,
  headers    jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS inbox (
  consumer     text NOT NULL,
  message_id   text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, message_id)
);
${notifyOutboxFunction(false)};
DROP TRIGGER IF EXISTS outbox_notify ON outbox;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION notify_outbox();
`;

export const EVENT_STORE_DROP = `
DROP TRIGGER IF EXISTS outbox_notify ON outbox;
DROP FUNCTION IF EXISTS notify_outbox();
DROP TABLE IF EXISTS inbox; DROP TABLE IF EXISTS outbox; DROP TABLE IF EXISTS events; DROP TABLE IF EXISTS streams;
`;
