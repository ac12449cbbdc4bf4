import { ArgumentMetadata, ValidationError, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import { ProblemException, ProblemFieldError } from './problem';

/**
 * 400 or 422? — the rule (contract §0: "400 malformed JSON / wrong types", "422 well-formed but
 * invalid"):
 *
 * A failure is a TYPE failure, and the whole request gets **400** `bad-request`, when a value is
 * PRESENT (not undefined/null) and has the wrong JSON type, i.e. it failed one of
 * {@link TYPE_CONSTRAINTS} (`isString`, `isNumber`, `isInt`, `isBoolean`, `isArray`, `isObject`,
 * `isDate`, or `nestedValidation` = a nested object given as a non-object); or when the body has a
 * property the DTO does not declare (`whitelistValidation`), or is not an object at all
 * (`unknownValue`).
 *
 * Everything else is **422** `validation`: a missing required field (absent or null — even if its
 * type check is what failed), too long/short, out of range, unknown enum/code value, bad format
 * (UUID, URL, ISO date…). UUID format is a 422, not a type failure.
 *
 * Either way `errors` lists every failing field as a dotted path with array indices
 * (`location.address`, `attachments[0].url`).
 *
 * Values are converted only where a DTO asks for it (`@Type(() => Number)` for query strings);
 * there is no implicit conversion, so `"5"` for a number in a JSON body is a type failure.
 */
const TYPE_CONSTRAINTS: ReadonlySet<string> = new Set([
  'isString',
  'isNumber',
  'isInt',
  'isBoolean',
  'isArray',
  'isObject',
  'isDate',
  'nestedValidation',
]);

/** Failures that are 400 whatever the value. */
const ALWAYS_400: ReadonlySet<string> = new Set(['whitelistValidation', 'unknownValue']);

export interface FlatValidationFailure extends ProblemFieldError {
  /** class-validator constraint names that failed for this field. */
  constraints: string[];
  /** True when this failure makes the request a 400 (see the rule above). */
  typeFailure: boolean;
}

function joinPath(parent: string, property: string): string {
  if (/^\d+$/.test(property)) return `${parent}[${property}]`;
  return parent ? `${parent}.${property}` : property;
}

/** Flattens class-validator's tree into one entry per failing field (dotted, indexed paths). */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FlatValidationFailure[] {
  const out: FlatValidationFailure[] = [];
  for (const error of errors) {
    const field = error.property === undefined || error.property === '' ? parent : joinPath(parent, error.property);
    const constraints = error.constraints ?? {};
    const names = Object.keys(constraints);
    if (names.length > 0) {
      const present = error.value !== undefined && error.value !== null;
      const typeFailure = names.some((n) => ALWAYS_400.has(n) || (present && TYPE_CONSTRAINTS.has(n)));
      // for a missing value, the "must be a string" message is noise next to "should not be empty"
      const shown = present ? names : names.filter((n) => !TYPE_CONSTRAINTS.has(n));
      const messages = (shown.length > 0 ? shown : names).map((n) => constraints[n]);
      out.push({
        field: field || 'body',
        message: present || shown.length > 0 ? messages.join('; ') : `${field || 'body'} is required`,
        constraints: names,
        typeFailure,
      });
    }
    if (error.children && error.children.length > 0) out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}

/** The ProblemException (400 or 422) for a list of class-validator errors. */
function validationProblem(errors: ValidationError[]): ProblemException {
  const flat = flattenValidationErrors(errors);
  const fieldErrors: ProblemFieldError[] = flat.map(({ field, message }) => ({ field, message }));
  const fields = [...new Set(flat.map((f) => f.field))].join(', ');
  if (flat.some((f) => f.typeFailure)) {
    return ProblemException.badRequest(`请求字段类型错误或不被接受 / Wrong type or unexpected field: ${fields}`, fieldErrors);
  }
  return ProblemException.validation(`请求字段未通过校验 / Invalid field(s): ${fields}`, fieldErrors);
}

/**
 * ValidationPipe that also refuses, with 400, a body that is not a JSON object (a string, number,
 * array...) where a DTO is expected — Nest's own pipe would validate an empty stand-in and
 * answer 422 "missing fields". An absent body is validated as `{}`.
 */
class ProblemValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (
      metadata.type === 'body' &&
      metadata.metatype !== undefined &&
      this.toValidate(metadata) &&
      value !== undefined &&
      value !== null &&
      (typeof value !== 'object' || Array.isArray(value))
    ) {
      const error: ValidationError = {
        property: '',
        value,
        constraints: { isObject: '请求体必须是 JSON 对象 / the request body must be a JSON object' },
        children: [],
      };
      throw validationProblem([error]);
    }
    return super.transform(value, metadata);
  }
}

/**
 * The global ValidationPipe: transform, whitelist, forbidNonWhitelisted; failures become
 * problem details with status 400 or 422 as described on {@link TYPE_CONSTRAINTS}.
 */
export function createValidationPipe(options: ValidationPipeOptions = {}): ValidationPipe {
  return new ProblemValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: true },
    exceptionFactory: (errors: ValidationError[]) => validationProblem(errors),
    ...options,
  });
}
