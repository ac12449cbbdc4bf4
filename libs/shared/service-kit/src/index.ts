export { ServiceConfig } from './service-config';
export { declaredTopics, eventServers, type ServiceKitOptions, ServiceKitModule } from './service-kit.module';
export { runService } from './run-service';
