import { SetMetadata } from '@nestjs/common';

/**
 * Metadata key marking a route (or controller) as public: the global AuthGuard of
 * `@chuishao/auth` lets it through without a token. Defined here so that the platform's own
 * endpoints (/health, /metrics) can be public without the platform depending on auth.
 */
export const IS_PUBLIC_KEY = 'chuishao:public';

/** Marks a route or a whole controller as reachable without a token. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);
