/**
 * `node scripts/cli.js kafka-acls principals`     the SCRAM users the brokers need, one a line
 * `node scripts/cli.js kafka-acls apply [--prefix P]`  creates the ACLs (as the admin principal)
 * `node scripts/cli.js kafka-acls print [--prefix P]`  the same ACLs as kafka-acls.sh commands
 *
 * The ACL model of libs/shared/messaging/src/acls.ts for the catalog's departments (ADR 0021).
 * deploy/kafka/kafka.sh runs `principals` and `apply` at every start of the secured broker; a
 * deployment runs `print` (or `apply`) against its own brokers. `apply` connects with KAFKA_BROKERS
 * and KAFKA_SASL_* / KAFKA_TLS* of the environment (the admin's); the prefix defaults to
 * CHUISHAO_TOPIC_PREFIX (empty: the contract's topic names).
 */
import { defaultCatalog } from '@chuishao/catalog';
import { createAcls, createKafka, kafkaAclBindings, kafkaAclCommands, kafkaConnection, kafkaPrincipals } from '@chuishao/messaging';
import { KafkaClientConfig, loadConfig } from '@chuishao/platform';
import { UsageError } from './errors';

export const USAGE = `usage: node scripts/cli.js kafka-acls principals
       node scripts/cli.js kafka-acls apply [--prefix P]
       node scripts/cli.js kafka-acls print [--prefix P]`;

export interface KafkaAclArgs {
  command: 'principals' | 'apply' | 'print';
  prefix: string;
}

export function parseKafkaAclArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): KafkaAclArgs {
  const [command, ...rest] = argv;
  if (command !== 'principals' && command !== 'apply' && command !== 'print') throw new UsageError(`unknown command: ${command ?? '(none)'}\n${USAGE}`);
  const args: KafkaAclArgs = { command, prefix: env.CHUISHAO_TOPIC_PREFIX?.trim() ?? '' };
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--prefix' && rest[i + 1] !== undefined) args.prefix = rest[++i];
    else throw new UsageError(`unknown argument: ${rest[i]}\n${USAGE}`);
  }
  return args;
}

export async function main(argv: readonly string[]): Promise<number> {
  let args: KafkaAclArgs;
  try {
    args = parseKafkaAclArgs(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const departments = defaultCatalog().departments;
  if (args.command === 'principals') {
    process.stdout.write(`${kafkaPrincipals(departments).join('\n')}\n`);
    return 0;
  }
  const bindings = kafkaAclBindings({ prefix: args.prefix, departments });
  if (args.command === 'print') {
    process.stdout.write(`${kafkaAclCommands(bindings).join('\n')}\n`);
    return 0;
  }
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const admin = createKafka('chuishao-kafka-acls', kafkaConnection(loadConfig(KafkaClientConfig)), silent).admin();
  await admin.connect();
  try {
    const n = await createAcls(admin, bindings);
    process.stdout.write(`${n} ACL entries for ${kafkaPrincipals(departments).length - 1} principals${args.prefix ? ` (prefix ${args.prefix})` : ''}\n`);
  } finally {
    await admin.disconnect();
  }
  return 0;
}
