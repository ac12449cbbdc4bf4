import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { validateCustom } from '../src/deploy/crd-schemas';
import { defaultCatalog } from '@chuishao/catalog';
import { kafkaUsers } from '../src/deploy/kafka-users';
import { KAFKA_SERVICES, serviceTopics } from '@chuishao/messaging';

type Obj = { apiVersion: string; kind: string; metadata: { name: string }; spec?: any; data?: Record<string, string> };
const ROOT = join(__dirname, '../../..');
const CORE: Record<string, new (o: any) => { validate(): void }> = { 'apps/v1/Deployment': Deployment, 'batch/v1/Job': Job, 'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy, 'policy/v1/PodDisruptionBudget': PodDisruptionBudget, 'v1/ConfigMap': ConfigMap, 'v1/Service': Service };
/** The services force-exit 9 s after SIGTERM (bootstrapService's shutdownTimeoutMs). */
const DRAIN_SECONDS = 9;

function render(overlay: string): Obj[] {
  const text = execFileSync('kubectl', ['kustomize', join(ROOT, 'deploy/k8s/overlays', overlay)], { encoding: 'utf8' });
  return parseAllDocuments(text).map((d) => d.toJSON() as Obj);
}

describe.each(['dev', 'production'])('deploy/k8s/overlays/%s', (overlay) => {
  const objects = render(overlay);
  const of = (kind: string) => objects.filter((o) => o.kind === kind);
  const one = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name)!;

  it('every object is valid: core kinds against the Kubernetes schemas, Strimzi and CloudNativePG against ours', () => {
    const problems: string[] = [];
    for (const o of objects) {
      const Core = CORE[`${o.apiVersion}/${o.kind}`];
      if (Core) {
        try {
          new Core(o).validate();
        } catch (e) {
          problems.push(`${o.kind} ${o.metadata.name}: ${(e as Error).message}`);
        }
      } else problems.push(...validateCustom(o));
    }
    expect(problems).toEqual([]);
    expect(objects.length).toBeGreaterThan(50);
  });

  it('Deployments: probes on /health, resources, grace longer than the drain, a PDB, non-root, secrets by reference', () => {
    expect(of('Deployment').map((d) => d.metadata.name).sort()).toEqual(['assessment', 'dispatch', 'gateway', 'intake', 'triage']);
    for (const d of of('Deployment')) {
      const pod = d.spec.template.spec;
      const [c] = pod.containers;
      expect([c.readinessProbe.httpGet.path, c.livenessProbe.httpGet.path]).toEqual(['/health', '/health']);
      expect(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory).toBeTruthy();
      const preStop = Number(c.lifecycle?.preStop?.exec?.command?.[1] ?? 0);
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(preStop + DRAIN_SECONDS);
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
      expect(of('PodDisruptionBudget').some((p) => p.spec.selector.matchLabels['app.kubernetes.io/name'] === d.metadata.name)).toBe(true);
      for (const e of c.env ?? []) expect(e.name.match(/PASSWORD|SECRET|DATABASE_URL/) ? e.valueFrom?.secretKeyRef : 'plain').toBeTruthy();
    }
  });

  it('replicas bounded by the partitions of the whistle topic, which the services are told', () => {
    const partitions = one('KafkaTopic', 'whistle-events').spec.partitions;
    expect(Number(one('ConfigMap', 'chuishao-config').data!.KAFKA_PARTITIONS)).toBe(partitions);
    for (const s of ['intake', 'triage', 'dispatch', 'assessment']) expect(one('Deployment', s).spec.replicas).toBeLessThanOrEqual(partitions);
  });

  it('KafkaUsers: every principal of the ACL model with exactly its ACLs (each service only its own topics and groups, each department its three topics)', () => {
    const users = of('KafkaUser');
    for (const expected of kafkaUsers()) expect(users.find((u) => u.metadata.name === expected.metadata.name)).toMatchObject(expected);
    for (const expected of kafkaUsers()) expect(users.find((u) => u.metadata.name === expected.metadata.name)?.spec).toEqual(expected.spec);
    expect(users.map((u) => u.metadata.name).sort()).toEqual([...kafkaUsers().map((u) => u.metadata.name), 'chuishao-admin'].sort());
    expect(users.filter((u) => u.metadata.name.startsWith('dept-'))).toHaveLength(defaultCatalog().departments.length);
    // every shared topic a service declares is a KafkaTopic (auto-creation is off); dispatch creates
    // the departments' topics itself (its CREATE ACL), one set per department of the catalog
    const topicNames = of('KafkaTopic').map((t) => t.spec.topicName);
    for (const service of KAFKA_SERVICES) {
      for (const t of serviceTopics(service, defaultCatalog().departments).declares.filter((n) => !n.startsWith('chuishao.dept.'))) expect(topicNames).toContain(t);
    }
  });

  it('PostgreSQL and Kafka sized for the environment', () => {
    const db = one('Cluster', 'chuishao-db');
    const pools = of('KafkaNodePool');
    const brokers = pools.filter((p) => p.spec.roles.includes('broker')).reduce((n, p) => n + p.spec.replicas, 0);
    const migrate = one('Job', 'chuishao-migrate').spec.template.spec;
    expect([...migrate.initContainers, ...migrate.containers].map((c: { args: string[] }) => c.args)).toEqual([['migrate'], ['migrate'], ['migrate'], ['migrate']]);
    if (overlay === 'production') {
      expect(db.spec.instances).toBe(3);
      expect(db.spec.backup.barmanObjectStore.destinationPath).toMatch(/^s3:\/\//);
      expect(of('ScheduledBackup')).toHaveLength(1);
      expect(brokers).toBe(3);
      expect(one('Kafka', 'chuishao-kafka').spec.kafka.config['min.insync.replicas']).toBe(2);
      expect(of('KafkaTopic').every((t) => t.spec.replicas === 3)).toBe(true);
    } else {
      expect(db.spec.instances).toBe(1);
      expect(brokers).toBe(1);
    }
  });
});
