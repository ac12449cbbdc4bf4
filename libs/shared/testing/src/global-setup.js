// Jest global setup for integration tests: real PostgreSQL and real Kafka, never mocks.
// 1. KAFKA_BROKERS / TEST_DATABASE_URL given → use them.
// 2. A Docker engine answers → testcontainers starts Kafka and PostgreSQL.
// 3. Otherwise → the project's own Kafka runner (deploy/kafka/kafka.sh, SASL/SCRAM and ACLs; the
//    tests connect as its chuishao-admin) and the local PostgreSQL.
// With KAFKA_BROKERS, the credentials come from the environment (KAFKA_SASL_*; none = PLAINTEXT,
// as testcontainers' broker is).
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const path = require('node:path');
const { localKafkaEnv } = require('../../../../scripts/lib/stack');

function dockerAvailable() {
  if (process.env.CHUISHAO_TESTCONTAINERS === '0') return false;
  const r = spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 });
  return r.status === 0;
}

module.exports = async function globalSetup() {
  const useDocker = (!process.env.KAFKA_BROKERS || !process.env.TEST_DATABASE_URL) && dockerAvailable();
  if (useDocker) {
    const { KafkaContainer } = require('@testcontainers/kafka');
    const { PostgreSqlContainer } = require('@testcontainers/postgresql');
    if (!process.env.KAFKA_BROKERS) {
      const kafka = await new KafkaContainer('confluentinc/cp-kafka:7.7.1').withKraft().start();
      globalThis.__CHUISHAO_KAFKA__ = kafka;
      process.env.KAFKA_BROKERS = `${kafka.getHost()}:${kafka.getMappedPort(9093)}`;
    }
    if (!process.env.TEST_DATABASE_URL) {
      const pg = await new PostgreSqlContainer('postgres:15').withUsername('postgres').withPassword('postgres').start();
      globalThis.__CHUISHAO_PG__ = pg;
      process.env.TEST_DATABASE_URL = pg.getConnectionUri().replace(/\/[^/]*$/, '/postgres');
    }
  } else {
    if (!process.env.KAFKA_BROKERS) {
      execFileSync('bash', [path.join(__dirname, '../../../../deploy/kafka/kafka.sh'), 'start'], { stdio: ['ignore', 'ignore', 'inherit'] });
      // secured by default (ADR 0021): the tests connect as chuishao-admin
      Object.assign(process.env, localKafkaEnv('chuishao-admin'));
    }
    if (!process.env.TEST_DATABASE_URL) process.env.TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
  }
  process.env.CHUISHAO_TEST_RUN = process.env.CHUISHAO_TEST_RUN || `t${Date.now().toString(36)}`;
};
