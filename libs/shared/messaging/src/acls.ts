import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes, type AclEntry, type Admin } from 'kafkajs';
import { departmentTopics, TOPICS, type ServiceName } from '@chuishao/contracts';
import { rejectedTopicFor } from './rejected';
import { prefixed } from './topics';

/**
 * Who may do what on Kafka (contract §14, ADR 0021) — the one place the ACLs are written down.
 * The local runner (deploy/kafka/kafka.sh, through `node scripts/cli.js kafka-acls apply`) creates
 * them at start, the tests create them for their topic prefix, and the deployment applies the same
 * (`kafka-acls print`). Pure: the topic model and the catalog's departments in, bindings out.
 *
 * - `chuishao-admin` is the brokers' super user (operators, topic creation in tests, the CLI, the
 *   benchmark): it needs no binding.
 * - A service's principal `chuishao-<service>` creates and describes the topics it declares,
 *   writes the topics it publishes (and the rejected topics of those it consumes), reads the topics
 *   it consumes, and uses only its own consumer groups (`chuishao-<service>-…`).
 * - A department's principal `dept-<code>` (the code in lower case with hyphens: `dept-fire-rescue`) writes only its replies topic and reads only its
 *   assignments and rejected topics, in its own consumer groups (`dept-<departmentId>-…`).
 */

export const KAFKA_ADMIN_PRINCIPAL = 'chuishao-admin';
export const KAFKA_SERVICES: readonly ServiceName[] = ['intake', 'triage', 'dispatch', 'assessment'];
export const servicePrincipal = (service: ServiceName): string => `chuishao-${service}`;
/** A department's principal: `dept-<code>` in lower case with hyphens (`dept-fire-rescue`), a valid Kubernetes name (Strimzi's KafkaUser). */
export const departmentPrincipal = (code: string): string => `dept-${code.toLowerCase().replace(/_/g, '-')}`;

export type AclOperation = 'READ' | 'WRITE' | 'CREATE' | 'DESCRIBE' | 'ALTER_CONFIGS' | 'DESCRIBE_CONFIGS';

/** One principal's operations on one resource (a topic or a consumer group, by name or name prefix). */
export interface AclBinding {
  principal: string;
  resource: 'TOPIC' | 'GROUP';
  pattern: 'LITERAL' | 'PREFIXED';
  name: string;
  operations: AclOperation[];
}

export interface KafkaDepartment {
  id: string;
  code: string;
}

/** What each service does with which topic (contract names, before the prefix). */
interface ServiceTopics {
  /** Declared at start (ensureTopics): CREATE and DESCRIBE. */
  declares: string[];
  /** Published (outbox relay, parking's stuck notices). */
  writes: string[];
  /** Consumed; a consumer may also send a message it refuses to `<topic>.rejected`. */
  reads: string[];
  /** Topics whose configuration the service reads and sets at start. */
  configures?: string[];
}

/** The topics of each service, as its app declares them (apps/<service>/src/<service>.service.ts) and its handlers use them. */
export function serviceTopics(service: ServiceName, departments: readonly KafkaDepartment[]): ServiceTopics {
  const { whistleEvents, policyEvents, assessmentEvents, stuck } = TOPICS;
  const dept = departments.map((d) => departmentTopics(d.id));
  switch (service) {
    case 'intake':
      return {
        declares: [whistleEvents, rejectedTopicFor(whistleEvents), policyEvents, rejectedTopicFor(policyEvents), stuck],
        writes: [whistleEvents, stuck],
        reads: [whistleEvents, policyEvents, stuck],
      };
    case 'triage':
      return { declares: [whistleEvents, policyEvents, stuck], writes: [whistleEvents, policyEvents, stuck], reads: [whistleEvents] };
    case 'dispatch':
      return {
        declares: [whistleEvents, assessmentEvents, ...dept.flatMap((t) => [t.assignments, t.replies, t.rejected]), stuck],
        // the rejected replies are written as each replies topic's `<topic>.rejected`
        writes: [whistleEvents, ...dept.map((t) => t.assignments), stuck],
        reads: [whistleEvents, assessmentEvents, ...dept.map((t) => t.replies)],
        // replies are stamped by the broker: message.timestamp.type=LogAppendTime (reply-receipts.ts)
        configures: dept.map((t) => t.replies),
      };
    case 'assessment':
      return { declares: [whistleEvents, assessmentEvents, stuck], writes: [assessmentEvents, stuck], reads: [whistleEvents] };
  }
}

/** The consumer groups of a service: `Messaging.consumerGroupId` = `[<prefix>.]chuishao-<service>-<purpose>`. */
const serviceGroupPrefix = (prefix: string, service: ServiceName): string => prefixed(prefix, `chuishao-${service}-`);
/** The consumer groups of a department's clients, `[<prefix>.]dept-<departmentId>-…` (the reference client's: `dept-<id>-client`). */
const departmentGroupPrefix = (prefix: string, departmentId: string): string => prefixed(prefix, `dept-${departmentId}-`);

