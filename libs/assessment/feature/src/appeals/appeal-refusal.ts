import { ProblemException } from '@chuishao/platform';
import type { AppealRefusal } from '@chuishao/assessment-domain';

/** The HTTP problem of a refusal by the appeal decider. */
export function refusalProblem(r: AppealRefusal): ProblemException {
  const errors = r.field ? [{ field: r.field, message: r.message }] : undefined;
  switch (r.refused) {
    case 'INVALID':
      return ProblemException.validation(r.message, errors);
    case 'FORBIDDEN':
      return ProblemException.forbidden(r.message);
    case 'NOT_FOUND':
      return ProblemException.notFound(r.message);
    default:
      return ProblemException.conflict(r.message, errors);
  }
}
