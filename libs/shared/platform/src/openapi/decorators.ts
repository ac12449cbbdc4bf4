import { applyDecorators } from '@nestjs/common';
import { ApiExtension, ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import { problemTypeFor } from '../problem';

/**
 * The decorators every route documents itself with (contract §0, §9, §14). One place, so every
 * route says the same thing the same way:
 *
 * - who may call it: exactly one of {@link ApiBearer} (the default when none is given),
 *   {@link ApiOpen311Key} or {@link ApiPublic} — {@link serviceOpenApiDocument} turns the choice
 *   into the operation's `security`;
 * - its error answers: {@link ApiProblems}`(400, 404, 422, …)` — every 4xx/5xx carries the RFC 9457
 *   `Problem` schema as `application/problem+json` (Open311's own errors: {@link ApiOpen311Errors});
 * - a file download or another media type: {@link ApiFile}`('text/csv', …)`, `('application/atom+xml')`.
 */
export const AUTH_EXTENSION = 'x-chuishao-auth';
export type RouteAuth = 'bearer' | 'open311' | 'open311-optional' | 'public';

/** Needs `Authorization: Bearer <JWT>`; documents the 401 (no or bad token) and 403 (role or scope) it can answer. */
export const ApiBearer = (): MethodDecorator & ClassDecorator =>
  applyDecorators(ApiExtension(AUTH_EXTENSION, 'bearer'), ApiProblems(401, 403));

/**
 * Open311's `api_key` (a street's key, `npm run token -- street <id> --open311`). `optional`: the
 * route also answers without a key (GeoReport v2's public GETs, contract §9).
 * A revoked key → 403, in Open311's error format.
 */
export const ApiOpen311Key = (o: { optional?: boolean } = {}): MethodDecorator =>
  applyDecorators(ApiExtension(AUTH_EXTENSION, o.optional ? 'open311-optional' : 'open311'), ApiOpen311Errors(403));

/** No sign-in (feedback links, public disclosure, health); pair it with `@Public()` of the auth guard. */
export const ApiPublic = (): MethodDecorator & ClassDecorator => ApiExtension(AUTH_EXTENSION, 'public');

/** Error answers of the route, each an RFC 9457 problem (`description` defaults to the status's title). */
export const ApiProblems = (...statuses: Array<number | { status: number; description: string }>): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ApiExtraModels(ProblemDto),
    ...statuses.map((s) => {
      const { status, description } = typeof s === 'number' ? { status: s, description: problemTypeFor(s).title } : s;
      return ApiResponse({ status, description });
    }),
  );

/** Open311 GeoReport v2 errors: `[{"code":400,"description":"..."}]` (contract §9). */
export const ApiOpen311Errors = (...statuses: number[]): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ApiExtraModels(Open311ErrorDto),
    ...statuses.map((status) =>
      ApiResponse({ status, description: `Open311 error (${problemTypeFor(status).title})`, schema: { type: 'array', items: { $ref: getSchemaPath(Open311ErrorDto) } } }),
    ),
  );

export const FILES_EXTENSION = 'x-chuishao-files';
/** Media types the route answers besides (or instead of) JSON (`?format=csv|xlsx`, an Atom feed, an SVG): `text/*` and `…+xml` as text, anything else as binary. */
export const ApiFile = (...mediaTypes: string[]): MethodDecorator => ApiExtension(FILES_EXTENSION, mediaTypes);

@ApiSchema({ name: 'ProblemFieldError' })
export class ProblemFieldErrorDto {
  @ApiProperty({ example: 'location.address', description: '出错字段（点分路径，数组带下标）/ dotted path of the field, arrays indexed' }) field!: string;
  @ApiProperty({ example: '不能为空 / must not be empty' }) message!: string;
}

/** RFC 9457 problem details, the body of every error answer (`application/problem+json`, see problem.ts for the types). */
@ApiSchema({ name: 'Problem' })
export class ProblemDto {
  @ApiProperty({ example: 'https://chuishao.dev/problems/validation', format: 'uri', description: '问题类型 / problem type URI (https://chuishao.dev/problems/…, or about:blank)' }) type!: string;
  @ApiProperty({ example: '请求参数无效 / Invalid request' }) title!: string;
  @ApiProperty({ example: 422, minimum: 400, maximum: 599 }) status!: number;
  @ApiProperty({ example: '请求参数无效 / The request is invalid' }) detail!: string;
  @ApiPropertyOptional({ type: [ProblemFieldErrorDto], description: '逐字段的错误 / field by field' }) errors?: ProblemFieldErrorDto[];
  @ApiPropertyOptional({ example: 'urn:chuishao:request:8d3c…', description: '本次请求（5xx）/ this occurrence (5xx)' }) instance?: string;
}

@ApiSchema({ name: 'Open311Error' })
export class Open311ErrorDto {
  @ApiProperty({ example: 400 }) code!: number;
  @ApiProperty({ example: 'service_code is required' }) description!: string;
}
