import 'reflect-metadata';
import type { DynamicModule, Type } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { HealthController, mergeOpenApi, serviceOpenApiDocument } from '@chuishao/platform';
import { IntakeFeatureModule } from '@chuishao/intake-feature';
import { TriageFeatureModule } from '@chuishao/triage-feature';
import { DispatchFeatureModule } from '@chuishao/dispatch-feature';
import { AssessmentFeatureModule } from '@chuishao/assessment-feature';

/** The services' feature modules: their HTTP controllers are the API. */
export const FEATURES: Array<Type<unknown>> = [IntakeFeatureModule, TriageFeatureModule, DispatchFeatureModule, AssessmentFeatureModule];

type ModuleRef = Type<unknown> | DynamicModule;

/** Every controller of a module and of the modules it imports. */
export function controllersOf(m: ModuleRef): Array<Type<unknown>> {
  const type = 'module' in m ? m.module : m;
  const dynamic = 'module' in m ? m : undefined;
  const own = [...((Reflect.getMetadata('controllers', type) as Array<Type<unknown>> | undefined) ?? []), ...(dynamic?.controllers ?? [])];
  const imports = [...((Reflect.getMetadata('imports', type) as ModuleRef[] | undefined) ?? []), ...((dynamic?.imports as ModuleRef[] | undefined) ?? [])];
  return [...own, ...imports.filter((i): i is ModuleRef => typeof i === 'function' || (typeof i === 'object' && i !== null && 'module' in i)).flatMap(controllersOf)];
}

/**
 * A service's document exactly as it serves it at /docs-json (serviceOpenApiDocument), built from
 * its controllers alone: their collaborators are stand-ins, nothing connects anywhere.
 */
export async function featureOpenApi(feature: ModuleRef, title: string): Promise<OpenAPIObject> {
  const moduleRef = await Test.createTestingModule({ controllers: [HealthController, ...controllersOf(feature)] })
    .useMocker(() => ({}))
    .compile();
  const app = moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
  try {
    return serviceOpenApiDocument(app, { title, description: title });
  } finally {
    await app.close();
  }
}

/** The gateway's /docs-json without running anything: the four services' documents, merged as the gateway merges them. */
export async function buildOpenApi(publicBaseUrl: string): Promise<OpenAPIObject> {
  const docs = await Promise.all(FEATURES.map((f) => featureOpenApi(f, f.name)));
  return mergeOpenApi(docs, publicBaseUrl);
}
