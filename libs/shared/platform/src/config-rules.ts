import { Transform } from 'class-transformer';
import { registerDecorator, type ValidationOptions } from 'class-validator';
import { isHttpsOrLoopbackUrl, isProxyEntry, PROXY_RANGE_NAMES } from './net';

/** The transforms and rules configuration classes use (values arrive as strings). */
/** Converts `"8080"` → 8080; anything that is not a plain integer stays as is (and fails `@IsInt`). */
export function ToInt(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number.parseInt(value, 10) : value,
  );
}

/** `true/1/yes/on` → true, `false/0/no/off` → false (case-insensitive); other strings stay as is. */
export function ToBoolean(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') return value;
    const v = value.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(v)) return true;
    if (['false', '0', 'no', 'off'].includes(v)) return false;
    return value;
  });
}

/** Splits a comma-separated list, trimming items and dropping empty ones. */
export function ToList(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0)
      : value,
  );
}

/** True when `zone` is an IANA time zone known to this runtime's Intl (e.g. `Asia/Shanghai`). */
function isValidTimeZone(zone: unknown): boolean {
  if (typeof zone !== 'string' || zone.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** class-validator rule: a valid IANA time zone. */
export function IsTimeZone(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isTimeZone',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: 'must be a valid IANA time zone such as Asia/Shanghai', ...options },
      validator: { validate: (value: unknown) => isValidTimeZone(value) },
    });
  };
}

/** class-validator rule: an https URL, or http to a loopback host (see {@link isHttpsOrLoopbackUrl}). */
export function IsHttpsOrLoopbackUrl(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isHttpsOrLoopbackUrl',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: 'must be an https URL (http only for a loopback host such as 127.0.0.1)', ...options },
      validator: { validate: (value: unknown) => isHttpsOrLoopbackUrl(value) },
    });
  };
}

/** class-validator rule: a list of trusted-proxy entries (see {@link isProxyEntry}). */
export function IsProxyList(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isProxyList',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `must be a comma-separated list of IP addresses, CIDRs or ${PROXY_RANGE_NAMES.join('/')}`, ...options },
      validator: { validate: (value: unknown) => Array.isArray(value) && value.every(isProxyEntry) },
    });
  };
}

