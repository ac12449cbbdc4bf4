import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { publicBaseUrl } from '@chuishao/platform';
import { ASYNCAPI_CSS, renderAsyncApiHtml } from './asyncapi-html';
import { buildAsyncApi } from './asyncapi';
import { buildOpenApi } from './openapi';

/**
 * `npm run docs` (and `npm run build`): writes the published documents, generated from the code,
 * to dist/docs (or the folder given as the first argument) — openapi.json (the gateway's
 * /docs-json without a running system), asyncapi.yaml/.json and the AsyncAPI page. The gateway
 * serves the AsyncAPI files from there (CHUISHAO_DOCS_DIR).
 */
export async function writeApiDocs(dir: string, baseUrl = publicBaseUrl()): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const asyncapi = buildAsyncApi();
  const files: Record<string, string> = {
    'openapi.json': JSON.stringify(await buildOpenApi(baseUrl), null, 2),
    'asyncapi.yaml': stringify(asyncapi),
    'asyncapi.json': JSON.stringify(asyncapi, null, 2),
    'asyncapi.html': renderAsyncApiHtml(asyncapi),
    'asyncapi.css': ASYNCAPI_CSS,
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return Object.keys(files).map((f) => join(dir, f));
}

if (require.main === module) {
  writeApiDocs(resolve(process.argv[2] ?? join(__dirname, '../../../docs'))).then(
    (files) => process.stdout.write(`${files.join('\n')}\n`),
    (err: unknown) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
