import { div, ratio, roundHalfUp } from './decimal';

describe('rounding half up on exact decimals', () => {
  it.each([
    ['84.445', '84.45'],
    ['84.444', '84.44'],
    ['84.4449999', '84.44'],
    ['0.005', '0.01'],
    ['0.004', '0.00'],
    ['2.675', '2.68'], // 2.675 in binary floating point is 2.67499999…
    ['1.005', '1.01'],
    ['89.995', '90.00'],
    ['74.995', '75.00'],
    ['100', '100.00'],
    ['0', '0.00'],
  ])('%s → %s', (v, expected) => {
    expect(roundHalfUp(ratio(v), 2)).toBe(expected);
  });

  it('rounds repeating fractions', () => {
    expect(roundHalfUp(div(ratio(100), ratio(3)))).toBe('33.33');
    expect(roundHalfUp(div(ratio(200), ratio(3)))).toBe('66.67');
    expect(roundHalfUp(div(ratio(50), ratio('0.7')))).toBe('71.43');
    expect(roundHalfUp(div(ratio(1), ratio(8)), 2)).toBe('0.13');
  });
});
