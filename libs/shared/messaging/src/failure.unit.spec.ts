import { ConcurrencyError } from '@chuishao/event-store';
import { classifyFailure, sqlState } from './failure';
import { RejectMessage } from './rejected';

/** A pg DatabaseError as node-postgres raises it (code, message; the parameters live on TypeORM's wrapper). */
function pgError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, severity: 'ERROR' });
}
/** TypeORM's QueryFailedError around it: the query and its parameters ride along, and must not reach the reason. */
function typeormError(code: string, message: string): Error {
  return Object.assign(new Error(message), { name: 'QueryFailedError', query: 'INSERT INTO events …', parameters: ['和平区福缘里 3 号楼'], driverError: pgError(code, message) });
}

describe('classifyFailure: one table for every consumer (docs/reliability.md)', () => {
  it.each([
    ['22P05', 'unsupported Unicode escape sequence'],
    ['22001', 'value too long for type character varying(120)'],
    ['23502', 'null value in column "title" violates not-null constraint'],
    ['23503', 'insert or update violates foreign key constraint'],
    ['23514', 'new row violates check constraint'],
    ['54000', 'index row size exceeds maximum'],
  ])('SQLSTATE %s (the store refuses the data) is permanent', (code, message) => {
    const failure = classifyFailure(typeormError(code, message));
    expect(failure).toEqual({ kind: 'permanent', reason: `PostgreSQL ${code}: ${message}` });
    expect(failure.reason).not.toContain('福缘里');
  });

  it.each(['40001', '40P01', '08006', '08001', '57P01', '53300', '55P03'])('SQLSTATE %s (the world is in the way) is transient', (code) => {
    expect(classifyFailure(pgError(code, 'x')).kind).toBe('transient');
  });

  it('a unique violation is not taken for permanent at once: most often a concurrent append, which a retry settles', () => {
    expect(classifyFailure(pgError('23505', 'duplicate key value violates unique constraint')).kind).toBe('unknown');
  });

  it('a refusal (RejectMessage) is permanent, with its own reason', () => {
    expect(classifyFailure(new RejectMessage('schema violation: note must be a string'))).toEqual({ kind: 'permanent', reason: 'schema violation: note must be a string' });
  });

  it('a concurrency conflict of the event store is transient', () => {
    expect(classifyFailure(new ConcurrencyError('whistle-1', 3, 4)).kind).toBe('transient');
  });

  it.each([
    ['refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['terminated', new Error('Connection terminated unexpectedly')],
    ['broker', Object.assign(new Error('The producer is disconnected'), { name: 'KafkaJSError', retriable: true })],
  ])('a lost connection or an unavailable broker is transient: %s', (_label, err) => {
    expect(classifyFailure(err).kind).toBe('transient');
  });

  it('anything else is unknown, named by its error (retried, then parked while the database answers)', () => {
    expect(classifyFailure(new TypeError("Cannot read properties of undefined (reading 'level')"))).toEqual({
      kind: 'unknown',
      reason: "TypeError: Cannot read properties of undefined (reading 'level')",
    });
  });

  it('reasons are one line of at most 300 characters', () => {
    const reason = classifyFailure(new Error(`a\n${'x'.repeat(1000)}`)).reason;
    expect(reason).not.toContain('\n');
    expect(reason.length).toBeLessThanOrEqual(300);
  });

  it('sqlState reads the code of pg errors and of TypeORM wrappers, nothing else', () => {
    expect(sqlState(pgError('22P05', 'x'))).toBe('22P05');
    expect(sqlState(typeormError('40001', 'x'))).toBe('40001');
    expect(sqlState(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBeUndefined();
  });
});
