import { describe, expect, it } from '@jest/globals';
import { nextVersion } from './versions';
import { ProblemException } from './problem';

describe('nextVersion', () => {
  it('gives the version after the one in force, asked for or not', () => {
    expect(nextVersion(0, undefined)).toBe(1);
    expect(nextVersion(3, 4)).toBe(4);
  });

  it('answers 409 to a publisher that names another version', () => {
    const thrown = (() => {
      try {
        nextVersion(3, 3);
      } catch (e) {
        return e;
      }
    })() as ProblemException;
    expect(thrown).toBeInstanceOf(ProblemException);
    expect(thrown.getStatus()).toBe(409);
  });
});
