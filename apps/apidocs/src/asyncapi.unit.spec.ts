import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { Parser } from '@asyncapi/parser';
import { buildAsyncApi } from './asyncapi';
import { describeProblems, redoclyLint } from './redocly';

describe('the AsyncAPI document (GET /docs/asyncapi.yaml)', () => {
  let doc: Record<string, unknown>;
  let text: string;
  beforeAll(() => {
    doc = buildAsyncApi();
    text = stringify(doc);
  }, 60_000);

  it('parses with @asyncapi/parser from its text alone, without a diagnostic error', async () => {
    const { document, diagnostics } = await new Parser().parse(text);
    expect(diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(document?.channels().length).toBeGreaterThanOrEqual(10);
  }, 60_000);

  it('passes redocly lint with the recommended rules: no error, no warning', async () => {
    const dir = join(__dirname, '../../../dist/docs');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'asyncapi.yaml');
    writeFileSync(file, text);
    expect(describeProblems(await redoclyLint(file))).toEqual([]);
  }, 60_000);
});
