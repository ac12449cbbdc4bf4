import { IsInt, IsString, Min } from 'class-validator';
import { BaseServiceConfig, ConfigValidationError, KafkaClientConfig, loadConfig } from './config';
import { ToBoolean, ToInt } from './config-rules';
import { IsBoolean } from 'class-validator';

const SECRET = 'x'.repeat(40);

class IntakeConfig extends BaseServiceConfig {
  @ToInt() @IsInt() @Min(1)
  IDEMPOTENCY_TTL_HOURS = 24;

  @ToBoolean() @IsBoolean()
  FEATURE_X = false;

  @IsString()
  REQUIRED_NAME!: string;
}

function errorOf(fn: () => unknown): ConfigValidationError {
  try {
    fn();
  } catch (err: unknown) {
    if (err instanceof ConfigValidationError) return err;
    throw err;
  }
  throw new Error('expected a ConfigValidationError');
}

describe('loadConfig', () => {
  it('applies defaults and converts types', () => {
    const c = loadConfig(BaseServiceConfig, { PORT: '3001', CHUISHAO_JWT_SECRET: SECRET });
    expect(c).toBeInstanceOf(BaseServiceConfig);
    expect(c.PORT).toBe(3001);
    expect(c.HOST).toBe('127.0.0.1');
    expect(c.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/chuishao');
    expect(c.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(c.KAFKA_PARTITIONS).toBe(6);
    expect(c.LOG_LEVEL).toBe('info');
    expect(c.CHUISHAO_TZ).toBe('Asia/Shanghai');
    expect(c.NODE_ENV).toBe('development');
  });

  it('reads overrides: broker lists, numbers, subclass fields, booleans', () => {
    const c = loadConfig(IntakeConfig, {
      PORT: '3002',
      CHUISHAO_JWKS_URL: 'http://localhost:9000/.well-known/jwks.json',
      CHUISHAO_JWT_ISSUER: 'http://localhost:9000',
      CHUISHAO_JWT_AUDIENCE: 'chuishao',
      KAFKA_BROKERS: 'k1:9092, k2:9093,',
      KAFKA_PARTITIONS: '12',
      IDEMPOTENCY_TTL_HOURS: '48',
      FEATURE_X: 'yes',
      REQUIRED_NAME: 'n',
      CHUISHAO_TZ: 'UTC',
      UNRELATED: 'ignored',
    });
    expect(c.KAFKA_BROKERS).toEqual(['k1:9092', 'k2:9093']);
    expect(c.KAFKA_PARTITIONS).toBe(12);
    expect(c.IDEMPOTENCY_TTL_HOURS).toBe(48);
    expect(c.FEATURE_X).toBe(true);
    expect(c.CHUISHAO_JWT_SECRET).toBeUndefined();
    expect(c).not.toHaveProperty('UNRELATED');
  });

  it('throws ONE error naming every bad variable (missing secret, bad port, bad TZ)', () => {
    const err = errorOf(() =>
      loadConfig(BaseServiceConfig, { PORT: 'eighty', CHUISHAO_TZ: 'Mars/Olympus_Mons', KAFKA_PARTITIONS: '65' }),
    );
    expect(err.problems.map((p) => p.split(':')[0]).sort()).toEqual(
      ['CHUISHAO_JWT_SECRET', 'CHUISHAO_TZ', 'KAFKA_PARTITIONS', 'PORT'].sort(),
    );
    expect(err.message).toContain('PORT: must be an integer port number');
    expect(err.message).toContain('CHUISHAO_TZ: must be a valid IANA time zone');
    expect(err.message).toMatch(/CHUISHAO_JWT_SECRET: is required when CHUISHAO_JWKS_URL is not set/);
    expect(err.message).toContain('KAFKA_PARTITIONS: must be between 1 and 64');
  });

  it('reports a missing required variable as missing, and empty counts as unset', () => {
    const err = errorOf(() => loadConfig(IntakeConfig, { PORT: '', CHUISHAO_JWT_SECRET: SECRET }));
    expect(err.problems).toContain('PORT: is required but not set');
    expect(err.problems.some((p) => p.startsWith('REQUIRED_NAME:'))).toBe(true);
  });

  it('never prints secret values', () => {
    const short = 'hunter2-too-short';
    const err = errorOf(() =>
      loadConfig(BaseServiceConfig, {
        PORT: '70000',
        CHUISHAO_JWT_SECRET: short,
        DATABASE_URL: 'mysql://root:s3cr3t-pw@db/x',
        CHUISHAO_JWKS_URL: 'not a url',
        LOG_LEVEL: 'loud',
      }),
    );
    expect(err.message).not.toContain(short);
    expect(err.message).not.toContain('s3cr3t-pw');
    expect(err.message).toContain('CHUISHAO_JWT_SECRET: must be at least 32 characters long');
    expect(err.message).toContain('DATABASE_URL');
    expect(err.message).toContain('CHUISHAO_JWKS_URL: must be an https URL (http only for a loopback host such as 127.0.0.1)');
    expect(err.message).toContain('LOG_LEVEL');
    expect(err.message).toContain('PORT: must be a port number between 0 and 65535');
  });

  it('accepts a JWKS URL instead of the secret, with the issuer and audience to check', () => {
    const jwks = { PORT: '1', CHUISHAO_JWKS_URL: 'https://idp.example/jwks', CHUISHAO_JWT_ISSUER: 'https://idp.example', CHUISHAO_JWT_AUDIENCE: 'chuishao' };
    const c = loadConfig(BaseServiceConfig, jwks);
    expect(c).toMatchObject({ CHUISHAO_JWT_ISSUER: 'https://idp.example', CHUISHAO_JWT_AUDIENCE: 'chuishao', CHUISHAO_JWT_CLOCK_TOLERANCE_S: 60 });
    expect(c.CHUISHAO_JWT_SECRET).toBeUndefined();
  });

  it('with a JWKS URL, requires the issuer and the audience', () => {
    const err = errorOf(() => loadConfig(BaseServiceConfig, { PORT: '1', CHUISHAO_JWKS_URL: 'https://idp.example/jwks' }));
    expect(err.problems.sort()).toEqual([
      'CHUISHAO_JWT_AUDIENCE: is required when CHUISHAO_JWKS_URL is set',
      'CHUISHAO_JWT_ISSUER: is required when CHUISHAO_JWKS_URL is set',
    ]);
  });

  it.each([
    ['http://idp.example/jwks', false],
    ['http://10.0.0.7:8090/jwks', false],
    ['ftp://idp.example/jwks', false],
    ['https://idp.example/jwks', true],
    ['http://127.0.0.1:8090/jwks', true],
    ['http://localhost:8090/jwks', true],
    ['http://[::1]:8090/jwks', true],
  ])('a JWKS URL %s is accepted: %s (https, or http to a loopback host)', (url, ok) => {
    const env = { PORT: '1', CHUISHAO_JWKS_URL: url, CHUISHAO_JWT_ISSUER: 'i', CHUISHAO_JWT_AUDIENCE: 'a' };
    if (ok) expect(() => loadConfig(BaseServiceConfig, env)).not.toThrow();
    else expect(errorOf(() => loadConfig(BaseServiceConfig, env)).problems).toEqual([expect.stringMatching(/^CHUISHAO_JWKS_URL: must be an https URL/)]);
  });

  it('bounds the clock tolerance to 0–300 s', () => {
    expect(loadConfig(BaseServiceConfig, { PORT: '1', CHUISHAO_JWT_SECRET: SECRET, CHUISHAO_JWT_CLOCK_TOLERANCE_S: '300' }).CHUISHAO_JWT_CLOCK_TOLERANCE_S).toBe(300);
    for (const bad of ['301', '-1', 'a minute']) {
      const err = errorOf(() => loadConfig(BaseServiceConfig, { PORT: '1', CHUISHAO_JWT_SECRET: SECRET, CHUISHAO_JWT_CLOCK_TOLERANCE_S: bad }));
      expect(err.problems).toEqual([expect.stringMatching(/^CHUISHAO_JWT_CLOCK_TOLERANCE_S: must be/)]);
    }
  });

  it('reads trusted proxies as IPs and CIDRs (services: loopback by default)', () => {
    expect(loadConfig(BaseServiceConfig, { PORT: '1', CHUISHAO_JWT_SECRET: SECRET }).CHUISHAO_TRUSTED_PROXIES).toEqual(['loopback']);
    const c = loadConfig(BaseServiceConfig, { PORT: '1', CHUISHAO_JWT_SECRET: SECRET, CHUISHAO_TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.7,::1,fd00::/8' });
    expect(c.CHUISHAO_TRUSTED_PROXIES).toEqual(['10.0.0.0/8', '192.168.1.7', '::1', 'fd00::/8']);
    for (const bad of ['*', '10.0.0.0/33', 'proxy.example', '1.2.3.4/8/9']) {
      const err = errorOf(() => loadConfig(BaseServiceConfig, { PORT: '1', CHUISHAO_JWT_SECRET: SECRET, CHUISHAO_TRUSTED_PROXIES: bad }));
      expect(err.problems).toEqual([expect.stringMatching(/^CHUISHAO_TRUSTED_PROXIES: must be a comma-separated list/)]);
    }
  });
});

describe('KafkaClientConfig (every Kafka client, ADR 0021)', () => {
  it('defaults to PLAINTEXT with SCRAM-SHA-512 as the mechanism once credentials are given', () => {
    const c = loadConfig(KafkaClientConfig, {});
    expect(c).toEqual(expect.objectContaining({ KAFKA_BROKERS: ['127.0.0.1:9092'], KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_TLS: false }));
    expect(c.KAFKA_SASL_USERNAME).toBeUndefined();
    const s = loadConfig(KafkaClientConfig, { KAFKA_SASL_USERNAME: 'chuishao-intake', KAFKA_SASL_PASSWORD: 'pw', KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: '/etc/ca.pem' });
    expect(s).toEqual(expect.objectContaining({ KAFKA_SASL_USERNAME: 'chuishao-intake', KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_TLS: true, KAFKA_TLS_CA_FILE: '/etc/ca.pem' }));
  });

  it('is part of every service config', () => {
    const c = loadConfig(BaseServiceConfig, { PORT: '1', CHUISHAO_JWT_SECRET: SECRET, KAFKA_SASL_USERNAME: 'chuishao-triage', KAFKA_SASL_PASSWORD: 'pw' });
    expect(c.KAFKA_SASL_USERNAME).toBe('chuishao-triage');
  });

  it('wants both the user name and the password, or neither, and never prints the password', () => {
    const password = 'only-the-password-1234';
    const a = errorOf(() => loadConfig(KafkaClientConfig, { KAFKA_SASL_PASSWORD: password }));
    expect(a.problems).toEqual(['KAFKA_SASL_USERNAME: is required when KAFKA_SASL_PASSWORD is set (give both or neither)']);
    expect(a.message).not.toContain(password);
    const b = errorOf(() => loadConfig(KafkaClientConfig, { KAFKA_SASL_USERNAME: 'dept-fire-rescue' }));
    expect(b.problems).toEqual(['KAFKA_SASL_PASSWORD: is required when KAFKA_SASL_USERNAME is set (give both or neither)']);
  });

  it('refuses other mechanisms, a TLS flag that is not a boolean and a CA file without TLS', () => {
    const err = errorOf(() => loadConfig(KafkaClientConfig, { KAFKA_SASL_MECHANISM: 'plain', KAFKA_TLS: 'sometimes', KAFKA_TLS_CA_FILE: '/etc/ca.pem' }));
    expect(err.problems).toEqual(expect.arrayContaining(['KAFKA_SASL_MECHANISM: must be one of scram-sha-512, scram-sha-256', 'KAFKA_TLS: must be true or false', 'KAFKA_TLS_CA_FILE: needs KAFKA_TLS=true']));
  });
});
