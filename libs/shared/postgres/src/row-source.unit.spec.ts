import { arrayLiteral, columnNames, insertRows, rowSource } from './row-source';

describe('rowSource', () => {
  it('passes one array per column, unnested together, numbered from first', () => {
    expect(rowSource([['a', 1], ['b', 2]], [['name', 'text'], ['n', 'int']], 3)).toEqual({
      sql: 'SELECT v.name, v.n FROM unnest($3::text[], $4::int[]) AS v(name, n)',
      params: [['a', 'b'], [1, 2]],
    });
  });
  it('has the same text for any number of rows (one prepared statement)', () => {
    const cols = [['id', 'uuid']] as const;
    expect(rowSource([['x']], cols, 1).sql).toBe(rowSource([['x'], ['y'], ['z']], cols, 1).sql);
  });
  it('sends an array column as array literals and casts it back', () => {
    expect(rowSource([[['u1', 'u2']], [[]], [null]], [['ids', 'uuid[]']], 1)).toEqual({
      sql: 'SELECT v.ids::uuid[] FROM unnest($1::text[]) AS v(ids)',
      params: [['{"u1","u2"}', '{}', null]],
    });
  });
  it('filters, selects and appends a parameterless tail when told', () => {
    expect(rowSource([['t', 's']], [['topic', 'text'], ['stream_id', 'text']], 1, { select: 'v.topic', where: 'v.stream_id IN (SELECT 1)', tail: 'now()' }).sql).toBe(
      'SELECT v.topic, now() FROM unnest($1::text[], $2::text[]) AS v(topic, stream_id) WHERE v.stream_id IN (SELECT 1)',
    );
  });
  it('keeps the rows in the order given when told (an INSERT then takes its ids in that order)', () => {
    expect(rowSource([['t', 's']], [['topic', 'text'], ['stream_id', 'text']], 1, { select: 'v.topic', where: 'v.stream_id IN (SELECT 1)', ordered: true }).sql).toBe(
      'SELECT v.topic FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS v(topic, stream_id, ordinality) WHERE v.stream_id IN (SELECT 1) ORDER BY v.ordinality',
    );
  });
  it('refuses a row of the wrong width', () => {
    expect(() => rowSource([['a']], [['a', 'text'], ['b', 'text']], 1)).toThrow('a row of 1 values for 2 columns');
  });
  it('quotes array elements (quotes, backslashes, commas, braces) and keeps NULLs', () => {
    expect(arrayLiteral(['a"b', 'c\\d', 'e,f}', null])).toBe('{"a\\"b","c\\\\d","e,f}",NULL}');
    expect(columnNames([['a', 'text'], ['b', 'int']])).toBe('a, b');
  });
  it('inserts the rows into a table, into its named columns unless told otherwise', () => {
    const cols = [['topic', 'text'], ['stream_id', 'text']] as const;
    expect(insertRows('outbox', [['t', 's']], cols, 2).sql).toBe('INSERT INTO outbox (topic, stream_id) SELECT v.topic, v.stream_id FROM unnest($2::text[], $3::text[]) AS v(topic, stream_id)');
    expect(insertRows('outbox', [['t', 's']], cols, 1, { into: 'topic', select: 'v.topic' }).sql).toBe('INSERT INTO outbox (topic) SELECT v.topic FROM unnest($1::text[], $2::text[]) AS v(topic, stream_id)');
  });
});
