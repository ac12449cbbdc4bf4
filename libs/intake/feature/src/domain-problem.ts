import { ConcurrencyError } from '@chuishao/event-store';
import { DomainError } from '@chuishao/intake-domain';
import { ProblemException } from '@chuishao/platform';

/** Maps the domain's refusals to RFC 9457 problems: conflict → 409, invalid → 422; a lost race → 409. */
export function asProblem(err: unknown, field = 'reason'): unknown {
  if (err instanceof DomainError) {
    return err.kind === 'conflict'
      ? ProblemException.conflict(err.message)
      : ProblemException.validation(err.message, [{ field, message: err.message }]);
  }
  if (err instanceof ConcurrencyError) {
    return ProblemException.conflict('哨件刚被他人更新，请刷新后重试 / The whistle changed meanwhile; reload and retry');
  }
  return err;
}
