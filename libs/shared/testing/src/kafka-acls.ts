import { defaultCatalog } from '@chuishao/catalog';
import { createAcls, deleteAcls, kafkaAclBindings, servicePrincipal } from '@chuishao/messaging';
import type { KafkaClientConfig } from '@chuishao/platform';
import { declaredTopics, type ServiceKitOptions } from '@chuishao/service-kit';
import { kafkaBrokers, testKafka, testKafkaConfig } from './support';

// The launcher's Kafka helpers (plain JS): a principal's settings on the project's own runner.
// eslint-disable-next-line @nx/enforce-module-boundaries -- a plain script, not a project
const stack = require('../../../../scripts/lib/stack.js') as { localKafkaEnv(principal: string): Record<string, string> };

/**
 * The topics a service declares (creates at start) that the ACL model does not let its principal
 * create and describe: empty when the model (libs/shared/messaging/src/acls.ts) covers the service.
 */
export function declaredTopicsOutsideAcls(service: Omit<ServiceKitOptions, 'config'>): string[] {
  const principal = servicePrincipal(service.service);
  const bindings = kafkaAclBindings({ prefix: '', departments: defaultCatalog().departments }).filter((b) => b.principal === principal && b.resource === 'TOPIC');
  const allowed = (name: string) => bindings.some((b) => b.name === name && b.operations.includes('CREATE') && b.operations.includes('DESCRIBE'));
  return declaredTopics(service, 3)
    .map((t) => t.name)
    .filter((name) => !allowed(name));
}

/** Whether the tests' broker authenticates (SASL): the ACL tests run only there. */
export const kafkaIsSecured = (): boolean => testKafkaConfig().KAFKA_SASL_USERNAME !== undefined;

/**
 * The tests' Kafka settings as `principal` (a service's or a department's) on a secured broker: its
 * password from KAFKA_PASSWORD_<PRINCIPAL> (e.g. KAFKA_PASSWORD_DEPT_FIRE_RESCUE), else from the
 * project's own runner when that is the tests' broker (`kafka.sh client-env`).
 */
export function principalKafkaConfig(principal: string): KafkaClientConfig {
  const base = testKafkaConfig();
  const variable = `KAFKA_PASSWORD_${principal.toUpperCase().replace(/-/g, '_')}`;
  let password = process.env[variable];
  if (!password) {
    const local = stack.localKafkaEnv(principal);
    if (local.KAFKA_BROKERS !== kafkaBrokers()) throw new Error(`no password for ${principal} on ${kafkaBrokers()}: set ${variable}`);
    password = local.KAFKA_SASL_PASSWORD;
  }
  return { ...base, KAFKA_SASL_USERNAME: principal, KAFKA_SASL_PASSWORD: password };
}

/**
 * Creates the ACL model's bindings for a test's topic prefix (as the tests' admin), so that the
 * test's principals may do on its topics exactly what they may do on the real ones; returns the
 * function that removes them again.
 */
export async function grantTestAcls(prefix: string): Promise<() => Promise<void>> {
  const bindings = kafkaAclBindings({ prefix, departments: defaultCatalog().departments });
  const admin = testKafka('test-acls').admin();
  await admin.connect();
  try {
    await createAcls(admin, bindings);
  } finally {
    await admin.disconnect();
  }
  return async () => {
    const a = testKafka('test-acls-cleanup').admin();
    try {
      await a.connect();
      await deleteAcls(a, bindings);
    } catch {
      // best effort, as deleteTestTopics
    } finally {
      await a.disconnect().catch(() => undefined);
    }
  };
}
