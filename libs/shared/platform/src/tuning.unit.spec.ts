import { describe, expect, it } from '@jest/globals';
import { parseTuningOff, TUNINGS } from './tuning';

describe('CHUISHAO_TUNING_OFF', () => {
  it('switches nothing off when unset or empty', () => {
    expect(parseTuningOff(undefined).size).toBe(0);
    expect(parseTuningOff(' , ').size).toBe(0);
  });

  it('names mechanisms to switch off, separated by commas', () => {
    expect([...parseTuningOff('handover, recurring-index')]).toEqual(['handover', 'recurring-index']);
  });

  it('refuses a name it does not know, listing the known ones', () => {
    expect(() => parseTuningOff('handover,turbo')).toThrow(/unknown turbo \(known: group-commit,/);
  });

  it('gives every mechanism the ADR it came from', () => {
    for (const adr of Object.values(TUNINGS)) expect(adr).toMatch(/^ADR \d{4}$/);
  });
});
