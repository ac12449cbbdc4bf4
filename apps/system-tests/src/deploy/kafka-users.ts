import { defaultCatalog } from '@chuishao/catalog';
import { departmentTopics, TOPICS } from '@chuishao/contracts';

/**
 * The Kafka ACL model of contract §14 as Strimzi KafkaUsers: each department's principal
 * `dept-<CODE>` may write only its replies topic and read only its assignments and rejected
 * topics (with its own client group, as apps/dept-client names it). deploy/k8s/base/kafka/
 * department-users.yaml is this list, checked equal to it by k8s-manifests.unit.spec.ts;
 * `node scripts/k8s-department-users.js` prints it again after a catalog change.
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

const topic = (name: string, operations: string[]): Acl => ({ resource: { type: 'topic', name, patternType: 'literal' }, operations, host: '*' });
const group = (name: string): Acl => ({ resource: { type: 'group', name, patternType: 'literal' }, operations: ['Read', 'Describe'], host: '*' });

export function departmentKafkaUsers(): KafkaUser[] {
  return defaultCatalog().departments.map((d) => {
    const t = departmentTopics(d.id);
    return {
      apiVersion: 'kafka.strimzi.io/v1beta2',
      kind: 'KafkaUser',
      metadata: { name: `dept-${d.code.toLowerCase().replace(/_/g, '-')}`, labels: { 'strimzi.io/cluster': KAFKA_CLUSTER, 'chuishao.io/department': d.code } },
      spec: {
        authentication: { type: 'scram-sha-512' },
        authorization: {
          type: 'simple',
          acls: [topic(t.replies, ['Write', 'Describe']), topic(t.assignments, ['Read', 'Describe']), topic(t.rejected, ['Read', 'Describe']), group(`dept-${d.id}-client`)],
        },
      },
    };
  });
}

/** The topics each service principal may read and write (its own and no other), from the services' declarations. */
export const SERVICE_TOPICS: Record<'intake' | 'triage' | 'dispatch' | 'assessment', { read: string[]; write: string[] }> = {
  intake: { read: [TOPICS.whistleEvents, TOPICS.policyEvents, TOPICS.stuck], write: [TOPICS.whistleEvents, TOPICS.stuck, `${TOPICS.whistleEvents}.rejected`, `${TOPICS.policyEvents}.rejected`, `${TOPICS.stuck}.rejected`] },
  triage: { read: [TOPICS.whistleEvents], write: [TOPICS.whistleEvents, TOPICS.policyEvents, TOPICS.stuck] },
  dispatch: { read: [TOPICS.whistleEvents, TOPICS.assessmentEvents], write: [TOPICS.whistleEvents, TOPICS.stuck] },
  assessment: { read: [TOPICS.whistleEvents], write: [TOPICS.assessmentEvents, TOPICS.stuck] },
};
