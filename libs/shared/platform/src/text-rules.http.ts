import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ProblemException, PROBLEM_TYPES, problem } from './problem';
import { MAX_JSON_DEPTH, normaliseTextTree, type TextFieldProblem } from './text';

/**
 * Applies the text rules (contract §10, see `text.ts`) to one request, after Fastify parsed the
 * body (JSON or form) and before Nest's guards and validation pipe: the body and the query values
 * are replaced by their normalised copies, or the request is refused —
 * - nested deeper than {@link MAX_JSON_DEPTH} levels → 400 `malformed-json`;
 * - a key `__proto__` (after normalisation) → 400 `bad-request` naming it;
 * - U+0000 or an unpaired surrogate in a string or key → 422 `validation` naming each field.
 * Bodies that are not JSON values (a Buffer, as the gateway's pass-through parser gives) are left alone.
 */
function applyTextRules(request: Pick<FastifyRequest, 'body' | 'query'>): void {
  if (request.body !== undefined && !Buffer.isBuffer(request.body)) {
    request.body = checked(request.body, 'body');
  }
  if (request.query !== undefined && request.query !== null && typeof request.query === 'object') {
    request.query = checked(request.query, 'query');
  }
}

function checked(value: unknown, rootName: string): unknown {
  const result = normaliseTextTree(value, { rootName });
  if (result.tooDeep) {
    throw problem(
      400,
      PROBLEM_TYPES.MALFORMED_JSON.title,
      `JSON 嵌套超过 ${MAX_JSON_DEPTH} 层 / JSON nested deeper than ${MAX_JSON_DEPTH} levels`,
      undefined,
      { type: PROBLEM_TYPES.MALFORMED_JSON.type },
    );
  }
  if (result.forbiddenKeys.length > 0) {
    throw ProblemException.badRequest(`不接受的字段名 / Field name not accepted: ${fields(result.forbiddenKeys)}`, result.forbiddenKeys);
  }
  if (result.problems.length > 0) {
    throw ProblemException.validation(
      `文本含有无法存储的字符（U+0000 或不成对的代理项） / Text the store cannot hold (U+0000 or an unpaired surrogate): ${fields(result.problems)}`,
      result.problems,
    );
  }
  return result.value;
}

function fields(list: TextFieldProblem[]): string {
  return [...new Set(list.map((p) => p.field))].join(', ');
}

/** Installs {@link applyTextRules} on every route (a `preValidation` hook; before `app.init()`). */
export function installTextRules(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request, _reply, done) => {
    try {
      applyTextRules(request);
    } catch (err) {
      done(err as Error);
      return;
    }
    done();
  });
}
