import { valuesList } from './values-list';

describe('valuesList', () => {
  it('numbers the parameters row by row', () => {
    expect(valuesList([['a', 1], ['b', 2]])).toEqual({ text: '($1, $2), ($3, $4)', params: ['a', 1, 'b', 2] });
  });
  it('starts after earlier parameters and appends a parameterless tail', () => {
    expect(valuesList([['x'], ['y']], { first: 3, tail: 'now()' })).toEqual({ text: '($3, now()), ($4, now())', params: ['x', 'y'] });
  });
  it('casts the columns it is told to', () => {
    expect(valuesList([['u', 1], ['v', 2]], { casts: ['uuid'] })).toEqual({ text: '($1::uuid, $2), ($3::uuid, $4)', params: ['u', 1, 'v', 2] });
  });
});