/** Every principal the brokers need, the admin first. */
export function kafkaPrincipals(departments: readonly KafkaDepartment[]): string[] {
  return [KAFKA_ADMIN_PRINCIPAL, ...KAFKA_SERVICES.map(servicePrincipal), ...departments.map((d) => departmentPrincipal(d.code))];
}

/** The ACL bindings for the topics under `prefix` ('' in production; a test's prefix in tests). */
export function kafkaAclBindings(o: { prefix: string; departments: readonly KafkaDepartment[] }): AclBinding[] {
  const t = (name: string) => prefixed(o.prefix, name);
  const topic = (principal: string, name: string, operations: AclOperation[]): AclBinding => ({ principal, resource: 'TOPIC', pattern: 'LITERAL', name: t(name), operations });
  const bindings: AclBinding[] = [];
  for (const service of KAFKA_SERVICES) {
    const p = servicePrincipal(service);
    const s = serviceTopics(service, o.departments);
    const ops = new Map<string, Set<AclOperation>>();
    const add = (names: string[], ...operations: AclOperation[]) => {
      for (const n of names) for (const op of operations) ops.set(n, (ops.get(n) ?? new Set()).add(op));
    };
    add(s.declares, 'CREATE', 'DESCRIBE');
    add(s.writes, 'WRITE');
    add(s.reads, 'READ');
    add(s.reads.map(rejectedTopicFor), 'WRITE');
    add(s.configures ?? [], 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS');
    for (const [name, set] of ops) bindings.push(topic(p, name, [...set]));
    bindings.push({ principal: p, resource: 'GROUP', pattern: 'PREFIXED', name: serviceGroupPrefix(o.prefix, service), operations: ['READ'] });
  }
  for (const d of o.departments) {
    const p = departmentPrincipal(d.code);
    const dt = departmentTopics(d.id);
    bindings.push(topic(p, dt.assignments, ['READ']), topic(p, dt.rejected, ['READ']), topic(p, dt.replies, ['WRITE']));
    bindings.push({ principal: p, resource: 'GROUP', pattern: 'PREFIXED', name: departmentGroupPrefix(o.prefix, d.id), operations: ['READ'] });
  }
  return bindings;
}

/** The bindings as kafkajs ACL entries (ALLOW, any host): one entry per operation. */
export function aclEntries(bindings: readonly AclBinding[]): AclEntry[] {
  return bindings.flatMap((b) =>
    b.operations.map((op) => ({
      principal: `User:${b.principal}`,
      host: '*',
      resourceType: b.resource === 'TOPIC' ? AclResourceTypes.TOPIC : AclResourceTypes.GROUP,
      resourceName: b.name,
      resourcePatternType: b.pattern === 'LITERAL' ? ResourcePatternTypes.LITERAL : ResourcePatternTypes.PREFIXED,
      operation: AclOperationTypes[op],
      permissionType: AclPermissionTypes.ALLOW,
    })),
  );
}

/**
 * Creates the bindings (idempotent: an ACL that exists is left as it is) and returns once the
 * broker's authorizer applies the last of them (the controller commits first). Needs the admin.
 */
export async function createAcls(admin: Admin, bindings: readonly AclBinding[], timeoutMs = 15000): Promise<number> {
  const acl = aclEntries(bindings);
  if (acl.length === 0) return 0;
  await admin.createAcls({ acl });
  const last = acl[acl.length - 1];
  for (const start = Date.now(); ; ) {
    const { resources } = await admin.describeAcls(last);
    if (resources.some((r) => r.acls.length > 0)) return acl.length;
    if (Date.now() - start > timeoutMs) throw new Error(`ACLs not applied by the broker after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Removes the bindings (a test's, for its prefix, when it is done). */
export async function deleteAcls(admin: Admin, bindings: readonly AclBinding[]): Promise<void> {
  const filters = aclEntries(bindings);
  if (filters.length > 0) await admin.deleteAcls({ filters });
}

/** The bindings as Kafka's own `kafka-acls.sh` commands, for a deployment that applies them by hand. */
export function kafkaAclCommands(bindings: readonly AclBinding[]): string[] {
  return bindings.map((b) => {
    const ops = b.operations.map((op) => `--operation ${op.split('_').map((w) => w[0] + w.slice(1).toLowerCase()).join('')}`).join(' ');
    const resource = b.resource === 'TOPIC' ? `--topic '${b.name}'` : `--group '${b.name}'`;
    return `kafka-acls.sh --bootstrap-server "$B" --command-config admin.properties --add --allow-principal 'User:${b.principal}' ${ops} ${resource} --resource-pattern-type ${b.pattern.toLowerCase()}`;
  });
}
