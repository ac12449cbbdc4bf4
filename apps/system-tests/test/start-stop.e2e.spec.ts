import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase, kafkaBrokers, TEST_JWT_SECRET, testTopicPrefix } from '@chuishao/testing';
import { freePorts } from '../src/harness';

const ROOT = join(__dirname, '../../..');

/**
 * `npm start` in the foreground, stopped the way a terminal stops it: Ctrl-C sends SIGINT to the
 * whole foreground process group. Every service must shut down gracefully (exit 0: in-flight work
 * finished, offsets committed), not take the supervisor's SIGTERM for a second signal and force
 * its exit.
 */
describe('npm start, stopped with Ctrl-C', () => {
  it('stops every service gracefully when the terminal signals the process group', async () => {
    const db = await freshDatabase('startstop');
    const dataDir = mkdtempSync(join(tmpdir(), 'chuishao-start-'));
    const [gateway, intake, triage, dispatch, assessment, internal, devOidc] = await freePorts(7);
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      DATABASE_URL: db.url,
      KAFKA_BROKERS: kafkaBrokers(),
      CHUISHAO_JWT_SECRET: TEST_JWT_SECRET,
      CHUISHAO_TOPIC_PREFIX: testTopicPrefix('startstop'),
      CHUISHAO_DATA_DIR: dataDir,
      KAFKA_PARTITIONS: '3',
      PORT: String(gateway),
      INTAKE_PORT: String(intake),
      TRIAGE_PORT: String(triage),
      DISPATCH_PORT: String(dispatch),
      ASSESSMENT_PORT: String(assessment),
      CHUISHAO_INTERNAL_PORT: String(internal),
      CHUISHAO_DEV_OIDC_PORT: String(devOidc),
    };
    // detached: a process group of its own, as a terminal gives the foreground job
    const child = spawn(process.execPath, [join(ROOT, 'scripts/start.js')], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 120_000;
      while (!out.includes('is up') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 200));
      expect(out).toContain('is up');

      process.kill(-(child.pid as number), 'SIGINT'); // Ctrl-C
      expect(await exited).toBe(0);
      const exits = [...out.matchAll(/^([\w-]+) exited \((\w+)\)/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
      expect(exits).toEqual(['assessment 0', 'dev-oidc 0', 'dispatch 0', 'gateway 0', 'intake 0', 'triage 0']);
    } finally {
      if (child.exitCode === null) process.kill(-(child.pid as number), 'SIGKILL');
      // services left behind by a failure are in process groups of their own: their pid files say where
      const runDir = join(dataDir, 'run');
      for (const f of existsSync(runDir) ? readdirSync(runDir) : []) {
        try {
          process.kill(Number(readFileSync(join(runDir, f), 'utf8')), 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      rmSync(dataDir, { recursive: true, force: true });
      await db.drop().catch(() => undefined);
    }
  }, 180_000);
});
