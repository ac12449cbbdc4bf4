export { isRole, ROLES, type Role, ROLES_WITH_ORG, type Principal } from './principal';
export { signDevToken, MAX_DEV_TOKEN_TTL_SECONDS, MIN_SECRET_LENGTH, JwtVerifier } from './jwt';
export { IS_PUBLIC_KEY, Public, ACCESS_KEY, ACCESS_CALLERS, Access, accessOnly, PUBLIC_ACCESS, ANY_ROLE_ACCESS, WHISTLE_READ_ACCESS, type AccessSpec, type AccessCaller, ROLES_KEY, Roles, CurrentPrincipal, AuthModule } from './auth.guard';
export { canReadWhistle, canActOnWhistle, canActOnAssignment } from './scope';
