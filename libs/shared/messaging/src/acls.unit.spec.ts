import { departmentTopics, TOPICS } from '@chuishao/contracts';
import { defaultCatalog } from '@chuishao/catalog';
import { aclEntries, departmentPrincipal, kafkaAclBindings, kafkaAclCommands, kafkaPrincipals, type AclBinding } from './acls';

const departments = defaultCatalog().departments;
const [fire, police] = departments;
const bindings = kafkaAclBindings({ prefix: '', departments });
const of = (principal: string) => bindings.filter((b) => b.principal === principal);
/** What `principal` may do on the literal topic `name` (prefixed bindings are only for groups). */
const onTopic = (principal: string, name: string) => of(principal).filter((b) => b.resource === 'TOPIC' && b.name === name).flatMap((b) => b.operations).sort();

describe('the Kafka ACL model (contract §14, ADR 0021)', () => {
  it('names one principal per service and per department, and the admin', () => {
    const principals = kafkaPrincipals(departments);
    expect(principals.slice(0, 5)).toEqual(['chuishao-admin', 'chuishao-intake', 'chuishao-triage', 'chuishao-dispatch', 'chuishao-assessment']);
    expect(principals).toContain('dept-fire-rescue');
    expect(principals).toHaveLength(5 + departments.length);
    expect(new Set(principals).size).toBe(principals.length);
  });

  it('lets a department write only its replies topic and read only its assignments and rejected topics, in its own groups', () => {
    const t = departmentTopics(fire.id);
    expect(of('dept-fire-rescue')).toEqual<AclBinding[]>([
      { principal: 'dept-fire-rescue', resource: 'TOPIC', pattern: 'LITERAL', name: t.assignments, operations: ['READ'] },
      { principal: 'dept-fire-rescue', resource: 'TOPIC', pattern: 'LITERAL', name: t.rejected, operations: ['READ'] },
      { principal: 'dept-fire-rescue', resource: 'TOPIC', pattern: 'LITERAL', name: t.replies, operations: ['WRITE'] },
      { principal: 'dept-fire-rescue', resource: 'GROUP', pattern: 'PREFIXED', name: `dept-${fire.id}-`, operations: ['READ'] },
    ]);
    expect(onTopic('dept-fire-rescue', departmentTopics(police.id).replies)).toEqual([]);
    expect(onTopic('dept-fire-rescue', TOPICS.whistleEvents)).toEqual([]);
  });

  it('never lets a service write a department replies topic (only the department speaks for itself)', () => {
    for (const d of departments) {
      const replies = departmentTopics(d.id).replies;
      const writers = bindings.filter((b) => b.resource === 'TOPIC' && b.name === replies && b.operations.includes('WRITE')).map((b) => b.principal);
      expect(writers).toEqual([departmentPrincipal(d.code)]);
    }
  });

  it('gives each service its own topics and groups', () => {
    expect(onTopic('chuishao-dispatch', departmentTopics(fire.id).replies)).toEqual(['ALTER_CONFIGS', 'CREATE', 'DESCRIBE', 'DESCRIBE_CONFIGS', 'READ']);
    expect(onTopic('chuishao-dispatch', departmentTopics(fire.id).assignments)).toEqual(['CREATE', 'DESCRIBE', 'WRITE']);
    expect(onTopic('chuishao-dispatch', departmentTopics(fire.id).rejected)).toEqual(['CREATE', 'DESCRIBE', 'WRITE']);
    expect(onTopic('chuishao-triage', TOPICS.policyEvents)).toEqual(['CREATE', 'DESCRIBE', 'WRITE']);
    expect(onTopic('chuishao-intake', TOPICS.policyEvents)).toEqual(['CREATE', 'DESCRIBE', 'READ']);
    expect(onTopic('chuishao-assessment', TOPICS.whistleEvents)).toEqual(['CREATE', 'DESCRIBE', 'READ']);
    expect(onTopic('chuishao-assessment', TOPICS.policyEvents)).toEqual([]);
    expect(onTopic('chuishao-intake', departmentTopics(fire.id).assignments)).toEqual([]);
    const groups = bindings.filter((b) => b.resource === 'GROUP' && b.principal.startsWith('chuishao-'));
    expect(groups.map((g) => [g.principal, g.name, g.pattern])).toEqual([
      ['chuishao-intake', 'chuishao-intake-', 'PREFIXED'],
      ['chuishao-triage', 'chuishao-triage-', 'PREFIXED'],
      ['chuishao-dispatch', 'chuishao-dispatch-', 'PREFIXED'],
      ['chuishao-assessment', 'chuishao-assessment-', 'PREFIXED'],
    ]);
    // only groups are bound by prefix: no principal gets a whole family of topics
    expect(bindings.filter((b) => b.resource === 'TOPIC' && b.pattern !== 'LITERAL')).toEqual([]);
  });

  it('puts every name under a test prefix, so a test binds only its own topics and groups', () => {
    const prefixed = kafkaAclBindings({ prefix: 't-acl-1', departments: [fire] });
    expect(prefixed.every((b) => b.name.startsWith('t-acl-1.'))).toBe(true);
    expect(prefixed.find((b) => b.principal === 'dept-fire-rescue' && b.resource === 'GROUP')?.name).toBe(`t-acl-1.dept-${fire.id}-`);
  });

  it('renders kafkajs entries (one per operation) and kafka-acls.sh commands', () => {
    const mine = of('dept-fire-rescue');
    expect(aclEntries(mine)).toHaveLength(4);
    expect(aclEntries(bindings).length).toBe(bindings.reduce((n, b) => n + b.operations.length, 0));
    expect(kafkaAclCommands(mine)[2]).toBe(
      `kafka-acls.sh --bootstrap-server "$B" --command-config admin.properties --add --allow-principal 'User:dept-fire-rescue' --operation Write --topic '${departmentTopics(fire.id).replies}' --resource-pattern-type literal`,
    );
    expect(kafkaAclCommands(of('chuishao-dispatch')).some((c) => c.includes('--operation AlterConfigs'))).toBe(true);
  });
});
