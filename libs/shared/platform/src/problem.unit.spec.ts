import { BadRequestException, Body, Controller, Get, HttpException, NotFoundException, Post } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { IsString, MaxLength } from 'class-validator';
import { Writable } from 'node:stream';
import { createTestApp } from './bootstrap';
import { createLogger } from './logger';
import { ProblemDetails, ProblemException } from './problem';
import { toProblemDetails } from './problem-filter';

class EchoDto {
  @IsString() @MaxLength(10) name!: string;
}

@Controller('t')
class ProbeController {
  @Post('echo')
  echo(@Body() dto: EchoDto): EchoDto {
    return dto;
  }

  @Get('conflict')
  conflict(): never {
    throw ProblemException.conflict('已撤回 / Already withdrawn', [{ field: 'id', message: 'withdrawn' }]);
  }

  @Get('nest-404')
  nest404(): never {
    throw new NotFoundException('no such whistle');
  }

  @Get('nest-400')
  nest400(): never {
    throw new BadRequestException(['a must be set', 'b must be set']);
  }

  @Get('boom')
  boom(): never {
    throw new Error('database password is hunter2');
  }

  @Get('teapot')
  teapot(): never {
    throw problem418();
  }
}

function problem418(): ProblemException {
  return new ProblemException({ type: 'https://chuishao.dev/problems/teapot', title: '茶壶 / Teapot', status: 418, detail: 'short and stout' });
}

const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, cb) {
    lines.push(chunk.toString('utf8'));
    cb();
  },
});

let app: NestFastifyApplication;

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({ controllers: [ProbeController] }).compile();
  app = await createTestApp(moduleRef, { logger: createLogger('test', 'error', sink) });
});

afterAll(async () => {
  await app.close();
});

function parse(body: string): ProblemDetails {
  return JSON.parse(body) as ProblemDetails;
}

