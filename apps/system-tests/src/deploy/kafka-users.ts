import { defaultCatalog } from '@chuishao/catalog';
import { departmentPrincipal, KAFKA_ADMIN_PRINCIPAL, kafkaAclBindings, kafkaPrincipals, type AclBinding, type AclOperation } from '@chuishao/messaging';

/**
 * The Kafka ACL model (libs/shared/messaging/src/acls.ts, the one place it is defined: ADR 0021) as
 * Strimzi KafkaUsers for the production topic names: each service only its own topics and consumer
 * groups, each department's principal only its replies (write), assignments and rejected topics
 * (read) and its own groups. deploy/k8s/base/kafka/kafka-users.yaml is this list, checked equal to it
 * by k8s-manifests.unit.spec.ts; `node scripts/k8s-kafka-users.js` prints it again after a change of
 * the catalog or of the model. The admin (a super user of the cluster) is in users.yaml.
 */
export interface Acl {
  resource: { type: 'topic' | 'group' | 'cluster'; name?: string; patternType?: 'literal' | 'prefix' };
  operations: string[];
  host: string;
}

export interface KafkaUser {
  apiVersion: 'kafka.strimzi.io/v1beta2';
  kind: 'KafkaUser';
  metadata: { name: string; labels: Record<string, string> };
  spec: { authentication: { type: 'scram-sha-512' }; authorization: { type: 'simple'; acls: Acl[] } };
}

export const KAFKA_CLUSTER = 'chuishao-kafka';

const STRIMZI_OPERATION: Record<AclOperation, string> = {
  READ: 'Read',
  WRITE: 'Write',
  CREATE: 'Create',
  DESCRIBE: 'Describe',
  ALTER_CONFIGS: 'AlterConfigs',
  DESCRIBE_CONFIGS: 'DescribeConfigs',
};

function acl(b: AclBinding): Acl {
  return {
    resource: { type: b.resource === 'TOPIC' ? 'topic' : 'group', name: b.name, patternType: b.pattern === 'LITERAL' ? 'literal' : 'prefix' },
    operations: b.operations.map((o) => STRIMZI_OPERATION[o]),
    host: '*',
  };
}

/** Every principal but the admin, as a KafkaUser with the model's ACLs for the production topic names. */
export function kafkaUsers(): KafkaUser[] {
  const departments = defaultCatalog().departments;
  const bindings = kafkaAclBindings({ prefix: '', departments });
  return kafkaPrincipals(departments)
    .filter((p) => p !== KAFKA_ADMIN_PRINCIPAL)
    .map((principal) => {
      const department = departments.find((d) => principal === departmentPrincipal(d.code));
      return {
        apiVersion: 'kafka.strimzi.io/v1beta2',
        kind: 'KafkaUser',
        metadata: { name: principal, labels: { 'strimzi.io/cluster': KAFKA_CLUSTER, ...(department ? { 'chuishao.io/department': department.code } : {}) } },
        spec: { authentication: { type: 'scram-sha-512' }, authorization: { type: 'simple', acls: bindings.filter((b) => b.principal === principal).map(acl) } },
      };
    });
}
