import { ProblemException } from '@chuishao/platform';
import { DispatchRefusal } from '@chuishao/dispatch-domain';

/** A domain refusal as an RFC 9457 problem: 404 / 403 / 409 / 422; anything else unchanged. */
export function refusalProblem(err: unknown): unknown {
  if (!(err instanceof DispatchRefusal)) return err;
  const detail = `${err.reason} [${err.code}]`;
  switch (err.kind) {
    case 'not-found':
      return ProblemException.notFound(`派单不存在 / ${detail}`);
    case 'forbidden':
      return ProblemException.forbidden(`无权处理该派单 / ${detail}`);
    case 'invalid':
      return ProblemException.validation(`请求无效 / ${detail}`);
    default:
      return ProblemException.conflict(`派单当前状态不允许此操作 / ${detail}`);
  }
}
