import { controllersOf, routesOf, type DeclaredRoute } from '@chuishao/testing';
import { HealthController, MetricsController } from '@chuishao/platform';
import { IntakeFeatureModule } from '@chuishao/intake-feature';
import { TriageFeatureModule } from '@chuishao/triage-feature';
import { DispatchFeatureModule } from '@chuishao/dispatch-feature';
import { AssessmentFeatureModule } from '@chuishao/assessment-feature';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the gateway's own route table and controllers, read as data
import { GatewayModule } from '../../gateway/src/gateway.module';
// eslint-disable-next-line @nx/enforce-module-boundaries -- idem
import type { GatewayConfig } from '../../gateway/src/gateway.config';
// eslint-disable-next-line @nx/enforce-module-boundaries -- idem
import { routeFor } from '../../gateway/src/routes';

export { routeFor };
export const SERVICES = ['intake', 'triage', 'dispatch', 'assessment'] as const;
export type Service = (typeof SERVICES)[number];

const FEATURES: Record<Service, Parameters<typeof controllersOf>[0]> = {
  intake: IntakeFeatureModule,
  triage: TriageFeatureModule,
  dispatch: DispatchFeatureModule,
  assessment: AssessmentFeatureModule,
};

/**
 * Every HTTP route of the system, as Nest mounts it: each service's feature module and the
 * platform's own routes (/health, /metrics on the service's port), and the gateway's controllers.
 * A new controller in a feature module is here without anyone listing it.
 */
export function systemRoutes(): DeclaredRoute[] {
  const platform = [HealthController, MetricsController];
  const gateway = GatewayModule.forRoot({} as GatewayConfig);
  return [
    ...SERVICES.flatMap((s) => routesOf(s, [...controllersOf(FEATURES[s]), ...platform])),
    ...routesOf('gateway', controllersOf(gateway as { controllers?: Parameters<typeof routesOf>[1] extends ReadonlyArray<infer T> ? T[] : never })),
  ];
}
