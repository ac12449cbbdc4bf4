import { DEFAULT_TZ } from '@chuishao/assessment-domain';

/** CHUISHAO_TZ (validated at boot by the service config), default Asia/Shanghai. */
export function districtTimeZone(): string {
  const tz = process.env.CHUISHAO_TZ?.trim();
  return tz ? tz : DEFAULT_TZ;
}
