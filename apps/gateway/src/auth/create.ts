import { isHttpsOrLoopbackUrl } from '@chuishao/platform';
import type { GatewayConfig } from '../gateway.config';
import { openidClient } from './oidc-client';
import { SignIn } from './sign-in';

/**
 * What the field rules cannot say alone: with sign-in configured, the callback must be https
 * unless on loopback (the session cookie is Secure outside loopback, contract §16).
 */
export function checkSignInConfig(config: GatewayConfig): void {
  if (config.CHUISHAO_OIDC_ISSUER && !isHttpsOrLoopbackUrl(config.oidcRedirectUri)) {
    throw new Error('CHUISHAO_OIDC_REDIRECT_URI (or CHUISHAO_PUBLIC_BASE_URL): must be https outside loopback, for a Secure session cookie');
  }
}

/** The gateway's sign-in, or undefined when no provider is configured (CHUISHAO_OIDC_ISSUER unset). */
export function createSignIn(config: GatewayConfig): SignIn | undefined {
  if (!config.CHUISHAO_OIDC_ISSUER) return undefined;
  const client = openidClient({ issuer: config.CHUISHAO_OIDC_ISSUER, clientId: config.CHUISHAO_OIDC_CLIENT_ID, clientSecret: config.CHUISHAO_OIDC_CLIENT_SECRET });
  return new SignIn(client, {
    redirectUri: config.oidcRedirectUri,
    scope: config.CHUISHAO_OIDC_SCOPE,
    roleClaim: config.CHUISHAO_OIDC_ROLE_CLAIM,
    orgClaim: config.CHUISHAO_OIDC_ORG_CLAIM,
  });
}
