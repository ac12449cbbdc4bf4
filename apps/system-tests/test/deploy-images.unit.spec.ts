import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';
import { parse } from 'yaml';
import { DOCKERFILE, imageCopies, stages } from '../src/deploy/dockerfile';

const ROOT = join(__dirname, '../../..');
const TARGETS = ['gateway', 'intake', 'triage', 'dispatch', 'assessment'];

describe('deploy/Dockerfile', () => {
  const text = readFileSync(DOCKERFILE, 'utf8');

  it('passes the dockerfile-utils linter (which does flag a broken file)', () => {
    expect(validate(text)).toEqual([]);
    expect(validate(text.replace('FROM runtime AS triage', 'FROM runtime AS triage extra').replace('EXPOSE 8080', 'EXPOSE port')).length).toBeGreaterThan(0);
  });

  it('one image per service: a target each, non-root, a health check, its service as entry point', () => {
    const all = stages(text);
    expect(text).toMatch(/^HEALTHCHECK .*\n\s+CMD \["node", "-e", .*\/health/m);
    for (const t of TARGETS) {
      const s = all.find((x) => x.name === t)!;
      expect(s).toBeDefined();
      expect(s.user).toBe('node');
      expect(s.entrypoint).toEqual(['node', '-r', './scripts/register-paths.js', `dist/apps/${t}/src/main.js`]);
      // each image holds its own app's code only
      expect(imageCopies(all, t).filter((c) => c.sources.some((x) => x.startsWith('/app/dist/apps/'))).map((c) => c.sources)).toEqual([[`/app/dist/apps/${t}`]]);
    }
  });

  it('copies from the build context only what exists and is not in .dockerignore', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    const fromContext = stages(text).flatMap((s) => s.copies.filter((c) => !c.from).flatMap((c) => c.sources));
    expect(fromContext.length).toBeGreaterThan(5);
    for (const src of fromContext) {
      expect(existsSync(join(ROOT, src))).toBe(true);
      expect(ignored.filter((i) => src === i || src.startsWith(`${i}/`))).toEqual([]);
    }
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, any> };
  const s = compose.services;

  it('each service its own container and image target, two replicas of triage and dispatch, after the one-shot migration', () => {
    for (const t of TARGETS) expect(s[t].build).toMatchObject({ dockerfile: 'deploy/Dockerfile', target: t });
    expect([s.triage.deploy.replicas, s.dispatch.deploy.replicas]).toEqual([2, 2]);
    for (const t of TARGETS.slice(1)) expect(s[t].depends_on.migrate.condition).toBe('service_completed_successfully');
    expect(s.migrate.command.join(' ')).toMatch(/for s in intake triage dispatch assessment; .* migrate/);
  });

  it('Kafka with SASL/SCRAM, each service its own principal; secrets only from the environment; ports on loopback', () => {
    for (const t of TARGETS.slice(1)) {
      expect(s[t].environment).toMatchObject({ KAFKA_BROKERS: 'kafka:9092', KAFKA_SASL_USERNAME: `chuishao-${t}`, KAFKA_SASL_MECHANISM: 'scram-sha-512' });
      expect(s[t].environment.KAFKA_SASL_PASSWORD).toBe(`\${KAFKA_${t.toUpperCase()}_PASSWORD:?set KAFKA_${t.toUpperCase()}_PASSWORD}`);
      expect(s[t].environment.CHUISHAO_JWT_SECRET).toMatch(/^\$\{CHUISHAO_JWT_SECRET:\?/);
    }
    expect(s.postgres.environment.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
    for (const svc of Object.values(s)) for (const p of (svc.ports ?? []) as string[]) expect(p).toMatch(/^\$\{CHUISHAO_BIND:-127\.0\.0\.1\}:/);
    const start = readFileSync(join(ROOT, 'deploy/compose/kafka-start.sh'), 'utf8');
    expect(start).toMatch(/INTERNAL:SASL_PLAINTEXT,EXTERNAL:SASL_PLAINTEXT/);
    expect(start).toMatch(/allow\.everyone\.if\.no\.acl\.found=false/);
    for (const t of TARGETS.slice(1)) expect(start).toContain(`scram chuishao-${t} `);
  });
});
