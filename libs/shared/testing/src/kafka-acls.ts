import { defaultCatalog } from '@chuishao/catalog';
import { kafkaAclBindings, servicePrincipal } from '@chuishao/messaging';
import { declaredTopics, type ServiceKitOptions } from '@chuishao/service-kit';

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
