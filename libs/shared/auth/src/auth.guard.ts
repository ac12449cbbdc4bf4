import {
  CanActivate,
  createParamDecorator,
  DynamicModule,
  ExecutionContext,
  Inject,
  Injectable,
  Module,
  SetMetadata,
} from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { IS_PUBLIC_KEY, ProblemException } from '@chuishao/platform';
import { InvalidTokenError, JwtVerifier, JwtVerifierOptions } from './jwt';
import type { Principal, Role } from './principal';

export { IS_PUBLIC_KEY, Public, ACCESS_KEY, ACCESS_CALLERS, Access, accessOnly, PUBLIC_ACCESS, ANY_ROLE_ACCESS, WHISTLE_READ_ACCESS, type AccessSpec, type AccessCaller } from '@chuishao/platform';

export const ROLES_KEY = 'chuishao:roles';
const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');

/** Restricts a route (or controller) to these roles; other authenticated callers get 403. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

interface RequestWithPrincipal {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/** The authenticated caller (undefined on `@Public()` routes). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Principal | undefined =>
    ctx.switchToHttp().getRequest<RequestWithPrincipal>().principal,
);

/** The bearer token of an Authorization header, or undefined. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^Bearer[ ]+([A-Za-z0-9\-_.~+/]+=*)\s*$/i.exec(value ?? '');
  return match?.[1];
}

/**
 * Global guard (registered as APP_GUARD by {@link AuthModule.forRoot}):
 * `@Public()` → through; no or invalid bearer token → 401 problem with `WWW-Authenticate: Bearer`;
 * a role not listed in `@Roles(...)` → 403 problem. Routes without `@Roles` accept any role.
 * The principal is put on the request for `@CurrentPrincipal()`.
 * Non-HTTP contexts (Kafka handlers sharing the app config) are not token-authenticated: broker
 * ACLs bind a department's credentials to its topics.
 */
@Injectable()
class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(JwtVerifier) private readonly verifier: JwtVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<RequestWithPrincipal>();
    const token = bearerToken(request.headers['authorization']);
    if (!token) {
      throw ProblemException.unauthenticated('缺少 Bearer 令牌 / A bearer token is required (Authorization: Bearer <JWT>)');
    }
    let principal: Principal;
    try {
      principal = await this.verifier.verify(token);
    } catch (err: unknown) {
      const reason = err instanceof InvalidTokenError ? err.message : 'token cannot be verified';
      // a header value: printable ASCII without quotes (RFC 6750 §3), whatever the message holds
      const description = reason.replace(/[^\x20-\x7e]|["\\]/g, '?');
      throw ProblemException.unauthenticated(`令牌无效 / Invalid token: ${reason}`, {
        'WWW-Authenticate': `Bearer realm="chuishao", error="invalid_token", error_description="${description}"`,
      });
    }
    request.principal = principal;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && roles.length > 0 && !roles.includes(principal.role)) {
      throw ProblemException.forbidden(
        `角色 ${principal.role} 无权执行此操作 / Role ${principal.role} may not do this; allowed: ${roles.join(', ')}`,
      );
    }
    return true;
  }
}

/** The verifier's options from the environment (`CHUISHAO_JWT_SECRET`, `CHUISHAO_JWKS_URL`, `CHUISHAO_JWT_ISSUER`, `CHUISHAO_JWT_AUDIENCE`, `CHUISHAO_JWT_CLOCK_TOLERANCE_S`). */
function jwtOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): JwtVerifierOptions {
  const tolerance = env['CHUISHAO_JWT_CLOCK_TOLERANCE_S'];
  return {
    secret: env['CHUISHAO_JWT_SECRET'] || undefined,
    jwksUrl: env['CHUISHAO_JWKS_URL'] || undefined,
    issuer: env['CHUISHAO_JWT_ISSUER'] || undefined,
    audience: env['CHUISHAO_JWT_AUDIENCE'] || undefined,
    clockToleranceSeconds: tolerance ? Number(tolerance) : undefined,
  };
}

/**
 * `AuthModule.forRoot({ secret, jwksUrl, issuer, audience, clockToleranceSeconds })` — global:
 * provides {@link JwtVerifier} and registers {@link AuthGuard} as APP_GUARD. Without options, reads
 * them from the environment ({@link jwtOptionsFromEnv}).
 */
@Module({})
export class AuthModule {
  static forRoot(options: JwtVerifierOptions = {}): DynamicModule {
    const given = options.secret !== undefined || options.jwksUrl !== undefined;
    const resolved: JwtVerifierOptions = given ? options : { ...jwtOptionsFromEnv(), ...options };
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: AUTH_OPTIONS, useValue: resolved },
        { provide: JwtVerifier, useFactory: (o: JwtVerifierOptions) => new JwtVerifier(o), inject: [AUTH_OPTIONS] },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [JwtVerifier, AUTH_OPTIONS],
    };
  }
}
