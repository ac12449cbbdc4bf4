import { DEFAULT_EXTENSION_CAP } from '@chuishao/dispatch-contracts';
import { extensionCapFor, extensionCapOfSummons, periodStartMonth, summonsPeriod, type ExtensionCapVersion } from './extension-cap';

const v = (version: number, effectiveFrom: string, extensionCap: number): ExtensionCapVersion => ({ version, effectiveFrom, extensionCap });

describe('the extension cap in force (scoring policy versions → cap)', () => {
  it('no version known → the contract default, 2', () => {
    expect(DEFAULT_EXTENSION_CAP).toBe(2);
    expect(extensionCapFor([], '2027-01')).toBe(2);
  });

  it('a version applies from the start of its effectiveFrom period on, not before', () => {
    const versions = [v(2, '2027-Q2', 1)];
    expect(extensionCapFor(versions, '2027-03')).toBe(2);
    expect(extensionCapFor(versions, '2027-04')).toBe(1);
    expect(extensionCapFor(versions, '2027-12')).toBe(1);
    expect(extensionCapFor(versions, '2028-01')).toBe(1);
  });

  it('months, quarters and years compare by their start: 2027 and 2027-Q1 start with 2027-01', () => {
    expect(extensionCapFor([v(2, '2027', 3)], '2027-01')).toBe(3);
    expect(extensionCapFor([v(2, '2027-Q1', 3)], '2027-01')).toBe(3);
    expect(extensionCapFor([v(2, '2027-02', 3)], '2027-Q1')).toBe(2); // a quarter starts before its second month
    expect(extensionCapFor([v(2, '2027-02', 3)], '2027-02')).toBe(3);
    expect(extensionCapFor([v(2, '2027-Q4', 3)], '2027')).toBe(2);
  });

  it('among the versions in force, the highest-numbered wins (a newer version supersedes from its effectiveFrom on), whatever order they come in', () => {
    const versions = [v(4, '2027-Q3', 0), v(2, '2027-Q1', 1), v(3, '2027-01', 5)];
    expect(extensionCapFor(versions, '2026-12')).toBe(2);
    expect(extensionCapFor(versions, '2027-02')).toBe(5); // v3 (from 2027-01) supersedes v2 (from 2027-Q1)
    expect(extensionCapFor(versions, '2027-07')).toBe(0); // v4: no extension may be approved
    expect(extensionCapFor([v(3, '2027-01', 5), v(5, '2026-Q4', 1)], '2027-02')).toBe(1); // v5, published later, from an earlier period
  });

  it('a cap of 0 is kept (not the default); an unreadable effectiveFrom or period is ignored', () => {
    expect(extensionCapFor([v(2, '2027-01', 0)], '2027-01')).toBe(0);
    expect(extensionCapFor([v(2, '2027-13', 0), v(3, 'soon', 0)], '2027-06')).toBe(2);
    expect(extensionCapFor([v(2, '2027-01', 1)], 'June')).toBe(2);
    expect(periodStartMonth('2027-Q5')).toBeUndefined();
  });

  it("the summons' period is its calendar month in the district's zone (Asia/Shanghai by default)", () => {
    // 2027-03-31T16:30Z is 2027-04-01 00:30 in Beijing
    expect(summonsPeriod('2027-03-31T16:30:00.000Z')).toBe('2027-04');
    expect(summonsPeriod('2027-03-31T15:59:59.999Z')).toBe('2027-03');
    expect(summonsPeriod('2027-03-31T16:30:00.000Z', 'UTC')).toBe('2027-03');
    expect(summonsPeriod(new Date('2026-12-31T16:00:00.000Z'))).toBe('2027-01');
  });

  it('an assignment summoned just after the period started in Beijing gets the new cap; just before, the old one', () => {
    const versions = [v(2, '2027-Q2', 1)];
    expect(extensionCapOfSummons(versions, '2027-03-31T16:00:00.000Z')).toBe(1); // 2027-04-01 00:00 Beijing
    expect(extensionCapOfSummons(versions, '2027-03-31T15:59:59.000Z')).toBe(2);
    expect(extensionCapOfSummons(versions, '2027-03-31T16:00:00.000Z', 'Europe/Berlin')).toBe(2); // still March there
  });
});
