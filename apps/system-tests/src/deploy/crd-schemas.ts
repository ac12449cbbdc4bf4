/**
 * What the Strimzi (0.4x, kafka.strimzi.io/v1beta2) and CloudNativePG (postgresql.cnpg.io/v1)
 * documentation requires of the kinds we deploy: a small schema of our own per kind, the fields
 * and values the operators accept (their CRDs are not on npm). Each check returns the problems.
 */
type Obj = Record<string, unknown>;
type Check = (o: Obj, say: (msg: string) => void) => void;

const get = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Obj)[k] : undefined), o);
const isInt = (v: unknown, min: number) => Number.isInteger(v) && (v as number) >= min;
const oneOf = (v: unknown, values: readonly unknown[]) => values.includes(v);
const DNS_1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const KAFKA_OPERATIONS = ['Read', 'Write', 'Create', 'Delete', 'Alter', 'Describe', 'ClusterAction', 'AlterConfigs', 'DescribeConfigs', 'IdempotentWrite', 'All'];

const clusterLabel: Check = (o, say) => {
  if (typeof (get(o, 'metadata.labels') as Obj | undefined)?.['strimzi.io/cluster'] !== 'string') say('metadata.labels["strimzi.io/cluster"] is required');
};

const storage = (s: unknown, where: string, say: (m: string) => void) => {
  if (!oneOf(get(s, 'type'), ['ephemeral', 'persistent-claim', 'jbod'])) say(`${where}.type must be ephemeral, persistent-claim or jbod`);
  if (get(s, 'type') === 'jbod') {
    const vols = get(s, 'volumes');
    if (!Array.isArray(vols) || vols.length === 0) return say(`${where}.volumes required for jbod`);
    vols.forEach((v, i) => {
      if (!isInt(get(v, 'id'), 0)) say(`${where}.volumes[${i}].id must be an integer ≥ 0`);
      if (!oneOf(get(v, 'type'), ['ephemeral', 'persistent-claim'])) say(`${where}.volumes[${i}].type must be ephemeral or persistent-claim`);
      if (get(v, 'type') === 'persistent-claim' && !/^\d+(Mi|Gi|Ti)$/.test(String(get(v, 'size')))) say(`${where}.volumes[${i}].size must be a quantity`);
      if (get(v, 'kraftMetadata') !== undefined && get(v, 'kraftMetadata') !== 'shared') say(`${where}.volumes[${i}].kraftMetadata may only be shared`);
    });
  }
};

