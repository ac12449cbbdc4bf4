import { Writable } from 'node:stream';
import { createLogger, PinoNestLogger, redactUrl } from './logger';

function capture(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _e, cb) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  it('writes JSON with service, ISO time and a textual level', () => {
    const { lines, stream } = capture();
    createLogger('intake', 'info', stream).info('hello');
    expect(lines[0]).toMatchObject({ service: 'intake', level: 'info', msg: 'hello' });
    expect(String(lines[0]['time'])).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('redacts secrets and personal data', () => {
    const { lines, stream } = capture();
    createLogger('intake', 'info', stream).info(
      {
        req: { headers: { authorization: 'Bearer abc', cookie: 'sid=1' } },
        token: 't0',
        reply: { by: { name: '张三' }, note: 'kept' },
        whistle: { description: '张三家漏水', title: 'kept', location: { phone: '13800000000' } },
        feedback: { comment: 'bad', email: 'a@b.c', password: 'pw' },
      },
      'event',
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ['abc', 'sid=1', 't0', '张三', '13800000000', 'bad', 'a@b.c', '"pw"']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('kept');
    expect(text).toContain('[REDACTED]');
  });

  it('masks feedback tokens and api keys in URLs', () => {
    expect(redactUrl('/api/v1/feedback/abc123?x=1')).toBe('/api/v1/feedback/[REDACTED]?x=1');
    expect(redactUrl('/open311/v2/requests.json?api_key=o311.x.y&a=b')).toBe('/open311/v2/requests.json?api_key=[REDACTED]&a=b');
  });

  it('masks URL secrets in `source` and `url` (a proxy\'s upstream URL), also in child loggers', () => {
    const { lines, stream } = capture();
    const child = createLogger('gateway', 'info', stream).child({ reqId: 'r1' });
    child.info({ source: 'http://127.0.0.1:8081/api/v1/feedback/tok123' }, 'fetching from remote server');
    child.info({ url: '/open311/v2/requests.json?api_key=o311.k' }, 'x');
    const text = JSON.stringify(lines);
    expect(text).not.toContain('tok123');
    expect(text).not.toContain('o311.k');
  });
});

describe('PinoNestLogger', () => {
  it('maps Nest calls to pino levels with context and stack', () => {
    const { lines, stream } = capture();
    const logger = new PinoNestLogger(createLogger('svc', 'trace', stream));
    logger.log('Mapped {/x, GET} route', 'RouterExplorer');
    logger.error('boom', 'Error: boom\n    at x (y.js:1:1)', 'ExceptionsHandler');
    logger.warn({ msg: 'obj' });
    logger.verbose('v');
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'Mapped {/x, GET} route', context: 'RouterExplorer' });
    expect(lines[1]).toMatchObject({ level: 'error', msg: 'boom', context: 'ExceptionsHandler' });
    expect(String(lines[1]['stack'])).toContain('at x');
    expect(lines[2]).toMatchObject({ level: 'warn', msg: 'obj' });
    expect(lines[3]).toMatchObject({ level: 'trace', msg: 'v' });
  });
});
