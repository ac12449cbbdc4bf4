import { Module } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { createTestApp } from './bootstrap';
import { HEALTH_CHECKS, HealthCheck, HealthController, httpHealthCheck, kafkaHealthCheck, PlatformModule, postgresHealthCheck, runHealthChecks } from './health';

const up = (name: string): HealthCheck => ({ name, check: async () => undefined });
const down = (name: string, message: string): HealthCheck => ({
  name,
  check: async () => {
    throw new Error(message);
  },
});

async function appWith(checks: HealthCheck[]): Promise<NestFastifyApplication> {
  const moduleRef = await Test.createTestingModule({
    controllers: [HealthController],
    providers: [{ provide: HEALTH_CHECKS, useValue: checks }],
  }).compile();
  return createTestApp(moduleRef);
}

describe('runHealthChecks', () => {
  it('runs checks in parallel with a timeout each', async () => {
    const slow: HealthCheck = { name: 'slow', check: () => new Promise((r) => setTimeout(r, 1000)) };
    const started = Date.now();
    const report = await runHealthChecks([slow, { ...slow, name: 'slow2' }, up('fast')], 100);
    expect(Date.now() - started).toBeLessThan(900);
    expect(report).toEqual({
      status: 'error',
      checks: {
        slow: { status: 'down', error: 'timed out after 100 ms' },
        slow2: { status: 'down', error: 'timed out after 100 ms' },
        fast: { status: 'up' },
      },
    });
  });

  it('treats a synchronous throw as down', async () => {
    const bad: HealthCheck = {
      name: 'sync',
      check: () => {
        throw new Error('no');
      },
    };
    expect((await runHealthChecks([bad])).checks['sync']).toEqual({ status: 'down', error: 'no' });
  });

  it('postgres and kafka checks call SELECT 1 / describeCluster', async () => {
    const query = jest.fn().mockResolvedValue({ rows: [] });
    const describeCluster = jest.fn().mockRejectedValue(new Error('broker unreachable'));
    const report = await runHealthChecks([postgresHealthCheck({ query }), kafkaHealthCheck({ describeCluster })]);
    expect(query).toHaveBeenCalledWith('SELECT 1');
    expect(report).toEqual({
      status: 'error',
      checks: { postgres: { status: 'up' }, kafka: { status: 'down', error: 'broker unreachable' } },
    });
  });
});

describe('HealthController', () => {
  it('200 when every check is up', async () => {
    const app = await appWith([up('postgres'), up('kafka')]);
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', checks: { postgres: { status: 'up' }, kafka: { status: 'up' } } });
    await app.close();
  });

  it('503 naming the failing checks', async () => {
    const app = await appWith([up('postgres'), down('kafka', 'connection refused')]);
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      status: 'error',
      checks: { postgres: { status: 'up' }, kafka: { status: 'down', error: 'connection refused' } },
    });
    await app.close();
  });

  it('PlatformModule.forRoot wires checks from injected dependencies, plus /metrics', async () => {
    const DB = Symbol('DB');
    @Module({ providers: [{ provide: DB, useValue: { query: async () => [] } }], exports: [DB] })
    class DbModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [
        PlatformModule.forRoot({
          imports: [DbModule],
          inject: [DB],
          healthChecks: (db: { query(sql: string): Promise<unknown> }) => [postgresHealthCheck(db)],
        }),
      ],
    }).compile();
    const app = await createTestApp(moduleRef, { service: 'health-test' });
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.json()).toEqual({ status: 'ok', checks: { postgres: { status: 'up' } } });
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.body).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/health"[^}]*\} 1/);
    expect(metrics.body).toContain('service="health-test"');
    expect(metrics.body).toContain('process_cpu_user_seconds_total');
    await app.close();
  });
});

describe('httpHealthCheck', () => {
  it('is up on 2xx and down otherwise', async () => {
    const up200 = await appWith([up('x')]);
    await up200.listen(0, '127.0.0.1');
    const down503 = await appWith([down('y', 'nope')]);
    await down503.listen(0, '127.0.0.1');
    const report = await runHealthChecks([
      httpHealthCheck('intake', `${await up200.getUrl()}/health`),
      httpHealthCheck('triage', `${await down503.getUrl()}/health`),
      httpHealthCheck('dispatch', 'http://127.0.0.1:1/health'),
    ]);
    expect(report.status).toBe('error');
    expect(report.checks['intake']).toEqual({ status: 'up' });
    expect(report.checks['triage']).toEqual({ status: 'down', error: expect.stringContaining('503') as unknown as string });
    expect(report.checks['dispatch'].status).toBe('down');
    await up200.close();
    await down503.close();
  });
});