export const CRD_SCHEMAS: Record<string, Check> = {
  'kafka.strimzi.io/v1beta2/Kafka': (o, say) => {
    const ann = (get(o, 'metadata.annotations') ?? {}) as Obj;
    if (ann['strimzi.io/kraft'] !== 'enabled') say('KRaft: metadata.annotations["strimzi.io/kraft"] must be enabled');
    if (ann['strimzi.io/node-pools'] !== 'enabled') say('node pools: metadata.annotations["strimzi.io/node-pools"] must be enabled');
    if (get(o, 'spec.zookeeper') !== undefined) say('spec.zookeeper must not be set in KRaft mode');
    if (get(o, 'spec.kafka.replicas') !== undefined || get(o, 'spec.kafka.storage') !== undefined) say('replicas and storage belong to the KafkaNodePools');
    const listeners = get(o, 'spec.kafka.listeners');
    if (!Array.isArray(listeners) || listeners.length === 0) return say('spec.kafka.listeners is required');
    for (const [i, l] of listeners.entries()) {
      if (!/^[a-z0-9]{1,11}$/.test(String(get(l, 'name')))) say(`listeners[${i}].name must be 1–11 lower-case letters or digits`);
      if (!isInt(get(l, 'port'), 9092) || [9404, 9999].includes(get(l, 'port') as number)) say(`listeners[${i}].port must be ≥ 9092 and not 9404 or 9999`);
      if (!oneOf(get(l, 'type'), ['internal', 'route', 'loadbalancer', 'nodeport', 'ingress', 'cluster-ip'])) say(`listeners[${i}].type unknown`);
      if (typeof get(l, 'tls') !== 'boolean') say(`listeners[${i}].tls is required (boolean)`);
      if (get(l, 'authentication.type') !== 'scram-sha-512') say(`listeners[${i}]: clients authenticate with SASL/SCRAM-SHA-512 (contract §14)`);
    }
    if (get(o, 'spec.kafka.authorization.type') !== 'simple') say('spec.kafka.authorization.type must be simple (the KafkaUsers\' ACLs)');
    if (get(o, 'spec.entityOperator.topicOperator') === undefined || get(o, 'spec.entityOperator.userOperator') === undefined) say('spec.entityOperator needs topicOperator and userOperator');
  },
  'kafka.strimzi.io/v1beta2/KafkaNodePool': (o, say) => {
    clusterLabel(o, say);
    if (!isInt(get(o, 'spec.replicas'), 0)) say('spec.replicas must be an integer ≥ 0');
    const roles = get(o, 'spec.roles');
    if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r) => oneOf(r, ['controller', 'broker']))) say('spec.roles must list controller and/or broker');
    storage(get(o, 'spec.storage'), 'spec.storage', say);
  },
  'kafka.strimzi.io/v1beta2/KafkaTopic': (o, say) => {
    clusterLabel(o, say);
    if (!isInt(get(o, 'spec.partitions'), 1)) say('spec.partitions must be an integer ≥ 1');
    if (!isInt(get(o, 'spec.replicas'), 1) || (get(o, 'spec.replicas') as number) > 32767) say('spec.replicas must be 1–32767');
    if (!/^[a-zA-Z0-9._-]{1,249}$/.test(String(get(o, 'spec.topicName') ?? get(o, 'metadata.name')))) say('topic name: letters, digits, . _ - only');
  },
  'kafka.strimzi.io/v1beta2/KafkaUser': (o, say) => {
    clusterLabel(o, say);
    if (!DNS_1123.test(String(get(o, 'metadata.name')))) say('metadata.name is the SCRAM user name and must be a DNS-1123 name');
    if (get(o, 'spec.authentication.type') !== 'scram-sha-512') say('spec.authentication.type must be scram-sha-512');
    const authz = get(o, 'spec.authorization');
    if (authz === undefined) return;
    if (get(authz, 'type') !== 'simple') say('spec.authorization.type must be simple');
    const acls = get(authz, 'acls');
    if (!Array.isArray(acls)) return say('spec.authorization.acls is required');
    acls.forEach((a, i) => {
      const type = get(a, 'resource.type');
      if (!oneOf(type, ['topic', 'group', 'cluster', 'transactionalId'])) say(`acls[${i}].resource.type unknown`);
      if (type !== 'cluster' && typeof get(a, 'resource.name') !== 'string') say(`acls[${i}].resource.name required`);
      if (type !== 'cluster' && !oneOf(get(a, 'resource.patternType') ?? 'literal', ['literal', 'prefix'])) say(`acls[${i}].resource.patternType must be literal or prefix`);
      const ops = get(a, 'operations');
      if (!Array.isArray(ops) || ops.length === 0 || !ops.every((op) => KAFKA_OPERATIONS.includes(op as string))) say(`acls[${i}].operations must be Kafka operations`);
    });
  },
  'postgresql.cnpg.io/v1/Cluster': (o, say) => {
    if (!isInt(get(o, 'spec.instances'), 1)) say('spec.instances must be an integer ≥ 1');
    if (!/^\d+(Mi|Gi|Ti)$/.test(String(get(o, 'spec.storage.size')))) say('spec.storage.size must be a quantity');
    if (typeof get(o, 'spec.bootstrap.initdb.database') !== 'string' || typeof get(o, 'spec.bootstrap.initdb.owner') !== 'string') say('spec.bootstrap.initdb needs database and owner');
    const store = get(o, 'spec.backup.barmanObjectStore');
    if (store !== undefined) {
      if (!/^(s3|gs|https?):\/\//.test(String(get(store, 'destinationPath')))) say('barmanObjectStore.destinationPath must be an object store URL');
      const creds = ['s3Credentials', 'azureCredentials', 'googleCredentials'].filter((k) => get(store, k) !== undefined);
      if (creds.length !== 1) say('barmanObjectStore needs exactly one of s3Credentials, azureCredentials, googleCredentials');
      for (const k of ['accessKeyId', 'secretAccessKey']) if (creds[0] === 's3Credentials' && (typeof get(store, `s3Credentials.${k}.name`) !== 'string' || typeof get(store, `s3Credentials.${k}.key`) !== 'string')) say(`s3Credentials.${k} must reference a Secret's name and key`);
      if (!/^[1-9][0-9]*[dwm]$/.test(String(get(o, 'spec.backup.retentionPolicy') ?? '1d'))) say('spec.backup.retentionPolicy must look like 30d, 4w or 6m');
    }
  },
  'postgresql.cnpg.io/v1/ScheduledBackup': (o, say) => {
    if (String(get(o, 'spec.schedule')).trim().split(/\s+/).length !== 6) say('spec.schedule is a six-field cron expression (seconds first)');
    if (typeof get(o, 'spec.cluster.name') !== 'string') say('spec.cluster.name is required');
    if (!oneOf(get(o, 'spec.backupOwnerReference') ?? 'none', ['none', 'self', 'cluster'])) say('spec.backupOwnerReference must be none, self or cluster');
  },
};

/** The problems of one custom object against its kind's schema (unknown kinds are a problem too). */
export function validateCustom(o: Obj): string[] {
  const kind = `${o.apiVersion as string}/${o.kind as string}`;
  const check = CRD_SCHEMAS[kind];
  if (!check) return [`no schema for ${kind}`];
  const problems: string[] = [];
  check(o, (m) => problems.push(`${kind} ${get(o, 'metadata.name') as string}: ${m}`));
  return problems;
}
