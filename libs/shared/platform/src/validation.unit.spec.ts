import { ArgumentMetadata } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { ProblemException } from './problem';
import { createValidationPipe } from './validation';

class LocationDto {
  @IsString() @MaxLength(200) address!: string;
  @IsOptional() @IsNumber() lat?: number;
}

class AttachmentDto {
  @IsUrl() url!: string;
  @IsIn(['photo', 'video']) kind!: string;
}

class HintsDto {
  @IsOptional() @IsBoolean() lifeSafety?: boolean;
}

class WhistleDto {
  @IsString() @MaxLength(120) title!: string;
  @IsDefined() @ValidateNested() @Type(() => LocationDto) location!: LocationDto;
  @IsOptional() @ValidateNested() @Type(() => HintsDto) hints?: HintsDto;
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => AttachmentDto) attachments?: AttachmentDto[];
  @IsOptional() @IsArray() @IsUUID('4', { each: true }) requestedDepartments?: string[];
}

const meta: ArgumentMetadata = { type: 'body', metatype: WhistleDto, data: '' };
const valid = () => ({ title: 't', location: { address: 'a' } });

async function reject(body: unknown): Promise<ProblemException> {
  try {
    await createValidationPipe().transform(body, meta);
  } catch (err: unknown) {
    if (err instanceof ProblemException) return err;
    throw err;
  }
  throw new Error('expected a ProblemException');
}

describe('createValidationPipe', () => {
  it('passes a valid body through, transformed into the DTO', async () => {
    const out: unknown = await createValidationPipe().transform(valid(), meta);
    expect(out).toBeInstanceOf(WhistleDto);
    expect((out as WhistleDto).location).toBeInstanceOf(LocationDto);
  });

  it.each([
    ['string for a number', { ...valid(), location: { address: 'a', lat: '39.1' } }, 'location.lat'],
    ['number for a string', { ...valid(), title: 42 }, 'title'],
    ['string for a boolean', { ...valid(), hints: { lifeSafety: 'yes' } }, 'hints.lifeSafety'],
    ['scalar for a nested object', { ...valid(), location: 'somewhere' }, 'location'],
    ['object for an array', { ...valid(), attachments: { url: 'x' } }, 'attachments'],
    ['unknown property', { ...valid(), streetId: 'mine' }, 'streetId'],
    ['unknown nested property', { ...valid(), location: { address: 'a', floor: 3 } }, 'location.floor'],
  ])('400 for a type failure: %s', async (_name, body, field) => {
    const e = await reject(body);
    expect(e.getStatus()).toBe(400);
    expect(e.problem.type).toBe('https://chuishao.dev/problems/bad-request');
    expect(e.problem.errors?.map((x) => x.field)).toContain(field);
  });

  it.each([
    ['too long', { ...valid(), title: 'x'.repeat(121) }, 'title'],
    ['missing required', { location: { address: 'a' } }, 'title'],
    ['missing nested required', { title: 't', location: {} }, 'location.address'],
    ['missing nested object', { title: 't' }, 'location'],
    ['null required', { ...valid(), title: null }, 'title'],
    ['unknown enum value', { ...valid(), attachments: [{ url: 'https://x.test/a.jpg', kind: 'hologram' }] }, 'attachments[0].kind'],
    ['bad url in an array item', { ...valid(), attachments: [{ url: 'https://x.test/a.jpg', kind: 'photo' }, { url: 'nope', kind: 'photo' }] }, 'attachments[1].url'],
    ['uuid format', { ...valid(), requestedDepartments: ['not-a-uuid'] }, 'requestedDepartments'],
  ])('422 for a well-formed but invalid body: %s', async (_name, body, field) => {
    const e = await reject(body);
    expect(e.getStatus()).toBe(422);
    expect(e.problem.type).toBe('https://chuishao.dev/problems/validation');
    expect(e.problem.title).toBe('请求参数无效 / Invalid request');
    expect(e.problem.errors?.map((x) => x.field)).toContain(field);
  });

  it('lists every failing field, and one type failure makes the whole request 400', async () => {
    const e = await reject({ title: 'x'.repeat(200), location: { address: 5 } });
    expect(e.getStatus()).toBe(400);
    expect(e.problem.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'title' }),
        expect.objectContaining({ field: 'location.address' }),
      ]),
    );
  });

  it('a missing field says it is missing, not that it has the wrong type', async () => {
    const e = await reject({ location: { address: 'a' } });
    expect(e.problem.errors).toEqual([{ field: 'title', message: expect.not.stringContaining('must be a string') as unknown as string }]);
  });

  it.each([['a string', 'just a string'], ['an array', [valid()]], ['a number', 5]])('a body that is %s is a 400', async (_n, body) => {
    const e = await reject(body);
    expect(e.getStatus()).toBe(400);
    expect(e.problem.errors).toEqual([{ field: 'body', message: expect.stringContaining('JSON') as unknown as string }]);
  });

  it('an absent body is validated as {} (422 for the missing fields)', async () => {
    const e = await reject(undefined);
    expect(e.getStatus()).toBe(422);
  });
});
