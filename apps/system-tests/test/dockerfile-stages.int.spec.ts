import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freshDatabase } from '@chuishao/testing';
import { imageCopies, stages } from '../src/deploy/dockerfile';

const ROOT = join(__dirname, '../../..');
const run = promisify(execFile);

/**
 * No Docker engine here: each service image's file set is assembled outside Docker exactly as
 * deploy/Dockerfile's COPY instructions say (the build stage's /app/dist is this tree's dist/, the
 * prod-deps stage's node_modules this tree's), and the image's ENTRYPOINT runs its `migrate`
 * command there — twice and all four at once (the advisory lock): a file the image lacks, or a
 * migration that fails or runs twice, fails the test. Run `npm run build` first.
 */
describe('deploy/Dockerfile: each service image migrates its schema outside Docker', () => {
  const all = stages();
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  const dirs: string[] = [];
  beforeAll(async () => (db = await freshDatabase('dockerfile')));
  afterAll(async () => {
    await db?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  function assemble(target: string): string {
    const app = mkdtempSync(join(tmpdir(), `chuishao-image-${target}-`));
    dirs.push(app);
    for (const c of imageCopies(all, target)) {
      for (const src of c.sources) {
        const from = c.from === 'prod-deps' ? join(ROOT, 'node_modules') : join(ROOT, c.from ? src.replace(/^\/app\//, '') : src);
        const dest = c.dest.endsWith('/') ? join(app, c.dest, basename(src)) : join(app, c.dest);
        if (c.from === 'prod-deps') symlinkSync(from, dest);
        else cpSync(from, dest, { recursive: true });
      }
    }
    return app;
  }

  const migrate = (target: string, app: string) => {
    const [cmd, ...args] = all.find((s) => s.name === target)!.entrypoint!;
    return run(cmd === 'node' ? process.execPath : cmd, [...args, 'migrate'], { cwd: app, env: { PATH: process.env.PATH, DATABASE_URL: db.url }, timeout: 60000 });
  };

  it('intake, triage, dispatch and assessment: `migrate` in their own image layout, all at once and again', async () => {
    const services = ['intake', 'triage', 'dispatch', 'assessment'];
    const apps = services.map(assemble);
    const first = await Promise.all(services.map((s, i) => migrate(s, apps[i])));
    const again = await Promise.all(services.map((s, i) => migrate(s, apps[i])));
    for (const [i, s] of services.entries()) {
      expect(first[i].stdout).toMatch(new RegExp(`^${s}: schema "${s}" migrated`));
      expect(again[i].stdout).toBe(first[i].stdout);
    }
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      for (const s of services) {
        const { rows } = await c.query(`SELECT name, count(*) OVER (PARTITION BY name) AS n FROM "${s}".migrations`);
        expect(rows.length).toBeGreaterThanOrEqual(7);
        expect(rows.every((r: { n: string }) => Number(r.n) === 1)).toBe(true);
      }
    } finally {
      await c.end();
    }
  }, 180_000);
});
