import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ACCESS_KEY, IS_PUBLIC_KEY, type AccessSpec } from '@chuishao/platform';
import { ROLES_KEY, type Role } from '@chuishao/auth';

/** One HTTP route as Nest would mount it, with what it declares about access. */
export interface DeclaredRoute {
  /** The process that serves it: a service, or the gateway itself. */
  service: string;
  method: string;
  /** As mounted, with Nest's `:param`s: `/api/v1/whistles/:id/events`. */
  path: string;
  controller: string;
  handler: string;
  /** `@Access` of the handler, else of the controller; undefined when neither declares one. */
  access?: AccessSpec;
  /** `@Roles` of the handler, else of the controller. */
  roles?: Role[];
  /** `@Public()` on the handler or the controller. */
  isPublic: boolean;
}

const asList = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : [typeof v === 'string' ? v : '']);
const join = (...parts: string[]): string => `/${parts.map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;

/** The HTTP controllers a module (or dynamic module) declares; Kafka controllers have no HTTP route and drop out below. */
export function controllersOf(module: Type<unknown> | { controllers?: Array<Type<unknown>> }): Array<Type<unknown>> {
  if (typeof module === 'function') return (Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, module) as Array<Type<unknown>> | undefined) ?? [];
  return module.controllers ?? [];
}

/**
 * Every HTTP route of `controllers`, from the metadata Nest's router reads (PATH_METADATA on the
 * class and the handler, METHOD_METADATA on the handler): the route table the authorization matrix
 * is generated from. A handler mounted on several paths is one route per path.
 */
export function routesOf(service: string, controllers: ReadonlyArray<Type<unknown>>): DeclaredRoute[] {
  const routes: DeclaredRoute[] = [];
  for (const controller of controllers) {
    const bases = asList(Reflect.getMetadata(PATH_METADATA, controller));
    const proto = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const handler = proto[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (method === undefined || paths === undefined) continue;
      const pick = <T>(key: string): T | undefined => (Reflect.getMetadata(key, handler) as T | undefined) ?? (Reflect.getMetadata(key, controller) as T | undefined);
      for (const base of bases) {
        for (const path of asList(paths)) {
          routes.push({
            service,
            method: RequestMethod[method],
            path: join(base, path),
            controller: controller.name,
            handler: name,
            access: pick<AccessSpec>(ACCESS_KEY),
            roles: pick<Role[]>(ROLES_KEY),
            isPublic: pick<boolean>(IS_PUBLIC_KEY) === true,
          });
        }
      }
    }
  }
  return routes;
}