describe('ProblemDetailsFilter on Fastify', () => {
  it('malformed JSON → 400 malformed-json', async () => {
    const res = await app.inject({ method: 'POST', url: '/t/echo', headers: { 'content-type': 'application/json' }, payload: '{"name": ' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = parse(res.body);
    expect(body).toMatchObject({ type: 'https://chuishao.dev/problems/malformed-json', title: '请求体不是合法的 JSON / Malformed JSON', status: 400 });
    expect(typeof body.detail).toBe('string');
  });

  it('empty JSON body → 400 malformed-json', async () => {
    const res = await app.inject({ method: 'POST', url: '/t/echo', headers: { 'content-type': 'application/json' }, payload: '' });
    expect(res.statusCode).toBe(400);
    expect(parse(res.body).type).toBe('https://chuishao.dev/problems/malformed-json');
  });

  it('300 KiB body → 413', async () => {
    const payload = JSON.stringify({ name: 'x'.repeat(300 * 1024) });
    const res = await app.inject({ method: 'POST', url: '/t/echo', headers: { 'content-type': 'application/json' }, payload });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(parse(res.body)).toMatchObject({ type: 'https://chuishao.dev/problems/payload-too-large', status: 413 });
  });

  it('a body just under 256 KiB is accepted by the parser (then validated)', async () => {
    const payload = JSON.stringify({ name: 'x'.repeat(250 * 1024) });
    const res = await app.inject({ method: 'POST', url: '/t/echo', headers: { 'content-type': 'application/json' }, payload });
    expect(res.statusCode).toBe(422);
  });

  it('unsupported media type → 415', async () => {
    const res = await app.inject({ method: 'POST', url: '/t/echo', headers: { 'content-type': 'application/xml' }, payload: '<a/>' });
    expect(res.statusCode).toBe(415);
    expect(parse(res.body)).toMatchObject({ type: 'https://chuishao.dev/problems/unsupported-media-type', status: 415 });
  });

  it('unknown route → 404 problem+json', async () => {
    const res = await app.inject({ method: 'GET', url: '/nowhere' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(parse(res.body)).toMatchObject({ type: 'https://chuishao.dev/problems/not-found', title: '资源不存在 / Not found', status: 404 });
  });

  it('a thrown ProblemException passes through unchanged', async () => {
    const res = await app.inject({ method: 'GET', url: '/t/conflict' });
    expect(res.statusCode).toBe(409);
    expect(parse(res.body)).toEqual({
      type: 'https://chuishao.dev/problems/conflict',
      title: '状态冲突 / Conflict',
      status: 409,
      detail: '已撤回 / Already withdrawn',
      errors: [{ field: 'id', message: 'withdrawn' }],
    });
    const teapot = await app.inject({ method: 'GET', url: '/t/teapot' });
    expect(teapot.statusCode).toBe(418);
    expect(parse(teapot.body).type).toBe('https://chuishao.dev/problems/teapot');
  });

  it("Nest's default exception bodies are converted", async () => {
    const nf = await app.inject({ method: 'GET', url: '/t/nest-404' });
    expect(nf.statusCode).toBe(404);
    expect(parse(nf.body)).toEqual({ type: 'https://chuishao.dev/problems/not-found', title: '资源不存在 / Not found', status: 404, detail: 'no such whistle' });
    const br = await app.inject({ method: 'GET', url: '/t/nest-400' });
    expect(parse(br.body)).toMatchObject({ status: 400, type: 'https://chuishao.dev/problems/bad-request', detail: 'a must be set; b must be set' });
  });

  it('validation failures use the 400/422 rule with field paths', async () => {
    const wrongType = await app.inject({ method: 'POST', url: '/t/echo', payload: { name: 5 } });
    expect(wrongType.statusCode).toBe(400);
    const tooLong = await app.inject({ method: 'POST', url: '/t/echo', payload: { name: 'x'.repeat(11) } });
    expect(tooLong.statusCode).toBe(422);
    expect(tooLong.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(parse(tooLong.body).errors).toEqual([{ field: 'name', message: expect.stringContaining('10') as unknown as string }]);
    const ok = await app.inject({ method: 'POST', url: '/t/echo', payload: { name: 'ok' } });
    expect(ok.statusCode).toBe(201);
  });

  it('unknown errors → 500 with a generic detail, logged with stack, nothing leaked', async () => {
    lines.length = 0;
    const res = await app.inject({ method: 'GET', url: '/t/boom', headers: { 'x-request-id': 'req-42' } });
    expect(res.statusCode).toBe(500);
    const body = parse(res.body);
    expect(body).toMatchObject({ type: 'https://chuishao.dev/problems/internal', status: 500, instance: 'urn:chuishao:request:req-42' });
    expect(res.body).not.toContain('hunter2');
    expect(res.headers['x-request-id']).toBe('req-42');
    const logged = lines.map((l) => JSON.parse(l) as { err?: { stack?: string }; service?: string; level?: string });
    const entry = logged.find((l) => l.err?.stack?.includes('database password'));
    expect(entry).toBeDefined();
    expect(entry?.service).toBe('test');
    expect(entry?.level).toBe('error');
  });
});

describe('toProblemDetails without the onError hook (fallback by status)', () => {
  it('maps Nest-wrapped Fastify errors', () => {
    expect(toProblemDetails(new HttpException('Request body is too large', 413)).type).toMatch(/payload-too-large$/);
    expect(toProblemDetails(new HttpException('Unsupported Media Type: a/b', 415)).type).toMatch(/unsupported-media-type$/);
    expect(toProblemDetails(new HttpException("Body is not valid JSON but content-type is set to 'application/json'", 400)).type).toMatch(/malformed-json$/);
  });

  it('maps raw Fastify errors and SyntaxError', () => {
    expect(toProblemDetails(Object.assign(new Error('x'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 })).status).toBe(413);
    expect(toProblemDetails(new SyntaxError('Unexpected token')).type).toMatch(/malformed-json$/);
    expect(toProblemDetails('weird').status).toBe(500);
  });
});
