import type { Principal } from '@chuishao/auth';
import type { EventMetadata } from '@chuishao/event-store';

/** Event metadata for an act of a person: the actor is the token's subject, role and org. */
export function metadataFor(principal: Principal, correlationId: string, causationId: string | null): EventMetadata {
  return { correlationId, causationId, actor: { role: principal.role, org: principal.org ?? null, sub: principal.sub } };
}
