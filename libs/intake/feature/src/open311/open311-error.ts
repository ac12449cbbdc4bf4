import { HttpException } from '@nestjs/common';
import { isProblemDetails, ProblemException } from '@chuishao/platform';

/** An Open311 error answer: HTTP `status` and the body `[{"code": status, "description": ...}]`. */
export class Open311Error extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
  ) {
    super(description);
    this.name = 'Open311Error';
  }
}

export type Open311Format = 'json' | 'xml';

/** The format an Open311 URL asks for: `.xml` → xml, anything else json (the spec's default). */
export function formatOfUrl(url: string): Open311Format {
  const path = url.split('?')[0];
  return /\.xml$/i.test(path) ? 'xml' : 'json';
}

/** Status and description of anything thrown under /open311/v2. */
export function open311ErrorOf(exception: unknown): { status: number; description: string } {
  if (exception instanceof Open311Error) return { status: exception.status, description: exception.description };
  if (exception instanceof ProblemException) {
    const p = exception.problem;
    const fields = p.errors?.length ? ` (${p.errors.map((e) => `${e.field}: ${e.message}`).join('; ')})` : '';
    return { status: p.status, description: `${p.detail}${fields}` };
  }
  if (exception instanceof HttpException) {
    const r = exception.getResponse();
    if (isProblemDetails(r)) return { status: exception.getStatus(), description: r.detail };
    return { status: exception.getStatus(), description: exception.message };
  }
  return { status: 500, description: '服务器内部错误，已记录 / An unexpected error occurred; it has been logged.' };
}
