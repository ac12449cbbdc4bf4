import { ProblemException } from './problem';

/**
 * The version a new publication of a versioned document (a triage or scoring policy) gets: the one
 * after `previous`. A publisher that names another version (`requested`) raced another one: 409.
 */
export function nextVersion(previous: number, requested: unknown): number {
  const next = previous + 1;
  if (requested !== undefined && requested !== next) {
    throw ProblemException.conflict(`当前为第 ${previous} 版，只能发布第 ${next} 版 / v${previous} is in force: only v${next} can be published`, [
      { field: 'version', message: `must be ${next}` },
    ]);
  }
  return next;
}
