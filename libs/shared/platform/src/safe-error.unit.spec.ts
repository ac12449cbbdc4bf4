import { Writable } from 'node:stream';
import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import { createLogger } from './logger';
import { safeErrorSerializer, statementLabel } from './safe-error';

// a resident's words and phone number, as they would reach a failing INSERT
const DESCRIPTION = '我家楼下早餐车占了消防通道，电话 13912345678';
const SQL = `INSERT INTO events (stream_id, stream_position, type, data) VALUES ($1, $2, $3, $4)`;

/** A DatabaseError as pg's protocol parser makes it for a 23505 (its fields set after construction). */
function uniqueViolation(): DatabaseError {
  const e = new DatabaseError('duplicate key value violates unique constraint "events_stream_id_stream_position_key"', 180, 'error');
  Object.assign(e, {
    severity: 'ERROR',
    code: '23505',
    detail: `Key (stream_id, stream_position)=(whistle-${DESCRIPTION}, 1) already exists.`,
    schema: 'intake',
    table: 'events',
    constraint: 'events_stream_id_stream_position_key',
    file: 'nbtinsert.c',
    line: '666',
    routine: '_bt_check_unique',
    where: `SQL statement "INSERT INTO events VALUES ('${DESCRIPTION}')"`,
  });
  return e;
}

function logged(err: unknown): { line: string; json: Record<string, unknown> } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  createLogger('test', 'info', sink).error({ err }, 'append failed');
  return { line: lines[0], json: JSON.parse(lines[0]) as Record<string, unknown> };
}

describe('safeErrorSerializer (contract §10: no SQL parameters or personal data in logs)', () => {
  it("TypeORM's QueryFailedError around pg's DatabaseError: code, constraint, table, statement kept; parameters, query, detail gone", () => {
    const err = new QueryFailedError(SQL, ['whistle-1', 1, 'WhistleBlown', JSON.stringify({ description: DESCRIPTION })], uniqueViolation());
    const { line, json } = logged(err);
    expect(line).not.toContain('13912345678');
    expect(line).not.toContain('早餐车');
    expect(line).not.toContain('VALUES');
    expect(json.err).toMatchObject({
      type: 'QueryFailedError',
      code: '23505',
      constraint: 'events_stream_id_stream_position_key',
      table: 'events',
      schema: 'intake',
      routine: '_bt_check_unique',
      statement: 'INSERT INTO events',
      keyColumns: 'stream_id, stream_position',
      message: 'duplicate key value violates unique constraint "events_stream_id_stream_position_key"',
    });
    for (const k of ['parameters', 'query', 'detail', 'driverError', 'where']) expect(json.err).not.toHaveProperty(k);
  });

  it('pg DatabaseError alone, and one in a cause', () => {
    const alone = safeErrorSerializer(uniqueViolation()) as Record<string, unknown>;
    expect(alone).toMatchObject({ code: '23505', table: 'events', keyColumns: 'stream_id, stream_position' });
    expect(JSON.stringify(alone)).not.toContain('13912345678');
    const wrapped = new Error('append failed', { cause: new QueryFailedError(SQL, [DESCRIPTION], uniqueViolation()) });
    const out = JSON.stringify(safeErrorSerializer(wrapped));
    expect(out).not.toContain('13912345678');
    expect(out).toContain('23505');
  });

  it('a data exception (class 22) quotes the value in its message and stack: cut', () => {
    const e = new DatabaseError(`invalid input syntax for type uuid: "${DESCRIPTION}"`, 100, 'error');
    Object.assign(e, { code: '22P02', severity: 'ERROR', routine: 'string_to_uuid' });
    const err = new QueryFailedError('SELECT doc FROM whistle_view WHERE id = $1', [DESCRIPTION], e);
    const { line, json } = logged(err);
    expect(line).not.toContain('13912345678');
    expect(json.err).toMatchObject({ code: '22P02', message: 'invalid input syntax for type uuid [REDACTED]', statement: 'SELECT doc FROM whistle_view' });
    expect(String((json.err as { stack: string }).stack)).toMatch(/^QueryFailedError: invalid input syntax for type uuid \[REDACTED\]\n/);
  });

  it('other errors are serialized as pino does', () => {
    expect(safeErrorSerializer(new TypeError('boom'))).toMatchObject({ type: 'TypeError', message: 'boom' });
    expect(safeErrorSerializer('text')).toBe('text');
  });

  it.each([
    [SQL, 'INSERT INTO events'],
    ['  UPDATE streams\n   SET version = $2 WHERE id = $1', 'UPDATE streams'],
    ["SELECT * FROM events WHERE data->>'description' = 'x'", 'SELECT * FROM events'],
    ['DELETE FROM outbox WHERE id = ANY($1)', 'DELETE FROM outbox'],
    ["INSERT INTO t VALUES ('secret')", 'INSERT INTO t'],
    ['(SELECT 1)', undefined],
  ])('statementLabel(%j) = %j', (sql, label) => {
    expect(statementLabel(sql)).toBe(label);
  });
});
