import { Logger } from '@nestjs/common';
import { Writable } from 'node:stream';
import { DatabaseError } from 'pg';
import { createLogger, PinoNestLogger } from '@chuishao/platform';
import { databaseLogger } from './database';

describe("TypeORM's logger for the services (contract §10)", () => {
  const lines: string[] = [];
  beforeAll(() => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString('utf8'));
        cb();
      },
    });
    Logger.overrideLogger(new PinoNestLogger(createLogger('test', 'info', sink)));
  });
  afterAll(() => Logger.overrideLogger(false));

  it('logs a failing query with its SQLSTATE, table and statement label, never its parameters or detail', () => {
    const resident = '张阿姨 13912345678 福缘里 3 号';
    const e = new DatabaseError('null value in column "title" of relation "whistle_view" violates not-null constraint', 100, 'error');
    Object.assign(e, { code: '23502', table: 'whistle_view', column: 'title', schema: 'intake', severity: 'ERROR', detail: `Failing row contains (${resident}).` });
    databaseLogger.logQueryError(e, 'INSERT INTO whistle_view (id, doc) VALUES ($1, $2)', [resident, { description: resident }]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('13912345678');
    expect(lines[0]).not.toContain('$1');
    expect(JSON.parse(lines[0])).toMatchObject({
      level: 'warn',
      context: 'Database',
      msg: 'query failed: INSERT INTO whistle_view',
      statement: 'INSERT INTO whistle_view',
      err: { code: '23502', table: 'whistle_view', column: 'title' },
    });
  });

  it('logs no query that succeeds', () => {
    lines.length = 0;
    databaseLogger.logQuery('SELECT 1 WHERE $1', ['x']);
    expect(lines).toHaveLength(0);
  });
});
