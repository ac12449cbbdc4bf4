import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { createTestApp } from './bootstrap';
import { ProblemDetails } from './problem';
import { TEXT_MESSAGES } from './text';

class PlaceDto {
  @IsString() @IsNotEmpty() address!: string;
}

class NoteDto {
  @IsString() @IsNotEmpty() @MaxLength(5) note!: string;
  @IsOptional() @ValidateNested() @Type(() => PlaceDto) location?: PlaceDto;
}

@Controller('t')
class ProbeController {
  @Post('note')
  note(@Body() dto: NoteDto): NoteDto {
    return dto;
  }

  @Post('raw')
  raw(@Body() body: unknown): unknown {
    return { body: body ?? null };
  }

  @Get('q')
  q(@Query('status') status?: string): { status: string | null } {
    return { status: status ?? null };
  }
}

let app: NestFastifyApplication;

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({ controllers: [ProbeController] }).compile();
  app = await createTestApp(moduleRef);
});

afterAll(async () => {
  await app.close();
});

const post = (url: string, payload: string, type = 'application/json') => app.inject({ method: 'POST', url, headers: { 'content-type': type }, payload });
const problemOf = (body: string) => JSON.parse(body) as ProblemDetails;

describe('the text rules on every request (contract §10)', () => {
  it('trims and NFC-normalises the body before validation: 5 characters after trimming pass MaxLength(5)', async () => {
    const res = await post('/t/note', JSON.stringify({ note: `  cafe\u0301  `, location: { address: ' 福缘里 ' } }));
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ note: 'café', location: { address: '福缘里' } });
  });

  it('a text of spaces is empty: 422 naming the field', async () => {
    const res = await post('/t/note', JSON.stringify({ note: '     ' }));
    expect(res.statusCode).toBe(422);
    expect(problemOf(res.body).errors).toEqual([expect.objectContaining({ field: 'note' })]);
  });

  it('U+0000 or a lone surrogate → 422 problem+json naming the dotted field', async () => {
    const res = await post('/t/note', '{"note":"ok","location":{"address":"a\\u0000b"}}');
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(problemOf(res.body)).toMatchObject({
      type: 'https://chuishao.dev/problems/validation',
      status: 422,
      errors: [{ field: 'location.address', message: TEXT_MESSAGES.nul }],
    });
    const lone = await post('/t/raw', '{"attachments":[{"url":"x"},{"url":"\\udc00"}]}');
    expect(lone.statusCode).toBe(422);
    expect(problemOf(lone.body).errors).toEqual([{ field: 'attachments[1].url', message: TEXT_MESSAGES.surrogate }]);
  });

  it('64 levels pass, 65 → 400, 131,000 (just under 256 KiB) → 400 without a stack overflow', async () => {
    const depth = (n: number) => '['.repeat(n) + ']'.repeat(n);
    expect((await post('/t/raw', depth(64))).statusCode).toBe(201);
    for (const n of [65, 131_000]) {
      const res = await post('/t/raw', depth(n));
      expect(res.statusCode).toBe(400);
      expect(problemOf(res.body)).toMatchObject({ type: 'https://chuishao.dev/problems/malformed-json', status: 400 });
      expect(problemOf(res.body).detail).toMatch(/^JSON 嵌套超过 64 层 \/ JSON nested deeper than 64 levels/);
    }
  });

  it.each([['null'], ['42'], ['"text"'], ['1e999'], ['[1,2]'], ['true']])('a top-level %s is a 400, never a 5xx', async (payload) => {
    const res = await post('/t/note', payload);
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('__proto__ as a key: refused by the parser, or by the rules once trimmed; nothing polluted', async () => {
    for (const payload of ['{"__proto__":{"polluted":1},"note":"a"}', '{" __proto__ ":{"polluted":1},"note":"a"}', '{"constructor":{"prototype":{"polluted":1}}}']) {
      const res = await post('/t/note', payload);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const form = await post('/t/raw', '__proto__=x&note=a', 'application/x-www-form-urlencoded');
    expect(form.statusCode).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('form bodies follow the same rules', async () => {
    const ok = await post('/t/raw', 'note=%20%20a%20', 'application/x-www-form-urlencoded');
    expect(ok.json()).toEqual({ body: { note: 'a' } });
    const bad = await post('/t/raw', 'note=a%00', 'application/x-www-form-urlencoded');
    expect(bad.statusCode).toBe(422);
    expect(problemOf(bad.body).errors).toEqual([{ field: 'note', message: TEXT_MESSAGES.nul }]);
  });

  it('query values are trimmed and refused alike', async () => {
    expect((await app.inject({ method: 'GET', url: '/t/q?status=%20BLOWN%20' })).json()).toEqual({ status: 'BLOWN' });
    const bad = await app.inject({ method: 'GET', url: '/t/q?status=%00' });
    expect(bad.statusCode).toBe(422);
    expect(problemOf(bad.body).errors).toEqual([{ field: 'status', message: TEXT_MESSAGES.nul }]);
  });
});
