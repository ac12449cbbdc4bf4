import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The console falls back to its bundled catalog while GET /api/v1/catalog is unavailable; it must be
// exactly the catalog the services use.
describe('console bundled catalog', () => {
  it('is identical to libs/catalog/src/data/catalog.v1.json', () => {
    const root = join(__dirname, '../../..');
    const bundled = JSON.parse(readFileSync(join(root, 'apps/console/public/data/catalog.v1.json'), 'utf8'));
    const source = JSON.parse(readFileSync(join(root, 'libs/catalog/src/data/catalog.v1.json'), 'utf8'));
    expect(bundled).toEqual(source);
  });
});
